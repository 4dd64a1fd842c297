/**
 * @module serve/tensor
 * Kiln's in-memory tensor, shared by the protocol codecs (REST JSON, binary extension, gRPC), the
 * batcher and the model runtime. Data is a flat row-major typed array matching the datatype:
 *
 * | datatype | data |
 * |---|---|
 * | BOOL | Uint8Array (0 or 1) |
 * | UINT8 / UINT16 / UINT32 / UINT64 | Uint8Array / Uint16Array / Uint32Array / BigUint64Array |
 * | INT8 / INT16 / INT32 / INT64 | Int8Array / Int16Array / Int32Array / BigInt64Array |
 * | FP16 | Uint16Array (IEEE 754 half bits) |
 * | FP32 / FP64 | Float32Array / Float64Array |
 * | BYTES | string[] (UTF-8 text: ONNX Runtime carries strings) |
 */
import type { V2Datatype } from '../registry/onnx/model-signature.js';

export type { V2Datatype };

export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

export interface Tensor {
  readonly name: string;
  readonly datatype: V2Datatype;
  /** Concrete dimensions (no -1). */
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** Parameters as the Open Inference Protocol carries them. */
export type InferParameters = Readonly<Record<string, string | number | boolean | bigint>>;

/** The number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
