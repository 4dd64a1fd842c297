/**
 * @module server/grpc/grpc-contents
 * A tensor's typed `InferTensorContents` ↔ Kiln's tensor data. Each datatype has one field:
 *
 * | datatype | field | checks on the way in |
 * |---|---|---|
 * | BOOL | `bool_contents` | — |
 * | INT8, INT16, INT32 | `int_contents` (int32) | within the datatype's range |
 * | INT64 | `int64_contents` | — (exact: read as decimal strings) |
 * | UINT8, UINT16, UINT32 | `uint_contents` (uint32) | within the datatype's range |
 * | UINT64 | `uint64_contents` | — (exact) |
 * | FP32 / FP64 | `fp32_contents` / `fp64_contents` | — |
 * | BYTES | `bytes_contents` | each element valid UTF-8 (Kiln carries BYTES as text) |
 * | FP16 | none: only `raw_input_contents` / `raw_output_contents` carry it | |
 *
 * Element checks reuse the REST JSON rules (`json-elements`), so both transports accept and
 * refuse the same values with the same messages.
 */
import { assertTensorCoherent } from '../../serve/protocol/datatype-layout.js';
import { jsonToData } from '../../serve/protocol/json-elements.js';
import { formatShape, protocolError, tensorLabel } from '../../serve/protocol/protocol-errors.js';
import type { TensorHead } from '../../serve/protocol/tensor-head.js';
import type { Tensor, TensorData, V2Datatype } from '../../serve/tensor.js';
import type { InferTensorContentsMsg, InferTensorContentsOut } from './grpc-messages.js';

type ContentsField = keyof InferTensorContentsMsg;

/** The contents field that carries each datatype; null for FP16, which has none. */
export const CONTENTS_FIELD: Readonly<Record<V2Datatype, ContentsField | null>> = Object.freeze({
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP16: null,
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
});

const FIELDS: readonly ContentsField[] = [
  'bool_contents',
  'int_contents',
  'int64_contents',
  'uint_contents',
  'uint64_contents',
  'fp32_contents',
  'fp64_contents',
  'bytes_contents',
];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The data of an input sent as typed contents (`contents` null: the input sent none).
 * @throws KilnError INVALID_ARGUMENT naming the tensor: FP16 sent typed, data in another
 *   datatype's field, element count not the shape's, an element out of range, BYTES not UTF-8.
 */
export function contentsToData(contents: InferTensorContentsMsg | null, head: TensorHead): TensorData {
  const { datatype, label, field, count, shape } = head;
  const own = CONTENTS_FIELD[datatype];
  const present = contents ? FIELDS.filter((f) => contents[f].length > 0) : [];
  if (own === null) {
    if (count === 0 && present.length === 0) return new Uint16Array(0);
    throw protocolError(
      `${label}: FP16 has no typed contents field; send its ${count} elements (IEEE half bits, ` +
        'little-endian) in raw_input_contents',
      { field: `${field}.contents`, reason: 'fp16_needs_raw' },
    );
  }
  const stray = present.find((f) => f !== own);
  if (stray !== undefined) {
    throw protocolError(
      `${label}: ${datatype} data goes in contents.${own}, got ${contents![stray].length} elements in contents.${stray}`,
      { field: `${field}.contents.${stray}`, reason: 'wrong_contents_field', expected: own },
    );
  }
  const values = contents ? contents[own] : [];
  if (values.length !== count) {
    throw protocolError(
      `${label}: shape ${formatShape(shape)} holds ${count} elements, got ${values.length} in contents.${own}` +
        (contents ? '' : ' (the input has no contents and the request no raw_input_contents)'),
      { field: `${field}.contents.${own}`, reason: 'element_count', expected: count, got: values.length },
    );
  }
  const where = `${field}.contents.${own}`;
  if (datatype === 'BYTES') return (values as Uint8Array[]).map((b, i) => decodeText(b, i, label, where));
  return jsonToData(values, datatype, label, where);
}

function decodeText(bytes: Uint8Array, index: number, label: string, field: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw protocolError(`${label}: BYTES element ${index} is not valid UTF-8 (Kiln carries BYTES as text)`, {
      field,
      reason: 'invalid_utf8',
      index,
    });
  }
}

/**
 * The typed contents of an output; null for FP16, which must go raw.
 * @throws KilnError INTERNAL when the tensor's data does not fit its datatype and shape.
 */
export function dataToContents(tensor: Tensor): InferTensorContentsOut | null {
  assertTensorCoherent(tensor, tensorLabel('output', tensor.name));
  const own = CONTENTS_FIELD[tensor.datatype];
  if (own === null) return null;
  const data = tensor.data;
  switch (tensor.datatype) {
    case 'BOOL':
      return { [own]: Array.from(data as Uint8Array, (v) => v !== 0) };
    case 'INT64':
    case 'UINT64':
      // Decimal strings: protobuf.js writes them exactly, where a number would lose digits.
      return { [own]: Array.from(data as BigInt64Array | BigUint64Array, (v) => v.toString()) };
    case 'BYTES':
      return { [own]: (data as string[]).map((s) => Buffer.from(s, 'utf8')) };
    default:
      return { [own]: Array.from(data as Exclude<TensorData, string[] | BigInt64Array | BigUint64Array>) };
  }
}
