import { describe, expect, it } from 'vitest';
import type { ModelSignature, TensorSpec } from '../../registry/onnx/model-signature.js';
import { DEFAULT_PROTOCOL_LIMITS } from './infer-types.js';
import { decodeRawBinaryRequest } from './raw-binary-request.js';
import { hex, kilnErrorOf } from './test-support/wire.js';

const spec = (datatype: TensorSpec['datatype'], shape: number[]): TensorSpec => ({
  name: 'INPUT0',
  datatype,
  shape,
  dimNames: shape.map(() => null),
});
const single = (s: TensorSpec): ModelSignature => ({ inputs: [s], outputs: [] });
const limits = DEFAULT_PROTOCOL_LIMITS;

describe('decodeRawBinaryRequest', () => {
  it('takes the whole body as the single input, batch 1, all outputs binary', () => {
    const body = new Uint8Array(new Int32Array([1, 2, 3, 4]).buffer);
    const req = decodeRawBinaryRequest(body, single(spec('INT32', [-1, 4])), limits);
    expect(req.inputs).toHaveLength(1);
    expect(req.inputs[0]).toMatchObject({ name: 'INPUT0', datatype: 'INT32', shape: [1, 4] });
    expect([...(req.inputs[0].data as Int32Array)]).toEqual([1, 2, 3, 4]);
    expect(req.binaryOutput).toBe(true);
    expect(req.outputs).toBeUndefined();
  });

  it('infers one dynamic dimension from the body size, after setting the batch to 1', () => {
    const body = new Uint8Array(6 * 4);
    expect(decodeRawBinaryRequest(body, single(spec('FP32', [-1, 2, -1])), limits).inputs[0].shape).toEqual([
      1, 2, 3,
    ]);
    expect(decodeRawBinaryRequest(body, single(spec('FP32', [3, -1])), limits).inputs[0].shape).toEqual([
      3, 2,
    ]);
    expect(decodeRawBinaryRequest(body, single(spec('FP32', [2, 3])), limits).inputs[0].shape).toEqual([
      2, 3,
    ]);
  });

  it('counts BYTES elements to infer the shape', () => {
    const req = decodeRawBinaryRequest(
      hex('0200000068690000000003000000e697a5'),
      single(spec('BYTES', [-1])),
      limits,
    );
    expect(req.inputs[0].shape).toEqual([3]);
    expect(req.inputs[0].data).toEqual(['hi', '', '日']);
  });

  it('refuses models with other than one input, or without a signature', () => {
    const two: ModelSignature = {
      inputs: [spec('FP32', [1]), { ...spec('FP32', [1]), name: 'b' }],
      outputs: [],
    };
    expect(kilnErrorOf(() => decodeRawBinaryRequest(new Uint8Array(4), two, limits)).message).toBe(
      'raw binary request (Inference-Header-Content-Length: 0): only a model with exactly one input can take its data ' +
        'as the whole body; this model has 2 inputs — send a JSON header',
    );
    expect(
      kilnErrorOf(() => decodeRawBinaryRequest(new Uint8Array(4), undefined, limits)).details.reason,
    ).toBe('raw_binary_needs_single_input');
  });

  it('refuses shapes it cannot infer and bodies that do not fit', () => {
    expect(
      kilnErrorOf(() => decodeRawBinaryRequest(new Uint8Array(8), single(spec('FP32', [-1, -1, -1])), limits))
        .details.reason,
    ).toBe('raw_binary_shape_ambiguous');
    expect(
      kilnErrorOf(() => decodeRawBinaryRequest(new Uint8Array(10), single(spec('FP32', [-1, 2])), limits))
        .message,
    ).toBe(
      'input "INPUT0": cannot infer dimension 0 of [-1,2] from a body of 10 bytes (2.5 FP32 elements do not divide into rows of 2)',
    );
    expect(
      kilnErrorOf(() => decodeRawBinaryRequest(new Uint8Array(12), single(spec('FP32', [2, 2])), limits))
        .details.reason,
    ).toBe('binary_size_mismatch');
    expect(
      kilnErrorOf(() => decodeRawBinaryRequest(hex('05000000ab'), single(spec('BYTES', [-1])), limits))
        .details.reason,
    ).toBe('binary_truncated');
  });
});
