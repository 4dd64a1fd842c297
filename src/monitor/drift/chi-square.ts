/**
 * @module monitor/drift/chi-square
 * Pearson chi-squared tests on category counts:
 * - {@link chiSquareGoodnessOfFit}: `scipy.stats.chisquare(f_obs, f_exp)`, dof = k − 1;
 * - {@link evidentlyChiSquare}: Evidently's `chisquare` drift test — observed = current counts,
 *   expected = reference counts × (current size / reference size), over reference ∪ current;
 * - {@link chi2Contingency}: `scipy.stats.chi2_contingency([[ref counts], [cur counts]],
 *   correction=False)`, the test of homogeneity of the two samples, dof = k − 1.
 * A category absent from the reference has expected count 0: the goodness-of-fit statistic is then
 * +∞ and its p-value 0 (scipy returns the same with a warning). With a single category there is no
 * degree of freedom: statistic 0, p-value 1.
 */

import { chi2Sf } from './special/gamma.js';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly p_value: number;
  readonly dof: number;
}

/** Σ (o − e)² / e with p-value chi2.sf(stat, k − 1). */
export function chiSquareGoodnessOfFit(observed: Float64Array, expected: Float64Array): ChiSquareResult {
  const k = observed.length;
  const dof = k - 1;
  if (dof <= 0) return { statistic: 0, p_value: 1, dof: 0 };
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const o = observed[i];
    const e = expected[i];
    if (e === 0) {
      if (o !== 0) stat = Number.POSITIVE_INFINITY;
      continue;
    }
    const d = o - e;
    stat += (d * d) / e;
  }
  const p = stat === Number.POSITIVE_INFINITY ? 0 : chi2Sf(stat, dof);
  return { statistic: stat, p_value: p, dof };
}

/** Evidently's chi-square drift test on per-category counts of the two samples. */
export function evidentlyChiSquare(
  reference: Float64Array,
  current: Float64Array,
  referenceSize: number,
  currentSize: number,
): ChiSquareResult {
  const kNorm = currentSize / referenceSize;
  const expected = new Float64Array(reference.length);
  for (let i = 0; i < reference.length; i++) expected[i] = reference[i] * kNorm;
  return chiSquareGoodnessOfFit(current, expected);
}

/** Chi-squared test of homogeneity on the 2 × k table [reference; current], no Yates correction. */
export function chi2Contingency(reference: Float64Array, current: Float64Array): ChiSquareResult {
  const k = reference.length;
  let r0 = 0;
  let r1 = 0;
  for (let i = 0; i < k; i++) {
    r0 += reference[i];
    r1 += current[i];
  }
  const total = r0 + r1;
  const dof = k - 1;
  if (dof <= 0) return { statistic: 0, p_value: 1, dof: 0 };
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const col = reference[i] + current[i];
    const e0 = (r0 * col) / total;
    const e1 = (r1 * col) / total;
    const d0 = reference[i] - e0;
    const d1 = current[i] - e1;
    stat += (d0 * d0) / e0 + (d1 * d1) / e1;
  }
  return { statistic: stat, p_value: chi2Sf(stat, dof), dof };
}
