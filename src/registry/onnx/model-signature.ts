/**
 * @module registry/onnx/model-signature
 * A model's typed inputs and outputs in KServe V2 (Open Inference Protocol) terms, derived from the
 * metadata ONNX Runtime reports for a loaded session. The datatype tables here are the one place
 * that maps ONNX Runtime's tensor type names to V2 datatype names and back.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { KilnError } from '../../core/errors.js';

/** KServe V2 tensor datatypes (Open Inference Protocol, "Tensor Data Types"). */
export type V2Datatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** The onnxruntime-node tensor type names that have a V2 datatype. */
export type OrtTensorType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'string';

/** ONNX Runtime tensor type → V2 datatype. ORT types absent here (int4, uint4) cannot be served. */
export const ORT_TO_V2_DATATYPE: Readonly<Record<OrtTensorType, V2Datatype>> = Object.freeze({
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
});

/** V2 datatype → ONNX Runtime tensor type: the inverse of {@link ORT_TO_V2_DATATYPE}. */
export const V2_TO_ORT_TYPE: Readonly<Record<V2Datatype, OrtTensorType>> = Object.freeze(
  Object.fromEntries(Object.entries(ORT_TO_V2_DATATYPE).map(([ort, v2]) => [v2, ort])) as Record<
    V2Datatype,
    OrtTensorType
  >,
);

/** True if `value` names a V2 datatype Kiln serves. */
export function isV2Datatype(value: unknown): value is V2Datatype {
  return typeof value === 'string' && Object.hasOwn(V2_TO_ORT_TYPE, value);
}

/** One input or output of a model. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: V2Datatype;
  /** One entry per dimension: its size, or -1 where the model leaves it dynamic. */
  readonly shape: readonly number[];
  /** Per dimension, the model's symbolic name for it (`batch`), or null when it has none. */
  readonly dimNames: readonly (string | null)[];
}

/** The typed inputs and outputs of a model, in the model's order. */
export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** The part of an ORT session the signature is read from. */
export type SessionMetadata = Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>;

/**
 * Reads the signature of a loaded session.
 * @throws KilnError INVALID_MODEL when an input or output is not a tensor, or has a type with no V2
 *   datatype; the message names the value and its type.
 */
export function readModelSignature(session: SessionMetadata): ModelSignature {
  return {
    inputs: session.inputMetadata.map((m) => toTensorSpec(m, 'input')),
    outputs: session.outputMetadata.map((m) => toTensorSpec(m, 'output')),
  };
}

/** Converts one value's ORT metadata into a {@link TensorSpec}. */
export function toTensorSpec(meta: InferenceSession.ValueMetadata, role: 'input' | 'output'): TensorSpec {
  if (!meta.isTensor) {
    throw new KilnError(
      'INVALID_MODEL',
      `${role} "${meta.name}": expected a tensor, got a non-tensor value (sequence, map or optional)`,
      { [role]: meta.name },
    );
  }
  if (!Object.hasOwn(ORT_TO_V2_DATATYPE, meta.type)) {
    throw new KilnError(
      'INVALID_MODEL',
      `${role} "${meta.name}": expected one of the tensor types ${Object.keys(ORT_TO_V2_DATATYPE).join(', ')}, ` +
        `got ${meta.type}`,
      { [role]: meta.name, type: meta.type },
    );
  }
  const datatype = ORT_TO_V2_DATATYPE[meta.type as OrtTensorType];
  // ORT reports a named dynamic dimension as its name, an unnamed one as '' (or a negative number).
  const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
  const dimNames = meta.shape.map((d) => (typeof d === 'string' && d !== '' ? d : null));
  return { name: meta.name, datatype, shape, dimNames };
}
