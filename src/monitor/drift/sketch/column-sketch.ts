/**
 * @module monitor/drift/sketch/column-sketch
 * Bounded-memory summaries of one column that merge: build one per chunk or per window, merge them,
 * compare two with `compareSketches`.
 * - {@link NumericColumnSketch}: a quantile sketch (KS, Wasserstein), exact moments (standard
 *   deviation, by Chan's parallel update), a fixed-edge histogram (PSI, KL, JS, Hellinger, L∞), a
 *   capped counter of distinct values (Evidently's per-value bins when the reference has at most 20
 *   distinct values, chi-square and Z tests), and the null / non-finite counts.
 * - {@link CategoricalColumnSketch}: a capped category counter and the null counts.
 */

import { invalid } from '../../../core/errors.js';
import type { CategoricalInput, CategoryValue, NumericInput, SampleCounts } from '../prepare.js';
import { prepareCategorical } from '../prepare.js';
import { CategoryCounter } from './category-counter.js';
import { FixedHistogram } from './fixed-histogram.js';
import { DEFAULT_SKETCH_K, QuantileSketch } from './quantile-sketch.js';
import { sturgesEdges } from '../binning.js';

/** Distinct numeric values tracked exactly before the value counter overflows. */
export const DEFAULT_MAX_DISTINCT = 1024;

export interface NumericSketchOptions {
  /** Quantile-sketch capacity per level. Default 2048. */
  readonly k?: number;
  /** Histogram edges; without them the binned statistics need the per-value path. */
  readonly edges?: Float64Array | readonly number[];
  /** Distinct values counted exactly. Default 1024. */
  readonly maxDistinct?: number;
}

interface MutableCounts {
  total: number;
  nulls: number;
  non_finite: number;
}

function countsOf(c: MutableCounts, used: number): SampleCounts {
  return { total: c.total, used, nulls: c.nulls, non_finite: c.non_finite };
}

export class NumericColumnSketch {
  readonly quantiles: QuantileSketch;
  readonly histogram?: FixedHistogram;
  readonly values: CategoryCounter<number>;
  readonly #counts: MutableCounts = { total: 0, nulls: 0, non_finite: 0 };
  #n = 0;
  #mean = 0;
  #m2 = 0;

  constructor(options: NumericSketchOptions = {}) {
    this.quantiles = new QuantileSketch(options.k ?? DEFAULT_SKETCH_K);
    if (options.edges !== undefined) this.histogram = new FixedHistogram(options.edges);
    this.values = new CategoryCounter<number>(options.maxDistinct ?? DEFAULT_MAX_DISTINCT);
  }

  /**
   * A reference sketch whose histogram edges are Sturges' bins over the reference alone (one
   * extra pass for min, max and size).
   */
  static fromReference(
    values: NumericInput,
    options: Omit<NumericSketchOptions, 'edges'> = {},
  ): NumericColumnSketch {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'number' && v - v === 0) {
        n++;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    const sketch = new NumericColumnSketch({
      ...options,
      edges: n > 0 ? sturgesEdges(min, max, n) : undefined,
    });
    sketch.add(values);
    return sketch;
  }

  /** An empty sketch with the same k, edges and distinct cap, for the data compared with this one. */
  emptyLike(): NumericColumnSketch {
    return new NumericColumnSketch({
      k: this.quantiles.k,
      edges: this.histogram?.edges,
      maxDistinct: this.values.maxCategories,
    });
  }

  get counts(): SampleCounts {
    return countsOf(this.#counts, this.#n);
  }

  /** Population standard deviation of the finite values (NaN when empty). */
  get std(): number {
    return this.#n === 0 ? Number.NaN : Math.sqrt(this.#m2 / this.#n);
  }

  #mergeMoments(n: number, mean: number, m2: number): void {
    if (n === 0) return;
    const total = this.#n + n;
    const delta = mean - this.#mean;
    this.#mean += (delta * n) / total;
    this.#m2 += m2 + (delta * delta * this.#n * n) / total;
    this.#n = total;
  }

  /** Adds a chunk of values; nulls and non-finite values are counted and skipped. */
  add(values: NumericInput): void {
    const list = values as ArrayLike<unknown>;
    if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
      throw invalid('values', 'an array of numbers', values, 'DRIFT_INPUT_INVALID');
    }
    let n = 0;
    let sum = 0;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      this.#counts.total++;
      if (typeof v === 'number') {
        if (v - v === 0) {
          n++;
          sum += v;
          this.quantiles.add(v);
          this.histogram?.add(v);
          this.values.add(v === 0 ? 0 : v);
        } else {
          this.#counts.non_finite++;
        }
      } else if (v === null || v === undefined) {
        this.#counts.nulls++;
      } else {
        throw invalid(`values[${i}]`, 'a number, null or undefined', v, 'DRIFT_INPUT_INVALID');
      }
    }
    if (n === 0) return;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v === 'number' && v - v === 0) m2 += (v - mean) * (v - mean);
    }
    this.#mergeMoments(n, mean, m2);
  }

  /** Folds another sketch of the same configuration into this one. */
  merge(other: NumericColumnSketch): void {
    if (Boolean(this.histogram) !== Boolean(other.histogram)) {
      throw invalid(
        'sketch.histogram',
        'histograms on both sketches or on neither',
        'one',
        'DRIFT_INPUT_INVALID',
      );
    }
    this.quantiles.merge(other.quantiles);
    if (this.histogram && other.histogram) this.histogram.merge(other.histogram);
    this.values.merge(other.values);
    this.#mergeMoments(other.#n, other.#mean, other.#m2);
    this.#counts.total += other.#counts.total;
    this.#counts.nulls += other.#counts.nulls;
    this.#counts.non_finite += other.#counts.non_finite;
  }
}

export class CategoricalColumnSketch {
  readonly categories: CategoryCounter<CategoryValue>;
  readonly #counts: MutableCounts = { total: 0, nulls: 0, non_finite: 0 };

  constructor(options: { readonly maxCategories?: number } = {}) {
    this.categories = new CategoryCounter(options.maxCategories);
  }

  emptyLike(): CategoricalColumnSketch {
    return new CategoricalColumnSketch({ maxCategories: this.categories.maxCategories });
  }

  get counts(): SampleCounts {
    return countsOf(this.#counts, this.categories.total);
  }

  /** Adds a chunk of values (same rules as exact mode: NaN is null, ±Infinity is dropped). */
  add(values: CategoricalInput): void {
    const chunk = prepareCategorical(values, 'values');
    for (const [k, c] of chunk.frequencies) this.categories.add(k, c);
    this.#counts.total += chunk.counts.total;
    this.#counts.nulls += chunk.counts.nulls;
    this.#counts.non_finite += chunk.counts.non_finite;
  }

  merge(other: CategoricalColumnSketch): void {
    this.categories.merge(other.categories);
    this.#counts.total += other.#counts.total;
    this.#counts.nulls += other.#counts.nulls;
    this.#counts.non_finite += other.#counts.non_finite;
  }
}
