/**
 * @module serve/protocol/tensor-head
 * Reads and checks everything about a request tensor except its data: name, datatype, shape (and
 * the element count it implies, bounded by {@link ProtocolLimits}) and parameters. Shared by the
 * JSON and binary input paths, and usable by the gRPC transport for its own tensors.
 */
import { isV2Datatype, type V2Datatype } from '../../registry/onnx/model-signature.js';
import type { InferParameters } from '../tensor.js';
import type { ProtocolLimits } from './infer-types.js';
import { describeValue, formatShape, protocolError, tensorLabel } from './protocol-errors.js';

/** An input's name, datatype, shape and parameters, checked; its data still to be read. */
export interface TensorHead {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
  /** The product of `shape`, at most `limits.maxElements`. */
  readonly count: number;
  readonly parameters: InferParameters;
  /** `input "x"`: how messages name this tensor. */
  readonly label: string;
  /** `inputs[0]`: the JSON path of the entry. */
  readonly field: string;
}

/** The keys an input entry may carry (Open Inference Protocol `$request_input`). */
export const INPUT_KEYS: ReadonlySet<string> = new Set(['name', 'shape', 'datatype', 'parameters', 'data']);

/**
 * Checks an input entry's keys, name, datatype, shape and parameters.
 * @throws KilnError INVALID_ARGUMENT naming the field; PAYLOAD_TOO_LARGE when the shape holds more
 *   than `limits.maxElements` elements.
 */
export function readTensorHead(entry: unknown, index: number, limits: ProtocolLimits): TensorHead {
  const field = `inputs[${index}]`;
  if (!isPlainObject(entry)) {
    throw protocolError(
      `${field}: expected an object {name, shape, datatype, data}, got ${describeValue(entry)}`,
      {
        field,
        reason: 'not_an_object',
      },
    );
  }
  const name = entry.name;
  if (typeof name !== 'string' || name === '') {
    throw protocolError(`${field}.name: expected a non-empty string, got ${describeValue(name)}`, {
      field: `${field}.name`,
      reason: 'bad_name',
    });
  }
  const label = tensorLabel('input', name);
  for (const key of Object.keys(entry)) {
    if (!INPUT_KEYS.has(key)) {
      throw protocolError(
        `${label}: unknown key ${JSON.stringify(key)}; an input may have ${[...INPUT_KEYS].join(', ')}`,
        {
          field: `${field}.${key}`,
          reason: 'unknown_key',
        },
      );
    }
  }
  const datatype = readDatatype(entry.datatype, label, `${field}.datatype`);
  const shape = readShape(entry.shape, label, `${field}.shape`);
  const count = checkElementCount(shape, limits, label, `${field}.shape`);
  const parameters = readParameters(entry.parameters, `${label} parameters`, `${field}.parameters`);
  return { name, datatype, shape, count, parameters, label, field };
}

/** A V2 datatype Kiln serves (BF16 is refused: ONNX Runtime for Node has no bfloat16). */
export function readDatatype(value: unknown, label: string, field: string): V2Datatype {
  if (isV2Datatype(value)) return value;
  throw protocolError(
    `${label}: datatype expected one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, ` +
      `FP16, FP32, FP64, BYTES, got ${describeValue(value)}`,
    { field, reason: value === 'BF16' ? 'unsupported_datatype' : 'bad_datatype' },
  );
}

/** An array of non-negative safe integers. */
export function readShape(value: unknown, label: string, field: string): number[] {
  if (!Array.isArray(value)) {
    throw protocolError(
      `${label}: shape expected an array of non-negative integers, got ${describeValue(value)}`,
      {
        field,
        reason: 'bad_shape',
      },
    );
  }
  for (let i = 0; i < value.length; i++) {
    const d = value[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw protocolError(
        `${label}: shape ${formatShape(value)} dimension ${i} expected a non-negative integer, got ${describeValue(d)}`,
        { field: `${field}[${i}]`, reason: 'bad_shape' },
      );
    }
  }
  return value.slice() as number[];
}

/**
 * The number of elements `shape` holds.
 * @throws KilnError PAYLOAD_TOO_LARGE above `limits.maxElements`, checked without overflowing.
 */
export function checkElementCount(
  shape: readonly number[],
  limits: ProtocolLimits,
  label: string,
  field: string,
): number {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > limits.maxElements) {
      throw protocolError(
        `${label}: shape ${formatShape(shape)} holds more elements than the limit of ${limits.maxElements}`,
        { field, reason: 'too_many_elements', limit: limits.maxElements },
        'PAYLOAD_TOO_LARGE',
      );
    }
  }
  return count;
}

/**
 * A `parameters` object: string, finite number, boolean or bigint (a 64-bit integer literal past
 * 2^53) values. Undefined gives `{}`. Keys are kept as own properties, `__proto__` included.
 */
export function readParameters(value: unknown, label: string, field: string): InferParameters {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw protocolError(
      `${label}: expected an object of string, number or boolean values, got ${describeValue(value)}`,
      {
        field,
        reason: 'bad_parameters',
      },
    );
  }
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    const ok =
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      typeof v === 'bigint' ||
      (typeof v === 'number' && Number.isFinite(v));
    if (!ok) {
      throw protocolError(
        `${label}: ${JSON.stringify(key)} expected a string, finite number or boolean, got ${describeValue(v)}`,
        { field: `${field}.${key}`, reason: 'bad_parameter' },
      );
    }
  }
  return Object.freeze(Object.fromEntries(entries) as InferParameters);
}

/** A non-null, non-array object (what JSON calls an object). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
