/**
 * @module monitor/drift/radix-sort
 * In-place ascending sort of a Float64Array without NaN. Below {@link RADIX_MIN} values it defers
 * to the built-in typed-array sort; above, it runs an LSD radix sort on the IEEE-754 bit patterns
 * (four 16-bit passes, passes whose digit is constant are skipped), which on a million values is
 * several times faster than a comparison sort. -0 sorts before +0, as in the built-in sort.
 */

/** Arrays shorter than this use the built-in sort. */
export const RADIX_MIN = 4096;

const RADIX = 1 << 16;

/** Sorts `values` (no NaN) ascending in place and returns it. */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  // Map each double to an unsigned key whose order is the numeric order: flip all bits of
  // negatives, flip only the sign bit of non-negatives. Little-endian: [lo, hi] per value.
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1];
    if (hi & 0x80000000) {
      words[2 * i] = ~words[2 * i] >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    } else {
      words[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
  const counts = new Uint32Array(4 * RADIX);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    counts[lo & 0xffff]++;
    counts[RADIX + (lo >>> 16)]++;
    counts[2 * RADIX + (hi & 0xffff)]++;
    counts[3 * RADIX + (hi >>> 16)]++;
  }
  let src: Uint32Array = words;
  let dst: Uint32Array = new Uint32Array(n * 2);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * RADIX;
    const wordIndex = pass < 2 ? 0 : 1;
    const shift = pass % 2 === 0 ? 0 : 16;
    // A digit shared by every key leaves the order unchanged: skip the pass.
    const first = (src[wordIndex] >>> shift) & 0xffff;
    if (counts[base + first] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i];
      const hi = src[2 * i + 1];
      const digit = ((wordIndex === 0 ? lo : hi) >>> shift) & 0xffff;
      const at = counts[base + digit]++;
      dst[2 * at] = lo;
      dst[2 * at + 1] = hi;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== words) words.set(src);
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1];
    if (hi & 0x80000000) {
      words[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    } else {
      words[2 * i] = ~words[2 * i] >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    }
  }
  return values;
}
