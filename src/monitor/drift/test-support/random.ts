/**
 * @module monitor/drift/test-support/random
 * Seeded generators for tests (no Math.random: failures must reproduce). Test-only.
 */

/** Uniform [0, 1) from a 32-bit LCG. */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

/** n normal draws with the given mean and standard deviation (Box–Muller). */
export function normals(n: number, mean: number, sd: number, seed: number): Float64Array {
  const u = uniform(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    out[i] = mean + sd * r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(t);
  }
  return out;
}
