import { describe, expect, it } from 'vitest';
import type { ModelSignature, TensorSpec } from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import type { InferRequest } from './infer-types.js';
import { checkAgainstSignature } from './signature-check.js';
import { kilnErrorOf } from './test-support/wire.js';

const spec = (name: string, datatype: TensorSpec['datatype'], shape: number[]): TensorSpec => ({
  name,
  datatype,
  shape,
  dimNames: shape.map(() => null),
});
const signature: ModelSignature = {
  inputs: [spec('INPUT0', 'INT32', [-1, 16]), spec('INPUT1', 'INT32', [-1, 16])],
  outputs: [spec('OUTPUT0', 'INT32', [-1, 16]), spec('OUTPUT1', 'INT32', [-1, 16])],
};
const int32 = (name: string, shape: number[]): Tensor => ({
  name,
  datatype: 'INT32',
  shape,
  data: new Int32Array(shape.reduce((a, b) => a * b, 1)),
});
const request = (inputs: Tensor[], outputs?: string[]): InferRequest => ({
  parameters: {},
  inputs,
  inputParameters: new Map(),
  ...(outputs ? { outputs: outputs.map((name) => ({ name, parameters: {} })) } : {}),
  binaryOutput: false,
});
const errorOf = (req: InferRequest, maxBatchSize?: number) =>
  kilnErrorOf(() =>
    checkAgainstSignature(req, signature, maxBatchSize === undefined ? {} : { maxBatchSize }),
  );

describe('checkAgainstSignature', () => {
  it('returns the inputs in signature order', () => {
    const a = int32('INPUT0', [1, 16]);
    const b = int32('INPUT1', [1, 16]);
    expect(checkAgainstSignature(request([b, a], ['OUTPUT1']), signature)).toEqual([a, b]);
  });

  it('refuses an unknown input', () => {
    const e = errorOf(
      request([int32('INPUT0', [1, 16]), int32('INPUT1', [1, 16]), int32('INPUT2', [1, 16])]),
    );
    expect(e.message).toBe('input "INPUT2": the model has no such input; its inputs are "INPUT0", "INPUT1"');
    expect(e.details).toMatchObject({ reason: 'unknown_input', input: 'INPUT2' });
  });

  it('refuses a missing input', () => {
    expect(errorOf(request([int32('INPUT0', [1, 16])])).message).toBe(
      'input "INPUT1": missing; the model needs inputs "INPUT0", "INPUT1"',
    );
  });

  it('refuses a wrong datatype', () => {
    const fp: Tensor = { name: 'INPUT1', datatype: 'FP32', shape: [1, 16], data: new Float32Array(16) };
    const e = errorOf(request([int32('INPUT0', [1, 16]), fp]));
    expect(e.message).toBe('input "INPUT1": expected datatype INT32, got FP32');
    expect(e.details).toMatchObject({ reason: 'wrong_datatype', expected: 'INT32', got: 'FP32' });
  });

  it('refuses a wrong rank', () => {
    expect(errorOf(request([int32('INPUT0', [16]), int32('INPUT1', [1, 16])])).message).toBe(
      'input "INPUT0": expected shape [-1,16] (rank 2), got [16] (rank 1)',
    );
  });

  it('refuses a wrong fixed dimension', () => {
    const e = errorOf(request([int32('INPUT0', [1, 15]), int32('INPUT1', [1, 16])]));
    expect(e.message).toBe(
      'input "INPUT0": dimension 1 expected 16, got 15 (shape [1,15], model shape [-1,16])',
    );
    expect(e.details).toMatchObject({ reason: 'wrong_dimension', dimension: 1, expected: 16, got: 15 });
  });

  it('accepts any batch without a limit, and refuses a batch above max_batch_size', () => {
    expect(
      checkAgainstSignature(request([int32('INPUT0', [64, 16]), int32('INPUT1', [64, 16])]), signature),
    ).toHaveLength(2);
    const e = errorOf(request([int32('INPUT0', [9, 16]), int32('INPUT1', [9, 16])]), 8);
    expect(e.message).toBe(
      'input "INPUT0": batch dimension (dimension 0) is 9, above the deployment\'s max_batch_size 8',
    );
    expect(e.details.reason).toBe('batch_too_large');
  });

  it('refuses batched inputs that disagree on the batch size when batching', () => {
    const req = request([int32('INPUT0', [2, 16]), int32('INPUT1', [3, 16])]);
    expect(errorOf(req, 8).message).toBe(
      'input "INPUT1": batch dimension 3 differs from input "INPUT0"\'s 2; batched inputs must agree on dimension 0',
    );
    expect(checkAgainstSignature(req, signature).length).toBe(2); // no batching: no agreement needed
  });

  it('refuses an unknown requested output', () => {
    const e = errorOf(request([int32('INPUT0', [1, 16]), int32('INPUT1', [1, 16])], ['OUTPUT0', 'OUTPUT9']));
    expect(e.message).toBe(
      'output "OUTPUT9": the model has no such output; its outputs are "OUTPUT0", "OUTPUT1"',
    );
    expect(e.details.reason).toBe('unknown_output');
  });

  it('refuses a BYTES element carrying NUL, which ONNX Runtime would silently cut', () => {
    const strSig: ModelSignature = {
      inputs: [spec('TEXT', 'BYTES', [-1])],
      outputs: [spec('OUT', 'FP32', [-1])],
    };
    const text = (data: string[]): Tensor => ({
      name: 'TEXT',
      datatype: 'BYTES',
      shape: [data.length],
      data,
    });
    expect(checkAgainstSignature(request([text(['ok', 'fine'])]), strSig)).toHaveLength(1);
    const e = kilnErrorOf(() => checkAgainstSignature(request([text(['ok', 'a\u0000b'])]), strSig));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('BYTES element 1 contains U+0000');
  });
});
