/**
 * @module serve/protocol/fp16
 * IEEE 754 binary16 ("half", V2 datatype FP16) conversions. Kiln keeps FP16 tensors as their bit
 * patterns (Uint16Array); JSON carries them as numbers, so the codecs convert here.
 *
 * Rounding is round-to-nearest, ties-to-even, straight from the float64 value (going through
 * float32 first would round twice and can land one ulp off). Magnitudes from 65520 up round to
 * ±Infinity, as IEEE rounding prescribes; magnitudes at or below 2^-25 round to ±0.
 * NaN becomes the canonical quiet NaN 0x7E00 (sign and payload are not kept: a JS number cannot
 * carry them reliably). Binary FP16 data never passes through here, so its bits travel unchanged.
 */

const TWO_POW_24 = 2 ** 24;
/** 2^-14: the smallest positive normal half. */
const MIN_NORMAL = 2 ** -14;
/** Halfway between the largest finite half (65504) and the next step (65536): rounds to Infinity. */
const OVERFLOW_THRESHOLD = 65520;

/** The half bit pattern nearest to `value` (ties to even). */
export function floatToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= OVERFLOW_THRESHOLD) return sign | 0x7c00;
  if (a < MIN_NORMAL) {
    // Subnormal: value = m × 2^-24. Scaling by a power of two is exact, so only the rounding rounds.
    // m may round up to 1024, which is exactly the bit pattern of the smallest normal.
    return sign | roundHalfEven(a * TWO_POW_24);
  }
  let e = Math.floor(Math.log2(a));
  // log2 can be off by one next to powers of two; settle e so that 2^e ≤ a < 2^(e+1).
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  let m = roundHalfEven(a * 2 ** (10 - e)); // in [1024, 2048]
  if (m === 2048) {
    m = 1024;
    e += 1;
  }
  return sign | ((e + 15) << 10) | (m - 1024);
}

/** The exact value of a half bit pattern (only the low 16 bits of `bits` are read). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
