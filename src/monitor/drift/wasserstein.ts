/**
 * @module monitor/drift/wasserstein
 * First Wasserstein distance between two samples (`scipy.stats.wasserstein_distance(u, v)`:
 * ∫ |F_u − F_v| dx over the pooled sorted values) and Evidently's normed form
 * `wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)` — population standard deviation
 * (ddof = 0), floored at 0.001 so a constant reference gives a finite value. Sums use Neumaier's
 * compensated summation, so results agree with numpy's pairwise sums to ~1e-15.
 */

/** Evidently's floor on the reference standard deviation in the normed Wasserstein distance. */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** ∫ |F_a − F_b| dx for sorted, finite, non-empty arrays, by one merge walk. */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let prev: number;
  if (b[0] < a[0]) {
    prev = b[0];
    j = 1;
  } else {
    prev = a[0];
    i = 1;
  }
  let s = 0;
  let comp = 0;
  while (i < n1 || j < n2) {
    const fromA = j >= n2 || (i < n1 && a[i] <= b[j]);
    const x = fromA ? a[i] : b[j];
    const delta = x - prev;
    if (delta !== 0) {
      const term = Math.abs(i / n1 - j / n2) * delta;
      const t = s + term;
      comp += Math.abs(s) >= Math.abs(term) ? s - t + term : term - t + s;
      s = t;
    }
    if (fromA) i++;
    else j++;
    prev = x;
  }
  return s + comp;
}

/** Compensated sum of an array. */
export function neumaierSum(values: Float64Array): number {
  let s = 0;
  let comp = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = s + v;
    comp += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + comp;
}

/** Population standard deviation (`np.std`, ddof = 0), two-pass. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mean = neumaierSum(values) / n;
  let s = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const v = d * d;
    const t = s + v;
    comp += s >= v ? s - t + v : v - t + s;
    s = t;
  }
  return Math.sqrt((s + comp) / n);
}

/** Evidently's `wasserstein_distance_norm`: W₁(ref, cur) / max(std(ref), 0.001). */
export function wassersteinNormed(
  reference: Float64Array,
  current: Float64Array,
): {
  readonly distance: number;
  readonly normed: number;
  readonly reference_std: number;
} {
  const distance = wassersteinDistance(reference, current);
  const std = populationStd(reference);
  return { distance, normed: distance / Math.max(std, WASSERSTEIN_MIN_NORM), reference_std: std };
}
