import { Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadNativeSession, toValueMetadata } from './native-session.js';
import { fixtureBytes } from './test-support/model-fixtures.js';

const OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' } as const;

describe('toValueMetadata', () => {
  it('names the element type and gives dynamic dimensions their names, as the public API does', () => {
    expect(
      toValueMetadata({
        name: 'x',
        isTensor: true,
        type: 1,
        shape: [-1, 30],
        symbolicDimensions: ['batch', ''],
      }),
    ).toEqual({ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 30] });
    expect(
      toValueMetadata({ name: 's', isTensor: true, type: 8, shape: [-1], symbolicDimensions: [''] }),
    ).toEqual({ name: 's', isTensor: true, type: 'string', shape: [''] });
  });

  it('keeps a non-tensor value a non-tensor, and an unknown element type as its number', () => {
    expect(
      toValueMetadata({ name: 'm', isTensor: false, type: 0, shape: [], symbolicDimensions: [] }),
    ).toEqual({
      name: 'm',
      isTensor: false,
    });
    expect(
      toValueMetadata({ name: 'b', isTensor: true, type: 16, shape: [2], symbolicDimensions: [''] }),
    ).toMatchObject({ type: '16' });
  });
});

describe('loadNativeSession', () => {
  it('runs synchronously and returns the package Tensor of each requested output', () => {
    const session = loadNativeSession(fixtureBytes('simple.onnx'), OPTIONS);
    expect(session).not.toBeNull();
    const a = new Int32Array(16).map((_, i) => i);
    const b = new Int32Array(16).fill(3);
    const out = session!.run(
      { INPUT0: new OrtTensor('int32', a, [1, 16]), INPUT1: new OrtTensor('int32', b, [1, 16]) },
      ['OUTPUT1'],
    );
    expect(Object.keys(out)).toEqual(['OUTPUT1']);
    expect(out.OUTPUT1).toBeInstanceOf(OrtTensor);
    expect(out.OUTPUT1.dims).toEqual([1, 16]);
    expect(out.OUTPUT1.data).toEqual(a.map((x) => x - 3));
    expect(session!.inputMetadata.map((m) => m.name)).toEqual(['INPUT0', 'INPUT1']);
    session!.dispose();
  });

  it('throws ONNX Runtime’s own error for bytes that are not a model, and for a bad run', () => {
    expect(() => loadNativeSession(new Uint8Array([1, 2, 3]), OPTIONS)).toThrow();
    const session = loadNativeSession(fixtureBytes('simple.onnx'), OPTIONS)!;
    const wrong = new OrtTensor('int32', new Int32Array(15), [1, 15]);
    expect(() => session.run({ INPUT0: wrong, INPUT1: wrong }, ['OUTPUT0'])).toThrow(/dimension/i);
    session.dispose();
  });
});
