import { describe, expect, it } from 'vitest';
import { RADIX_MIN, sortFloat64 } from './radix-sort.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sortFloat64', () => {
  it('sorts large arrays with negatives, zeros, ties, subnormals and extremes like the built-in sort', () => {
    const rand = lcg(7);
    const n = RADIX_MIN * 10;
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rand();
      a[i] = u < 0.1 ? Math.round(u * 100) - 5 : (u - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    }
    a[3] = -0;
    a[4] = 0;
    a[5] = Number.MAX_VALUE;
    a[6] = -Number.MAX_VALUE;
    a[7] = 5e-324;
    a[8] = -5e-324;
    const expected = a.slice().sort();
    const got = sortFloat64(a);
    expect(got).toBe(a);
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('handles arrays whose high digits are all equal (skipped passes) and small arrays', () => {
    const a = Float64Array.from({ length: RADIX_MIN * 2 }, (_, i) => 1 + ((i * 7919) % 1000) * 1e-12);
    const expected = a.slice().sort();
    expect(Array.from(sortFloat64(a))).toEqual(Array.from(expected));
    expect(Array.from(sortFloat64(Float64Array.from([3, -1, 2])))).toEqual([-1, 2, 3]);
  });
});
