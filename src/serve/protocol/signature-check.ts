/**
 * @module serve/protocol/signature-check
 * Checks a decoded request against the model's signature before it reaches the batcher or the
 * runtime (which never validate): every input the model needs is there, with its datatype, rank
 * and fixed dimensions; the batch dimension is within the deployment's limit; every requested
 * output exists. Returns the inputs in the signature's order, the order the runtime takes them in.
 */
import type { ModelSignature, TensorSpec } from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import type { InferRequest } from './infer-types.js';
import { formatShape, protocolError, tensorLabel } from './protocol-errors.js';

/** Deployment settings the check needs. */
export interface SignatureCheckOptions {
  /**
   * The largest first dimension accepted for inputs whose first model dimension is dynamic (the
   * batch). Undefined: no limit. When above 1 (the batcher will merge requests along that axis),
   * all such inputs must also agree on it.
   */
  readonly maxBatchSize?: number;
}

/**
 * Validates `request` against `signature` and returns its inputs in signature order.
 * @throws KilnError INVALID_ARGUMENT naming the tensor, with expected and actual values, for an
 *   unknown input, a missing input, a wrong datatype, a wrong rank, a wrong fixed dimension, a batch
 *   dimension above `maxBatchSize` or differing between inputs, a BYTES element holding U+0000 (ONNX
 *   Runtime would cut it there), and an unknown requested output.
 */
export function checkAgainstSignature(
  request: InferRequest,
  signature: ModelSignature,
  options: SignatureCheckOptions = {},
): Tensor[] {
  // Messages are built only on the way to an error: this runs for every request.
  const expected = () => signature.inputs.map((s) => JSON.stringify(s.name)).join(', ');
  for (const t of request.inputs) {
    if (!signature.inputs.some((s) => s.name === t.name)) {
      throw protocolError(
        `${tensorLabel('input', t.name)}: the model has no such input; its inputs are ${expected()}`,
        {
          field: 'inputs',
          reason: 'unknown_input',
          input: t.name,
        },
      );
    }
  }
  const ordered = signature.inputs.map((spec) => {
    const tensor = request.inputs.find((t) => t.name === spec.name);
    if (tensor === undefined) {
      throw protocolError(
        `${tensorLabel('input', spec.name)}: missing; the model needs inputs ${expected()}`,
        {
          field: 'inputs',
          reason: 'missing_input',
          input: spec.name,
        },
      );
    }
    checkTensor(tensor, spec, options);
    return tensor;
  });
  checkBatchAgreement(ordered, signature, options);
  checkRequestedOutputs(request, signature);
  return ordered;
}

function checkTensor(tensor: Tensor, spec: TensorSpec, options: SignatureCheckOptions): void {
  const label = () => tensorLabel('input', spec.name);
  const details = { field: 'inputs', input: spec.name };
  if (tensor.datatype !== spec.datatype) {
    throw protocolError(`${label()}: expected datatype ${spec.datatype}, got ${tensor.datatype}`, {
      ...details,
      reason: 'wrong_datatype',
      expected: spec.datatype,
      got: tensor.datatype,
    });
  }
  const model = () => formatShape(spec.shape);
  if (tensor.shape.length !== spec.shape.length) {
    throw protocolError(
      `${label()}: expected shape ${model()} (rank ${spec.shape.length}), got ${formatShape(tensor.shape)} (rank ${tensor.shape.length})`,
      { ...details, reason: 'wrong_rank', expected: spec.shape.length, got: tensor.shape.length },
    );
  }
  for (let i = 0; i < spec.shape.length; i++) {
    const want = spec.shape[i] as number;
    const got = tensor.shape[i];
    if (want >= 0 && got !== want) {
      throw protocolError(
        `${label()}: dimension ${i} expected ${want}, got ${got} (shape ${formatShape(tensor.shape)}, model shape ${model()})`,
        { ...details, reason: 'wrong_dimension', dimension: i, expected: want, got },
      );
    }
  }
  if (tensor.datatype === 'BYTES') {
    // ONNX Runtime takes strings as C strings: it would silently cut an element at its first NUL.
    const at = (tensor.data as readonly string[]).findIndex((s) => s.includes('\u0000'));
    if (at >= 0) {
      throw protocolError(
        `${label()}: BYTES element ${at} contains U+0000 (NUL), which ONNX Runtime cannot carry (its strings end at the first NUL)`,
        { ...details, reason: 'nul_in_bytes', index: at },
      );
    }
  }
  const max = options.maxBatchSize;
  if (max !== undefined && spec.shape.length > 0 && spec.shape[0] < 0 && tensor.shape[0] > max) {
    throw protocolError(
      `${label()}: batch dimension (dimension 0) is ${tensor.shape[0]}, above the deployment's max_batch_size ${max}`,
      { ...details, reason: 'batch_too_large', expected: `at most ${max}`, got: tensor.shape[0] },
    );
  }
}

/** When the batcher merges along dimension 0, every batched input must have the same batch size. */
function checkBatchAgreement(
  inputs: readonly Tensor[],
  signature: ModelSignature,
  options: SignatureCheckOptions,
): void {
  if (options.maxBatchSize === undefined || options.maxBatchSize <= 1) return;
  let first: Tensor | undefined;
  inputs.forEach((t, i) => {
    const spec = signature.inputs[i];
    if (spec.shape.length === 0 || spec.shape[0] >= 0) return;
    if (first === undefined) first = t;
    else if (t.shape[0] !== first.shape[0]) {
      throw protocolError(
        `${tensorLabel('input', t.name)}: batch dimension ${t.shape[0]} differs from ` +
          `${tensorLabel('input', first.name)}'s ${first.shape[0]}; batched inputs must agree on dimension 0`,
        {
          field: 'inputs',
          input: t.name,
          reason: 'batch_mismatch',
          expected: first.shape[0],
          got: t.shape[0],
        },
      );
    }
  });
}

function checkRequestedOutputs(request: InferRequest, signature: ModelSignature): void {
  const known = new Set(signature.outputs.map((s) => s.name));
  for (const o of request.outputs ?? []) {
    if (!known.has(o.name)) {
      throw protocolError(
        `${tensorLabel('output', o.name)}: the model has no such output; its outputs are ` +
          `${signature.outputs.map((s) => JSON.stringify(s.name)).join(', ')}`,
        { field: 'outputs', reason: 'unknown_output', output: o.name },
      );
    }
  }
}
