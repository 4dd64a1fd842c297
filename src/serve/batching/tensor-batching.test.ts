import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { Tensor } from '../tensor.js';
import { batchKey, checkBatchable, concatBatch, sameLayout, splitBatch } from './tensor-batching.js';
import { bytes, fp32, rowsOf } from './test-support/fake-model.js';

function int64(name: string, rows: bigint[][]): Tensor {
  return {
    name,
    datatype: 'INT64',
    shape: [rows.length, rows[0].length],
    data: BigInt64Array.from(rows.flat()),
  };
}

function thrown(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw e;
  }
  throw new Error('expected a throw');
}

describe('sameLayout', () => {
  it('agrees with batchKey on every pair of a varied set of requests', () => {
    const requests: Tensor[][] = [
      [fp32('x', [[1, 2]])],
      [
        fp32('x', [
          [3, 4],
          [5, 6],
        ]),
      ],
      [fp32('x', [[1, 2, 3]])],
      [fp32('y', [[1, 2]])],
      [bytes('x', [['a', 'b']])],
      [fp32('x', [[1, 2]]), bytes('s', [['a']])],
      [bytes('s', [['a']]), fp32('x', [[1, 2]])],
      [{ name: 'x', datatype: 'FP32', shape: [1, 2, 1], data: new Float32Array(2) }],
      [],
    ];
    for (const a of requests) {
      for (const b of requests) expect(sameLayout(a, b)).toBe(batchKey(a) === batchKey(b));
    }
  });
});

describe('batchKey', () => {
  it('is equal for inputs that differ only in batch size', () => {
    expect(batchKey([fp32('x', [[1, 2]])])).toBe(
      batchKey([
        fp32('x', [
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
      ]),
    );
  });

  it('differs by trailing dims, datatype, name and input order', () => {
    const base = batchKey([fp32('x', [[1, 2]]), bytes('s', [['a']])]);
    expect(batchKey([fp32('x', [[1, 2, 3]]), bytes('s', [['a']])])).not.toBe(base);
    expect(batchKey([int64('x', [[1n, 2n]]), bytes('s', [['a']])])).not.toBe(base);
    expect(batchKey([fp32('y', [[1, 2]]), bytes('s', [['a']])])).not.toBe(base);
    expect(batchKey([bytes('s', [['a']]), fp32('x', [[1, 2]])])).not.toBe(base);
  });
});

describe('concatBatch', () => {
  it('stacks each input along dimension 0 in request order, for every datatype kind', () => {
    const a = [fp32('x', [[1, 2]]), int64('id', [[10n]]), bytes('s', [['a', 'b']])];
    const b = [
      fp32('x', [
        [3, 4],
        [5, 6],
      ]),
      int64('id', [[20n], [30n]]),
      bytes('s', [
        ['c', 'd'],
        ['e', 'f'],
      ]),
    ];
    const [x, id, s] = concatBatch([a, b]);
    expect(x).toMatchObject({ name: 'x', datatype: 'FP32', shape: [3, 2] });
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(Array.from(x.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(id.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(id.data as BigInt64Array)).toEqual([10n, 20n, 30n]);
    expect(s).toMatchObject({ datatype: 'BYTES', shape: [3, 2], data: ['a', 'b', 'c', 'd', 'e', 'f'] });
  });

  it('returns a lone request as it is', () => {
    const a = [fp32('x', [[1, 2]])];
    expect(concatBatch([a])[0]).toBe(a[0]);
  });

  it('refuses requests with different trailing dims (INTERNAL: grouping is the caller’s job)', () => {
    const e = thrown(() => concatBatch([[fp32('x', [[1, 2]])], [fp32('x', [[1, 2, 3]])]]));
    expect(e.code).toBe('INTERNAL');
    expect(e.details.reason).toBe('incompatible_batch');
  });
});

describe('splitBatch', () => {
  it('gives each request its own rows, in order', () => {
    const out: Tensor = {
      name: 'y',
      datatype: 'FP32',
      shape: [4, 2],
      data: Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]),
    };
    const names: Tensor = { name: 'n', datatype: 'BYTES', shape: [4], data: ['a', 'b', 'c', 'd'] };
    const [r0, r1, r2] = splitBatch([out, names], [1, 0, 3]);
    expect(r0[0].shape).toEqual([1, 2]);
    expect(rowsOf(r0[0])).toEqual([[1, 1]]);
    expect(r0[1].data).toEqual(['a']);
    expect(r1[0].shape).toEqual([0, 2]);
    expect(r1[1].data).toEqual([]);
    expect(rowsOf(r2[0])).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(r2[1]).toMatchObject({ shape: [3], data: ['b', 'c', 'd'] });
  });

  it('copies the rows, so no answer pins the batch buffer', () => {
    const out: Tensor = { name: 'y', datatype: 'FP32', shape: [2], data: Float32Array.from([1, 2]) };
    const [[a]] = splitBatch([out], [1, 1]);
    expect((a.data as Float32Array).buffer).not.toBe((out.data as Float32Array).buffer);
  });

  it('refuses an output whose first dimension is not the batch (INTERNAL)', () => {
    const fixed: Tensor = { name: 'y', datatype: 'FP32', shape: [1, 3], data: new Float32Array(3) };
    const e = thrown(() => splitBatch([fixed], [2, 1]));
    expect(e.code).toBe('INTERNAL');
    expect(e.details).toMatchObject({ reason: 'output_not_batched', expected: 3, got: 1 });
    expect(e.message).toContain('fixed first dimension cannot batch');
    const scalar: Tensor = { name: 'z', datatype: 'FP32', shape: [], data: new Float32Array(1) };
    expect(thrown(() => splitBatch([scalar], [1])).code).toBe('INTERNAL');
  });

  it('refuses an output whose data does not match its shape (INTERNAL)', () => {
    const short: Tensor = { name: 'y', datatype: 'FP32', shape: [2, 2], data: new Float32Array(3) };
    expect(thrown(() => splitBatch([short], [1, 1])).details.reason).toBe('incoherent_tensor');
  });
});

describe('checkBatchable', () => {
  it('accepts inputs whose dimension 0 is the batch size', () => {
    expect(() => checkBatchable([fp32('x', [[1], [2]]), bytes('s', [['a'], ['b']])], 2)).not.toThrow();
  });

  it('refuses a dimension 0 that is not the batch size, a scalar, or data that does not fit', () => {
    expect(thrown(() => checkBatchable([fp32('x', [[1], [2]])], 3)).details.reason).toBe('batch_mismatch');
    const scalar: Tensor = { name: 'x', datatype: 'FP32', shape: [], data: new Float32Array(1) };
    expect(thrown(() => checkBatchable([scalar], 1)).code).toBe('INVALID_ARGUMENT');
    const wrongClass: Tensor = { name: 'x', datatype: 'INT64', shape: [1], data: new Float32Array(1) };
    expect(thrown(() => checkBatchable([wrongClass], 1)).details.reason).toBe('incoherent_tensor');
  });
});
