/**
 * @module monitor/drift/sketch/fixed-histogram
 * A histogram over fixed edges that merges exactly: counts add. Bins follow `np.histogram`
 * ([e_i, e_i+1), the last bin closed); values below the first edge or above the last are counted in
 * an underflow and an overflow bin, so nothing is lost when the current data leaves the reference
 * range. PSI, KL, Jensen–Shannon, Hellinger and L∞ computed from two such histograms are exact for
 * those bins, whatever the chunking and merge order.
 */

import { invalid } from '../../../core/errors.js';
import { sturgesEdges } from '../binning.js';

export interface FixedHistogramState {
  readonly edges: readonly number[];
  /** [underflow, bin 0, …, bin k−1, overflow]. */
  readonly counts: readonly number[];
}

export class FixedHistogram {
  readonly edges: Float64Array;
  readonly #counts: Float64Array;

  /** @param edges strictly increasing finite numbers, at least two. */
  constructor(edges: Float64Array | readonly number[]) {
    const e = Float64Array.from(edges);
    let ok = e.length >= 2;
    for (let i = 0; ok && i < e.length; i++) ok = Number.isFinite(e[i]) && (i === 0 || e[i] > e[i - 1]);
    if (!ok)
      throw invalid(
        'edges',
        'at least two strictly increasing finite numbers',
        Array.from(e),
        'DRIFT_INPUT_INVALID',
      );
    this.edges = e;
    this.#counts = new Float64Array(e.length + 1);
  }

  /** Sturges edges over a reference sample alone (sketch mode fixes bins before the current data). */
  static edgesForReference(sortedReference: Float64Array): Float64Array {
    const n = sortedReference.length;
    if (n === 0) throw invalid('reference', 'at least one finite value', n, 'DRIFT_INPUT_INVALID');
    return sturgesEdges(sortedReference[0], sortedReference[n - 1], n);
  }

  /** Underflow, bins, overflow (a copy). */
  get counts(): Float64Array {
    return this.#counts.slice();
  }

  get total(): number {
    let s = 0;
    for (const c of this.#counts) s += c;
    return s;
  }

  /** Adds one finite value. */
  add(x: number): void {
    const e = this.edges;
    const k = e.length - 1;
    if (x < e[0]) {
      this.#counts[0]++;
      return;
    }
    if (x > e[k]) {
      this.#counts[k + 1]++;
      return;
    }
    if (x === e[k]) {
      this.#counts[k]++;
      return;
    }
    let lo = 0;
    let hi = k;
    // Find the bin i with e[i] <= x < e[i+1].
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (e[mid] <= x) lo = mid;
      else hi = mid;
    }
    this.#counts[lo + 1]++;
  }

  addAll(values: Float64Array | readonly number[]): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
  }

  hasSameEdges(other: FixedHistogram): boolean {
    if (other.edges.length !== this.edges.length) return false;
    for (let i = 0; i < this.edges.length; i++) if (other.edges[i] !== this.edges[i]) return false;
    return true;
  }

  /** Adds another histogram's counts. Throws DRIFT_INPUT_INVALID when the edges differ. */
  merge(other: FixedHistogram): void {
    if (!this.hasSameEdges(other)) {
      throw invalid(
        'histogram.edges',
        'the same edges on both histograms',
        Array.from(other.edges),
        'DRIFT_INPUT_INVALID',
      );
    }
    const oc = other.#counts;
    for (let i = 0; i < oc.length; i++) this.#counts[i] += oc[i];
  }

  toJSON(): FixedHistogramState {
    return { edges: Array.from(this.edges), counts: Array.from(this.#counts) };
  }

  static fromJSON(state: FixedHistogramState): FixedHistogram {
    const h = new FixedHistogram(state?.edges ?? []);
    const counts = state.counts;
    if (
      !Array.isArray(counts) ||
      counts.length !== h.#counts.length ||
      !counts.every((c) => Number.isInteger(c) && c >= 0)
    ) {
      throw invalid(
        'histogram.counts',
        `${h.#counts.length} non-negative integers`,
        counts,
        'DRIFT_INPUT_INVALID',
      );
    }
    h.#counts.set(counts);
    return h;
  }
}
