/**
 * @module monitor/drift/sketch/quantile-sketch
 * A mergeable quantile sketch with a deterministic, certified rank-error bound: a hierarchy of
 * compactors (the Manku–Rajagopalan–Lindsay / KLL family) with the same capacity k at every level.
 * Level h holds items of weight 2^h. When a level reaches k items it is sorted and every other item
 * (alternating the starting parity per level) moves up one level with double weight; with an odd
 * count the largest item stays behind. Total weight always equals the number of values added.
 *
 * Error bound. For any x, one compaction at level h changes the estimated count of values <= x by
 * −2^h, 0 or +2^h. The sketch adds 2^h to `rankErrorBound` at every compaction, so at all times
 * |rank̂(x) − rank(x)| <= rankErrorBound for every x simultaneously, and merges add the bounds of
 * their inputs. Each compaction at level h consumes k items of weight 2^h and at most n weight ever
 * passes through a level, so rankErrorBound <= n·⌈log2(n/k)⌉ / k: the normalized rank error is
 * ε <= ⌈log2(n/k)⌉ / k (k = 2048: ε <= 0.0049 at n = 10⁸).
 *
 * Memory. At most k items per level are kept and there are ⌈log2(n/k)⌉ + 1 levels, so stored items
 * stay below k·(⌈log2(n/k)⌉ + 2) — logarithmic in n, whatever the order or chunking of the input.
 */

import { invalid } from '../../../core/errors.js';

/** Default per-level capacity. */
export const DEFAULT_SKETCH_K = 2048;

/** Serialized form of a sketch (JSON-safe). */
export interface QuantileSketchState {
  readonly k: number;
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly rank_error_bound: number;
  readonly levels: readonly (readonly number[])[];
}

/** Values and cumulative weights of a sketch, ascending; what KS and Wasserstein read. */
export interface WeightedView {
  readonly values: Float64Array;
  readonly weights: Float64Array;
  readonly total: number;
}

export class QuantileSketch {
  readonly k: number;
  #levels: Float64Array[] = [];
  #sizes: number[] = [];
  #parity: number[] = [];
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  #errorBound = 0;

  /** @param k per-level capacity, an even integer in [8, 2²⁰]. */
  constructor(k: number = DEFAULT_SKETCH_K) {
    if (!Number.isInteger(k) || k < 8 || k > 2 ** 20 || k % 2 !== 0) {
      throw invalid('k', 'an even integer in [8, 1048576]', k, 'DRIFT_INPUT_INVALID');
    }
    this.k = k;
  }

  /** Values added (the sum of all weights). */
  get count(): number {
    return this.#count;
  }

  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }

  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }

  /** Certified bound on |estimated − true| count of values <= x, for every x. */
  get rankErrorBound(): number {
    return this.#errorBound;
  }

  /** rankErrorBound / count (0 for an empty sketch). */
  get normalizedRankError(): number {
    return this.#count === 0 ? 0 : this.#errorBound / this.#count;
  }

  /** Items held across all levels. */
  get storedItems(): number {
    let s = 0;
    for (const n of this.#sizes) s += n;
    return s;
  }

  /** The a-priori bound ⌈log2(n/k)⌉ / k on the normalized rank error after n values. */
  static rankErrorLimit(n: number, k: number): number {
    return n <= k ? 0 : Math.ceil(Math.log2(n / k)) / k;
  }

  /** The a-priori bound k·(⌈log2(n/k)⌉ + 2) on stored items after n values. */
  static storedItemsLimit(n: number, k: number): number {
    return k * ((n <= k ? 0 : Math.ceil(Math.log2(n / k))) + 2);
  }

  #level(h: number): Float64Array {
    while (this.#levels.length <= h) {
      this.#levels.push(new Float64Array(this.k * 2));
      this.#sizes.push(0);
      this.#parity.push(0);
    }
    return this.#levels[h];
  }

  #append(h: number, values: Float64Array, from: number, to: number, step: number): void {
    let buf = this.#level(h);
    const need = this.#sizes[h] + Math.ceil((to - from) / step);
    if (need > buf.length) {
      const grown = new Float64Array(Math.max(need, buf.length * 2));
      grown.set(buf.subarray(0, this.#sizes[h]));
      this.#levels[h] = grown;
      buf = grown;
    }
    let at = this.#sizes[h];
    for (let i = from; i < to; i += step) buf[at++] = values[i];
    this.#sizes[h] = at;
  }

  #compact(h: number): void {
    const buf = this.#levels[h];
    const size = this.#sizes[h];
    const items = buf.subarray(0, size).sort();
    const even = size - (size % 2);
    const offset = this.#parity[h];
    this.#parity[h] ^= 1;
    // Every other item of the first `even` moves up; an odd leftover (the largest) stays.
    const moved = items.slice(offset, even);
    this.#level(h + 1);
    this.#append(h + 1, moved, 0, moved.length, 2);
    if (size % 2) buf[0] = items[size - 1];
    this.#sizes[h] = size % 2;
    this.#errorBound += 2 ** h;
  }

  #settle(from: number): void {
    for (let h = from; h < this.#levels.length; h++) {
      if (this.#sizes[h] >= this.k) this.#compact(h);
    }
  }

  /** Adds one finite value. Throws DRIFT_INPUT_INVALID for NaN or ±Infinity. */
  add(x: number): void {
    if (!Number.isFinite(x)) throw invalid('value', 'a finite number', x, 'DRIFT_INPUT_INVALID');
    const buf = this.#level(0);
    buf[this.#sizes[0]++] = x;
    this.#count++;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    if (this.#sizes[0] >= this.k) this.#settle(0);
  }

  /** Adds finite values (callers drop missing values first). */
  addAll(values: Float64Array | readonly number[]): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
  }

  /** Folds another sketch (same k) into this one; the other is unchanged. */
  merge(other: QuantileSketch): void {
    if (other.k !== this.k) throw invalid('sketch.k', `k = ${this.k}`, other.k, 'DRIFT_INPUT_INVALID');
    if (other.#count === 0) return;
    for (let h = 0; h < other.#levels.length; h++) {
      if (other.#sizes[h] > 0) this.#append(h, other.#levels[h], 0, other.#sizes[h], 1);
    }
    this.#count += other.#count;
    this.#errorBound += other.#errorBound;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    this.#settle(0);
  }

  /** Estimated count of values <= x. */
  rank(x: number): number {
    let r = 0;
    for (let h = 0; h < this.#levels.length; h++) {
      const buf = this.#levels[h];
      let c = 0;
      for (let i = 0; i < this.#sizes[h]; i++) if (buf[i] <= x) c++;
      r += c * 2 ** h;
    }
    return r;
  }

  /** All stored items ascending with their weights. */
  weightedView(): WeightedView {
    const n = this.storedItems;
    const pairs = new Float64Array(n);
    const level = new Uint8Array(n);
    let at = 0;
    for (let h = 0; h < this.#levels.length; h++) {
      for (let i = 0; i < this.#sizes[h]; i++) {
        pairs[at] = this.#levels[h][i];
        level[at++] = h;
      }
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pairs[a] - pairs[b]);
    const values = new Float64Array(n);
    const weights = new Float64Array(n);
    order.forEach((idx, i) => {
      values[i] = pairs[idx];
      weights[i] = 2 ** level[idx];
    });
    return { values, weights, total: this.#count };
  }

  toJSON(): QuantileSketchState {
    return {
      k: this.k,
      count: this.#count,
      min: this.#count === 0 ? null : this.#min,
      max: this.#count === 0 ? null : this.#max,
      rank_error_bound: this.#errorBound,
      levels: this.#sizes.map((s, h) => Array.from(this.#levels[h].subarray(0, s))),
    };
  }

  /** Restores a sketch written by toJSON. Throws DRIFT_INPUT_INVALID when the state is inconsistent. */
  static fromJSON(state: QuantileSketchState): QuantileSketch {
    const s = new QuantileSketch(state?.k);
    if (!Array.isArray(state.levels))
      throw invalid('sketch.levels', 'an array of arrays', state.levels, 'DRIFT_INPUT_INVALID');
    let weight = 0;
    state.levels.forEach((items, h) => {
      if (!Array.isArray(items) || !items.every((v) => Number.isFinite(v))) {
        throw invalid(`sketch.levels[${h}]`, 'an array of finite numbers', items, 'DRIFT_INPUT_INVALID');
      }
      s.#level(h);
      s.#append(h, Float64Array.from(items), 0, items.length, 1);
      weight += items.length * 2 ** h;
    });
    if (weight !== state.count || !(state.rank_error_bound >= 0)) {
      throw invalid('sketch.count', `the total weight ${weight}`, state.count, 'DRIFT_INPUT_INVALID');
    }
    s.#count = state.count;
    s.#errorBound = state.rank_error_bound;
    s.#min = state.min ?? Number.POSITIVE_INFINITY;
    s.#max = state.max ?? Number.NEGATIVE_INFINITY;
    return s;
  }
}
