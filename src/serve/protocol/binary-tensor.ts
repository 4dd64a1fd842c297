/**
 * @module serve/protocol/binary-tensor
 * One tensor's data in the binary layout shared by the binary tensor extension (REST) and gRPC's
 * `raw_input_contents` / `raw_output_contents`: little-endian, row-major, no padding; BOOL one byte
 * (0 or 1); FP16 as its half bits; each BYTES element a 4-byte little-endian unsigned length
 * followed by that many bytes of UTF-8.
 *
 * Decoding copies out of the given bytes, so the caller may reuse its buffer afterwards.
 */
import type { V2Datatype } from '../../registry/onnx/model-signature.js';
import type { Tensor, TensorData } from '../tensor.js';
import {
  arrayClassOf,
  assertTensorCoherent,
  ELEMENT_BYTES,
  type FixedDatatype,
  HOST_IS_LITTLE_ENDIAN,
  swapBytes,
} from './datatype-layout.js';
import { formatShape, protocolError, tensorLabel } from './protocol-errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Decodes `bytes` as `count` elements of `datatype`; `bytes` must hold exactly those elements.
 * @param label how messages name the tensor (`input "x"`); `field` the request field for details.
 * @throws KilnError INVALID_ARGUMENT: size not `count` × element size, a BOOL byte other than 0/1,
 *   a BYTES element running past the end or not valid UTF-8, bytes left over after the last element.
 */
export function decodeTensorBytes(
  bytes: Uint8Array,
  datatype: V2Datatype,
  shape: readonly number[],
  count: number,
  label: string,
  field: string,
): TensorData {
  if (datatype === 'BYTES') return decodeStrings(bytes, shape, count, label, field);
  const size = ELEMENT_BYTES[datatype];
  if (bytes.length !== count * size) {
    throw protocolError(
      `${label}: shape ${formatShape(shape)} of ${datatype} needs ${count * size} bytes ` +
        `(${count} × ${size}), got ${bytes.length}`,
      { field, reason: 'binary_size_mismatch', expected: count * size, got: bytes.length },
    );
  }
  const copy = new Uint8Array(bytes); // aligned, owned, offset 0
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(copy, size);
  if (datatype === 'BOOL') {
    const at = copy.findIndex((b) => b > 1);
    if (at >= 0) {
      throw protocolError(`${label}: BOOL element ${at} expected byte 0 or 1, got ${copy[at]}`, {
        field,
        reason: 'bad_element',
        index: at,
      });
    }
  }
  return new (arrayClassOf(datatype as FixedDatatype))(copy.buffer, 0, count);
}

function decodeStrings(
  bytes: Uint8Array,
  shape: readonly number[],
  count: number,
  label: string,
  field: string,
): string[] {
  if (count * 4 > bytes.length) {
    // Checked before allocating: every element needs at least its 4-byte length.
    throw protocolError(
      `${label}: shape ${formatShape(shape)} holds ${count} BYTES elements, which need at least ${count * 4} bytes ` +
        `of lengths, got ${bytes.length}`,
      { field, reason: 'binary_truncated' },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) {
      throw protocolError(
        `${label}: BYTES element ${i} of ${count} (shape ${formatShape(shape)}) starts at byte ${at}, ` +
          `but only ${bytes.length - at} bytes remain for its 4-byte length`,
        { field, reason: 'binary_truncated', index: i },
      );
    }
    const length = view.getUint32(at, true);
    at += 4;
    if (length > bytes.length - at) {
      throw protocolError(
        `${label}: BYTES element ${i} declares ${length} bytes, but only ${bytes.length - at} remain`,
        { field, reason: 'binary_truncated', index: i },
      );
    }
    try {
      out[i] = utf8.decode(bytes.subarray(at, at + length));
    } catch {
      throw protocolError(`${label}: BYTES element ${i} is not valid UTF-8 (Kiln carries BYTES as text)`, {
        field,
        reason: 'invalid_utf8',
        index: i,
      });
    }
    at += length;
  }
  if (at !== bytes.length) {
    throw protocolError(
      `${label}: ${bytes.length - at} bytes left over after the ${count} BYTES elements shape ` +
        `${formatShape(shape)} holds`,
      { field, reason: 'binary_size_mismatch', expected: at, got: bytes.length },
    );
  }
  return out;
}

/**
 * The binary layout of a tensor's data. For fixed-size datatypes on little-endian hosts this is a
 * view of the tensor's own memory (no copy): do not mutate the tensor while the bytes are in use.
 * @throws KilnError INTERNAL when the tensor's data does not fit its datatype and shape.
 */
export function encodeTensorBytes(tensor: Tensor): Uint8Array {
  assertTensorCoherent(tensor, tensorLabel('output', tensor.name));
  if (tensor.datatype === 'BYTES') return encodeStrings(tensor.data as string[]);
  const data = tensor.data as Exclude<TensorData, string[]>;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return view;
  const copy = new Uint8Array(view);
  swapBytes(copy, ELEMENT_BYTES[tensor.datatype as FixedDatatype]);
  return copy;
}

function encodeStrings(values: readonly string[]): Uint8Array {
  const encoded = values.map((s) => utf8Encoder.encode(s));
  const total = encoded.reduce((sum, e) => sum + 4 + e.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const e of encoded) {
    view.setUint32(at, e.length, true);
    out.set(e, at + 4);
    at += 4 + e.length;
  }
  return out;
}
