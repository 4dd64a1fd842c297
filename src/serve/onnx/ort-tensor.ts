/**
 * @module serve/onnx/ort-tensor
 * Converts between Kiln's {@link Tensor} and onnxruntime-node's `Tensor`. Both keep a flat row-major
 * array, and for every V2 datatype they agree on the array class (BOOL as Uint8Array, FP16 as
 * Uint16Array half bits, BYTES as string[]), so a conversion wraps the caller's array without copying.
 */
import { Tensor as OrtTensor } from 'onnxruntime-node';
import { KilnError } from '../../core/errors.js';
import {
  ORT_TO_V2_DATATYPE,
  type OrtTensorType,
  V2_TO_ORT_TYPE,
} from '../../registry/onnx/model-signature.js';
import type { Tensor, TensorData } from '../tensor.js';

/**
 * Wraps a Kiln tensor as an ONNX Runtime tensor over the same array (no copy): the ORT tensor must
 * not outlive the caller's use of `tensor.data`.
 * @throws KilnError INVALID_ARGUMENT when the data does not fit the datatype or the shape (ONNX
 *   Runtime's own check, with the tensor's name added).
 */
export function toOrtTensor(tensor: Tensor): OrtTensor {
  const type = V2_TO_ORT_TYPE[tensor.datatype];
  if (type === undefined) {
    throw new KilnError('INVALID_ARGUMENT', `input "${tensor.name}": unknown datatype ${tensor.datatype}`, {
      input: tensor.name,
    });
  }
  try {
    // The ORT constructor is overloaded per type; the data was checked against the datatype upstream.
    return new OrtTensor(type, tensor.data as never, tensor.shape);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new KilnError(
      'INVALID_ARGUMENT',
      `input "${tensor.name}" (${tensor.datatype} [${tensor.shape.join(', ')}]): ${message}`,
      { input: tensor.name, runtimeMessage: message },
    );
  }
}

/**
 * Reads an ONNX Runtime output as a Kiln tensor named `name`, sharing its array.
 * @throws KilnError INTERNAL when ONNX Runtime returned a type with no V2 datatype (the signature
 *   check at load refuses such models, so this is a bug).
 */
export function fromOrtTensor(name: string, ort: OrtTensor): Tensor {
  const datatype = ORT_TO_V2_DATATYPE[ort.type as OrtTensorType];
  if (datatype === undefined) {
    throw new KilnError(
      'INTERNAL',
      `output "${name}": ONNX Runtime returned type ${ort.type}, which has no V2 datatype`,
      {
        output: name,
        type: ort.type,
      },
    );
  }
  return { name, datatype, shape: [...ort.dims], data: asKilnData(ort.data) };
}

function asKilnData(data: OrtTensor['data']): TensorData {
  // Where the platform has Float16Array (Node 24+), ORT hands float16 out as one; Kiln keeps the
  // bits in a Uint16Array over the same memory.
  const f16 = (globalThis as { Float16Array?: new (...a: never[]) => unknown }).Float16Array;
  if (f16 !== undefined && data instanceof f16) {
    const view = data as unknown as ArrayBufferView;
    return new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2);
  }
  return data as TensorData;
}
