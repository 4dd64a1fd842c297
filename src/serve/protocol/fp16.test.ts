import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from './fp16.js';

// Reference values from numpy (fixtures/make-protocol-fixtures.py): float64 → float16 casts and
// float16 → float64 values, including midpoints between neighbouring halves and their neighbours.
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/fp16-reference.json', import.meta.url), 'utf8'),
) as {
  toHalf: [number | string, number][];
  toFloat: [number, number | string][];
};

function fromFixture(v: number | string): number {
  if (typeof v === 'number') return v;
  return {
    NaN: Number.NaN,
    Infinity: Number.POSITIVE_INFINITY,
    '-Infinity': Number.NEGATIVE_INFINITY,
    '-0': -0,
  }[v]!;
}

describe('floatToHalf', () => {
  it('matches numpy on every reference value, ties to even included', () => {
    expect(reference.toHalf.length).toBeGreaterThan(2000);
    for (const [x, bits] of reference.toHalf) {
      expect([x, floatToHalf(fromFixture(x))]).toEqual([x, bits]);
    }
  });

  it('converts the values clients send most', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2.5)).toBe(0xc100);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(6e-8)).toBe(0x0001); // nearest subnormal, 2^-24 ≈ 5.96e-8
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(floatToHalf(0)).toBe(0);
  });

  it('rounds overflow to Infinity and keeps Infinity and NaN', () => {
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(1e300)).toBe(0x7c00);
    expect(floatToHalf(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(floatToHalf(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(floatToHalf(Number.NaN)).toBe(0x7e00);
  });

  it('underflows at and below half the smallest subnormal to zero', () => {
    expect(floatToHalf(2 ** -25)).toBe(0); // a tie: to even, i.e. zero
    expect(floatToHalf(2 ** -25 * 1.000001)).toBe(1);
    expect(floatToHalf(-1e-30)).toBe(0x8000);
  });
});

describe('halfToFloat', () => {
  it('matches numpy on the reference bit patterns', () => {
    for (const [bits, x] of reference.toFloat) {
      expect([bits, halfToFloat(bits)]).toEqual([bits, fromFixture(x)]);
    }
  });

  it('round-trips every non-NaN bit pattern through floatToHalf', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const x = halfToFloat(bits);
      if (Number.isNaN(x)) {
        expect((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0).toBe(true);
        continue;
      }
      if (floatToHalf(x) !== bits) expect([bits, floatToHalf(x)]).toEqual([bits, bits]);
    }
  });

  it('gives the exact values of 1, -2.5, 65504, the smallest subnormal and Infinity', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc100)).toBe(-2.5);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });
});
