import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fromOrtTensor, toOrtTensor } from './ort-tensor.js';
import { ALL_TYPES_ORDER, allTypesInputs } from './test-support/model-fixtures.js';

const ORT_TYPE = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
} as const;

describe('toOrtTensor / fromOrtTensor', () => {
  it('maps every V2 datatype to its ORT type and back, sharing the array', () => {
    for (const [i, tensor] of allTypesInputs().entries()) {
      const ort = toOrtTensor(tensor);
      expect(ort.type, tensor.datatype).toBe(ORT_TYPE[ALL_TYPES_ORDER[i]]);
      expect(ort.dims).toEqual([3]);
      expect(ort.data, tensor.datatype).toBe(tensor.data);
      const back = fromOrtTensor(`out_${tensor.datatype}`, ort);
      expect(back).toEqual({ ...tensor, name: `out_${tensor.datatype}` });
      expect(back.data).toBe(tensor.data);
    }
  });

  it('keeps a multi-dimensional shape', () => {
    const t: Tensor = { name: 'x', datatype: 'FP32', shape: [2, 3, 1], data: new Float32Array(6) };
    expect(fromOrtTensor('y', toOrtTensor(t)).shape).toEqual([2, 3, 1]);
  });

  it('refuses data that does not fill the shape, naming the input', () => {
    const t: Tensor = { name: 'x', datatype: 'INT32', shape: [3, 16], data: new Int32Array(32) };
    const e = (() => {
      try {
        toOrtTensor(t);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('INVALID_ARGUMENT');
    expect((e as KilnError).message).toMatch(
      /^input "x" \(INT32 \[3, 16\]\): .*size\(48\) does not match data length\(32\)/,
    );
  });

  it('refuses an array of the wrong class for the datatype', () => {
    const t: Tensor = { name: 'x', datatype: 'FP32', shape: [2], data: new Int32Array(2) };
    expect(() => toOrtTensor(t)).toThrow(KilnError);
  });
});
