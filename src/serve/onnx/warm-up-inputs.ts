/**
 * @module serve/onnx/warm-up-inputs
 * Builds the input a session runs once before it is declared ready: the first run of a session
 * allocates its arenas and picks kernels, and that cost belongs to load, not to the first request.
 */
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import { allocateData } from '../protocol/datatype-layout.js';
import { elementCount, type Tensor } from '../tensor.js';

/**
 * One tensor per signature input, in signature order: every dynamic dimension (-1) set to
 * `dynamicSize` (the batch size when it is the first), zeros for numbers and BOOL, empty strings for
 * BYTES. A model that cannot run on such an input fails its warm-up, and so its load.
 */
export function warmUpInputs(signature: ModelSignature, dynamicSize = 1): Tensor[] {
  return signature.inputs.map((spec) => {
    const shape = spec.shape.map((d) => (d < 0 ? dynamicSize : d));
    return {
      name: spec.name,
      datatype: spec.datatype,
      shape,
      data: allocateData(spec.datatype, elementCount(shape)),
    };
  });
}
