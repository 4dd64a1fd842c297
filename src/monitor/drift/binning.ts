/**
 * @module monitor/drift/binning
 * Evidently's binning (`evidently.calculations.stattests.utils.get_binned_data`), which PSI, KL and
 * Jensen–Shannon read:
 * - numeric column whose reference has more than 20 distinct values: equal-width bins over
 *   reference ∪ current with numpy's Sturges rule (`np.histogram_bin_edges(concat, bins='sturges')`),
 *   counted as `np.histogram` counts (each bin half-open `[e_i, e_i+1)`, the last one closed);
 * - otherwise (categorical, or a numeric reference with at most 20 distinct values): one bin per
 *   distinct value of reference ∪ current.
 * Proportions are counts / sample size. {@link fillEmptyBins} is Evidently's `feel_zeroes` rule.
 */

import type { CategoryValue } from './prepare.js';
import { countDistinctSorted } from './prepare.js';

/** A reference with more distinct values than this is binned by Sturges' rule, else per value. */
export const MAX_DISTINCT_FOR_VALUE_BINS = 20;

/** Bin counts of both samples over the same bins. */
export interface Binned {
  /** `sturges` (equal-width bins, `edges` set) or `values` (one bin per value, `keys` set). */
  readonly mode: 'sturges' | 'values';
  readonly edges?: Float64Array;
  readonly keys?: readonly CategoryValue[];
  readonly reference: Float64Array;
  readonly current: Float64Array;
  readonly referenceSize: number;
  readonly currentSize: number;
}

/** `np.histogram_bin_edges(a, bins='sturges')` for data with the given min, max and size. */
export function sturgesEdges(min: number, max: number, size: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(size) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** `np.linspace(start, stop, num)`: start + i·step, with the last point set to stop exactly. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const step = (stop - start) / div;
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** Index of the first element >= x (side='left') or > x (side='right') in a sorted array. */
export function searchSorted(sorted: Float64Array, x: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  if (side === 'left') {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
  }
  return lo;
}

/** `np.histogram(data, edges)[0]` for sorted data: values outside [edges[0], edges[k]] are not counted. */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const k = edges.length - 1;
  const counts = new Float64Array(k);
  let prev = searchSorted(sorted, edges[0], 'left');
  for (let i = 1; i <= k; i++) {
    const at = searchSorted(sorted, edges[i], i === k ? 'right' : 'left');
    counts[i - 1] = at - prev;
    prev = at;
  }
  return counts;
}

/** Evidently's binning of a numeric column (both arrays sorted, finite, non-empty). */
export function binNumeric(reference: Float64Array, current: Float64Array): Binned {
  const referenceSize = reference.length;
  const currentSize = current.length;
  if (countDistinctSorted(reference, MAX_DISTINCT_FOR_VALUE_BINS) > MAX_DISTINCT_FOR_VALUE_BINS) {
    const min = Math.min(reference[0], current[0]);
    const max = Math.max(reference[referenceSize - 1], current[currentSize - 1]);
    const edges = sturgesEdges(min, max, referenceSize + currentSize);
    return {
      mode: 'sturges',
      edges,
      reference: histogramSorted(reference, edges),
      current: histogramSorted(current, edges),
      referenceSize,
      currentSize,
    };
  }
  // One bin per distinct value of the union: a merge walk over both sorted arrays.
  const keys: number[] = [];
  const ref: number[] = [];
  const cur: number[] = [];
  let i = 0;
  let j = 0;
  while (i < referenceSize || j < currentSize) {
    const v =
      j >= currentSize || (i < referenceSize && reference[i] <= current[j]) ? reference[i] : current[j];
    let r = 0;
    let c = 0;
    while (i < referenceSize && reference[i] === v) {
      i++;
      r++;
    }
    while (j < currentSize && current[j] === v) {
      j++;
      c++;
    }
    keys.push(v);
    ref.push(r);
    cur.push(c);
  }
  return {
    mode: 'values',
    keys,
    reference: Float64Array.from(ref),
    current: Float64Array.from(cur),
    referenceSize,
    currentSize,
  };
}

/** One bin per category of reference ∪ current (reference order first, then new categories). */
export function binCategorical(
  reference: ReadonlyMap<CategoryValue, number>,
  current: ReadonlyMap<CategoryValue, number>,
  referenceSize: number,
  currentSize: number,
): Binned {
  const keys: CategoryValue[] = [...reference.keys()];
  for (const k of current.keys()) if (!reference.has(k)) keys.push(k);
  const ref = new Float64Array(keys.length);
  const cur = new Float64Array(keys.length);
  keys.forEach((k, idx) => {
    ref[idx] = reference.get(k) ?? 0;
    cur[idx] = current.get(k) ?? 0;
  });
  return { mode: 'values', keys, reference: ref, current: cur, referenceSize, currentSize };
}

/** counts / size. */
export function toProportions(counts: Float64Array, size: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / size;
  return out;
}

/**
 * Evidently's empty-bin rule (`feel_zeroes`): every 0 proportion becomes 0.0001, or — when the
 * smallest non-zero proportion is itself <= 0.0001 — that smallest proportion / 10⁶. Applied to
 * each sample separately before PSI and KL (not before Jensen–Shannon). A copy is returned.
 */
export function fillEmptyBins(proportions: Float64Array): Float64Array {
  let minNonZero = Number.POSITIVE_INFINITY;
  for (const p of proportions) if (p !== 0 && p < minNonZero) minNonZero = p;
  const out = proportions.slice();
  if (minNonZero === Number.POSITIVE_INFINITY) return out;
  const fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = fill;
  return out;
}
