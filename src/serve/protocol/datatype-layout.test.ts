import { describe, expect, it } from 'vitest';
import type { TensorData } from '../tensor.js';
import { allocateData } from './datatype-layout.js';

describe('allocateData', () => {
  it('gives zero-filled, non-overlapping, 8-byte-aligned views for small arrays, never a whole slab', () => {
    const arrays = Array.from({ length: 2000 }, (_, i) =>
      allocateData(i % 3 === 0 ? 'FP64' : i % 3 === 1 ? 'FP32' : 'INT8', 1 + (i % 37)),
    ) as Exclude<TensorData, string[]>[];
    for (const a of arrays) {
      expect(Array.from(a as ArrayLike<number>).every((v) => v === 0)).toBe(true);
      expect(a.byteOffset % 8).toBe(0);
      expect(a.byteLength).toBeLessThan(a.buffer.byteLength);
    }
    // Writing every array never changes another (each region is handed out once).
    arrays.forEach((a, i) => (a as Float64Array).fill((i % 100) + 1));
    arrays.forEach((a, i) =>
      expect(Array.from(a as ArrayLike<number>).every((v) => v === (i % 100) + 1)).toBe(true),
    );
  });

  it('gives large arrays, BigInt arrays past the slab limit and BYTES their own storage', () => {
    const big = allocateData('FP32', 10_000) as Float32Array;
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(40_000);
    expect(allocateData('INT64', 4)).toBeInstanceOf(BigInt64Array);
    expect(allocateData('BYTES', 2)).toEqual(['', '']);
    expect(allocateData('FP16', 0)).toHaveLength(0);
  });
});
