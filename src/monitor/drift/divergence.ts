/**
 * @module monitor/drift/divergence
 * Distances between two binned distributions (proportion vectors over the same bins):
 * PSI, Kullback–Leibler (scipy `stats.entropy(p, q)`), Jensen–Shannon distance (scipy
 * `spatial.distance.jensenshannon`), categorical Hellinger distance and L∞ (TFDV). Evidently's
 * numeric Hellinger, which bins differently, is {@link hellingerNumeric}.
 */

import { sturgesEdges } from './binning.js';

/** Σ x·ln(x/y) with scipy's `rel_entr` conventions (0·ln(0/y) = 0, x·ln(x/0) = ∞). */
function relEntropySum(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const x = p[i];
    const y = q[i];
    if (x > 0 && y > 0) s += x * Math.log(x / y);
    else if (x > 0) return Number.POSITIVE_INFINITY;
  }
  return s;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

function normalized(a: Float64Array): Float64Array {
  const s = sum(a);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] / s;
  return out;
}

/** Population stability index Σ (r − c)·ln(r / c). Expects proportions with empty bins filled. */
export function psi(reference: Float64Array, current: Float64Array): number {
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i];
    const c = current[i];
    s += (r - c) * Math.log(r / c);
  }
  return s;
}

/** KL(p ‖ q) in nats, after normalising both to sum 1 (scipy `stats.entropy(p, q)`). */
export function klDivergence(p: Float64Array, q: Float64Array): number {
  return relEntropySum(normalized(p), normalized(q));
}

/**
 * Jensen–Shannon distance √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2, after normalising p and q
 * (scipy `spatial.distance.jensenshannon(p, q, base)`). Natural log by default; base 2 bounds it by 1.
 */
export function jensenShannonDistance(p: Float64Array, q: Float64Array, base?: number): number {
  const pn = normalized(p);
  const qn = normalized(q);
  const m = new Float64Array(pn.length);
  for (let i = 0; i < m.length; i++) m[i] = (pn[i] + qn[i]) / 2;
  let js = relEntropySum(pn, m) + relEntropySum(qn, m);
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js / 2);
}

/** Evidently's categorical Hellinger distance √(1 − clip(Σ √(p·q), 0, 1)) on raw proportions. */
export function hellingerCategorical(p: Float64Array, q: Float64Array): number {
  let bc = 0;
  for (let i = 0; i < p.length; i++) bc += Math.sqrt(p[i] * q[i]);
  return Math.sqrt(1 - Math.min(Math.max(bc, 0), 1));
}

/** L∞ distance max |p_i − q_i| (TFDV's categorical drift measure). */
export function linfDistance(p: Float64Array, q: Float64Array): number {
  let m = 0;
  for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs(p[i] - q[i]));
  return m;
}

/** Density histogram (`np.histogram(..., density=True)`) of sorted data over edges. */
function densityHistogram(sorted: Float64Array, edges: Float64Array): Float64Array {
  const k = edges.length - 1;
  const counts = new Float64Array(k);
  let at = 0;
  const n = sorted.length;
  // Data lies within [edges[0], edges[k]]: a single forward walk assigns each value its bin.
  for (let b = 0; b < k; b++) {
    const upper = edges[b + 1];
    const last = b === k - 1;
    let c = 0;
    while (at < n && (last ? sorted[at] <= upper : sorted[at] < upper)) {
      at++;
      c++;
    }
    counts[b] = c;
  }
  const total = sum(counts);
  const out = new Float64Array(k);
  for (let b = 0; b < k; b++) out[b] = counts[b] / (edges[b + 1] - edges[b]) / total;
  return out;
}

/**
 * Evidently's numeric Hellinger distance: Sturges edges over the *distinct* values of
 * reference ∪ current (`np.histogram_bin_edges(keys, 'sturges')`), density histograms of each
 * sample, Bhattacharyya coefficient Σ √(h₁·h₂)·w with w = (max edge − min edge)/bins,
 * distance √(1 − clip(coefficient, 0, 1)). Inputs sorted, finite, non-empty.
 */
export function hellingerNumeric(
  reference: Float64Array,
  current: Float64Array,
  distinctUnion: number,
): number {
  const min = Math.min(reference[0], current[0]);
  const max = Math.max(reference[reference.length - 1], current[current.length - 1]);
  const edges = sturgesEdges(min, max, distinctUnion);
  const h1 = densityHistogram(reference, edges);
  const h2 = densityHistogram(current, edges);
  const width = (edges[edges.length - 1] - edges[0]) / (edges.length - 1);
  let bc = 0;
  for (let i = 0; i < h1.length; i++) bc += Math.sqrt(h1[i] * h2[i]) * width;
  return Math.sqrt(1 - Math.min(Math.max(bc, 0), 1));
}
