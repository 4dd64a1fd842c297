/**
 * @module serve/protocol/raw-binary-request
 * The binary extension's raw request form: `Inference-Header-Content-Length: 0`, and the whole body
 * is the data of the model's single input. There is no JSON, so the name, datatype and shape come
 * from the model signature:
 *
 * - the datatype and name are the input's;
 * - the shape is the input's, with a dynamic first dimension set to 1 when the shape has other
 *   dynamic dimensions too (the extension's "batch-1" reading), and the one remaining dynamic
 *   dimension, if any, inferred from the body's size (for BYTES, from its element count);
 * - every output is returned in binary (`binaryOutput: true`).
 *
 * Models with several inputs, or with more than one dynamic dimension besides the batch, cannot be
 * called this way.
 */
import type { ModelSignature, TensorSpec } from '../../registry/onnx/model-signature.js';
import { decodeTensorBytes } from './binary-tensor.js';
import { ELEMENT_BYTES, type FixedDatatype } from './datatype-layout.js';
import type { InferRequest, ProtocolLimits } from './infer-types.js';
import { formatShape, protocolError, tensorLabel } from './protocol-errors.js';
import { checkElementCount } from './tensor-head.js';

/**
 * Decodes a raw binary request body for a single-input model.
 * @throws KilnError INVALID_ARGUMENT when no signature is given, the model has other than one
 *   input, the shape cannot be inferred, or the body does not fit it; PAYLOAD_TOO_LARGE above
 *   `limits.maxElements`.
 */
export function decodeRawBinaryRequest(
  body: Uint8Array,
  signature: ModelSignature | undefined,
  limits: ProtocolLimits,
): InferRequest {
  const field = 'body';
  if (signature === undefined || signature.inputs.length !== 1) {
    const have = signature === undefined ? 'an unknown number of' : String(signature.inputs.length);
    throw protocolError(
      `raw binary request (Inference-Header-Content-Length: 0): only a model with exactly one input can take ` +
        `its data as the whole body; this model has ${have} inputs — send a JSON header`,
      { field, reason: 'raw_binary_needs_single_input' },
    );
  }
  const spec = signature.inputs[0];
  const label = tensorLabel('input', spec.name);
  const shape = inferShape(spec, body, label);
  const count = checkElementCount(shape, limits, label, field);
  const data = decodeTensorBytes(body, spec.datatype, shape, count, label, field);
  return {
    parameters: {},
    inputs: [{ name: spec.name, datatype: spec.datatype, shape, data }],
    inputParameters: new Map(),
    binaryOutput: true,
  };
}

function inferShape(spec: TensorSpec, body: Uint8Array, label: string): number[] {
  const shape = [...spec.shape];
  const dynamic = () => shape.filter((d) => d < 0).length;
  if (dynamic() > 1 && shape[0] < 0) shape[0] = 1;
  if (dynamic() > 1) {
    throw protocolError(
      `${label}: a raw binary request needs a shape with at most one dynamic dimension besides the batch; ` +
        `the model's is ${formatShape(spec.shape)} — send a JSON header with the shape`,
      { field: 'body', reason: 'raw_binary_shape_ambiguous' },
    );
  }
  const at = shape.findIndex((d) => d < 0);
  if (at < 0) return shape;
  let known = 1;
  for (const d of shape) if (d >= 0) known *= d;
  const count =
    spec.datatype === 'BYTES'
      ? countStrings(body)
      : body.length / ELEMENT_BYTES[spec.datatype as FixedDatatype];
  if (Number.isNaN(count)) {
    throw protocolError(
      `${label}: the body is not a run of BYTES elements (4-byte length, then that many bytes)`,
      {
        field: 'body',
        reason: 'binary_truncated',
      },
    );
  }
  if (known === 0 || !Number.isInteger(count / known)) {
    throw protocolError(
      `${label}: cannot infer dimension ${at} of ${formatShape(spec.shape)} from a body of ${body.length} bytes ` +
        `(${count} ${spec.datatype} elements do not divide into rows of ${known})`,
      { field: 'body', reason: 'raw_binary_shape_mismatch' },
    );
  }
  shape[at] = count / known;
  return shape;
}

/** Counts BYTES elements by walking their lengths; NaN when the last one runs past the end. */
function countStrings(body: Uint8Array): number {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  let n = 0;
  while (at + 4 <= body.length) {
    at += 4 + view.getUint32(at, true);
    n += 1;
  }
  return at === body.length ? n : Number.NaN;
}
