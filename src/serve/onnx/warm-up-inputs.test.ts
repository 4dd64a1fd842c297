import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import { warmUpInputs } from './warm-up-inputs.js';

const signature: ModelSignature = {
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [-1, 3], dimNames: ['batch', null] },
    { name: 'ids', datatype: 'INT64', shape: [2, -1], dimNames: [null, null] },
    { name: 'text', datatype: 'BYTES', shape: [-1], dimNames: ['batch'] },
    { name: 'flag', datatype: 'BOOL', shape: [], dimNames: [] },
  ],
  outputs: [],
};

describe('warmUpInputs', () => {
  it('sets dynamic dimensions to 1 and fills zeros and empty strings, in signature order', () => {
    expect(warmUpInputs(signature)).toEqual([
      { name: 'x', datatype: 'FP32', shape: [1, 3], data: new Float32Array(3) },
      { name: 'ids', datatype: 'INT64', shape: [2, 1], data: new BigInt64Array(2) },
      { name: 'text', datatype: 'BYTES', shape: [1], data: [''] },
      { name: 'flag', datatype: 'BOOL', shape: [], data: new Uint8Array(1) },
    ]);
  });

  it('uses the given size for every dynamic dimension', () => {
    const [x, ids] = warmUpInputs(signature, 64);
    expect(x.shape).toEqual([64, 3]);
    expect(x.data).toHaveLength(192);
    expect(ids.shape).toEqual([2, 64]);
  });
});
