/**
 * @module monitor/drift/ks
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp(ref, cur)` with
 * `method='auto'`: the exact p-value when max(n, m) <= 10000, else the asymptotic one
 * `kstwo.sf(D, round(n·m/(n+m)))`. Exact p-values follow scipy: for n = m the closed alternating sum
 * over lattice paths (`_compute_prob_outside_square`), otherwise the Hodges "inside" lattice-path
 * recursion in Viehmann's 1 − p form (`_compute_outer_prob_inside_method`). In exact mode D is
 * snapped to the lattice h / lcm(n, m), as scipy does. Inputs are sorted finite arrays.
 */

import { kolmogorovSf } from './special/kolmogorov.js';

/** scipy's `MAX_AUTO_N`: 'auto' is exact when both sizes are at most this. */
export const KS_MAX_EXACT_N = 10000;

export interface KsResult {
  readonly statistic: number;
  readonly p_value: number;
  readonly method: 'exact' | 'asymp';
}

/** sup |F_ref − F_cur| over the pooled sample, by one merge walk of the two sorted arrays. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const down = Math.min(-minS, 1);
  return Math.max(down, maxS);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Round half to even, as `np.round`. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D_{n,n} >= h/n): scipy's Horner form of the alternating binomial sum. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** 1 − Pr(|x/m − y/n| < h/lcm for the whole path): Hodges' inside method, Viehmann's recursion. */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let t = minj; t < maxj; t++) A[t] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/** Exact two-sided p-value, or null when it fails numerically (scipy then falls back to asymp). */
function exactPValue(n1: number, n2: number, d: number): { d: number; p: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return null;
  return { d: snapped, p };
}

/** Asymptotic two-sided p-value: `kstwo.sf(d, round(n·m/(n+m)))` with n >= m, clipped to [0, 1]. */
export function ksAsymptoticPValue(n1: number, n2: number, d: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return Math.min(Math.max(p, 0), 1);
}

/** The p-value scipy's 'auto' method gives for statistic d at these sizes (d not snapped). */
export function ksPValue(
  n1: number,
  n2: number,
  d: number,
): { statistic: number; p_value: number; method: 'exact' | 'asymp' } {
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = exactPValue(n1, n2, d);
    if (exact) return { statistic: exact.d, p_value: exact.p, method: 'exact' };
  }
  return { statistic: d, p_value: ksAsymptoticPValue(n1, n2, d), method: 'asymp' };
}

/** `scipy.stats.ks_2samp(reference, current)` on sorted, finite, non-empty arrays. */
export function ks2Samp(reference: Float64Array, current: Float64Array): KsResult {
  const d = ksStatistic(reference, current);
  return ksPValue(reference.length, current.length, d);
}
