/**
 * @module monitor/drift/sketch/category-counter
 * Per-category counts that merge exactly (counts add), with a cap on distinct categories so memory
 * stays bounded: once `maxCategories` distinct values are tracked, rows of any further new value
 * are counted in one `other` bucket and the counter reports `overflowed`. Statistics computed from
 * a counter that never overflowed are exact.
 */

import { invalid } from '../../../core/errors.js';
import type { CategoryValue } from '../prepare.js';

export const DEFAULT_MAX_CATEGORIES = 10_000;

export interface CategoryCounterState {
  readonly max_categories: number;
  readonly entries: readonly (readonly [CategoryValue, number])[];
  readonly other: number;
}

export class CategoryCounter<K extends CategoryValue = CategoryValue> {
  readonly maxCategories: number;
  readonly #counts = new Map<K, number>();
  #other = 0;

  constructor(maxCategories: number = DEFAULT_MAX_CATEGORIES) {
    if (!Number.isInteger(maxCategories) || maxCategories < 16) {
      throw invalid('maxCategories', 'an integer >= 16', maxCategories, 'DRIFT_INPUT_INVALID');
    }
    this.maxCategories = maxCategories;
  }

  /** Rows counted in the `other` bucket (categories beyond the cap). */
  get other(): number {
    return this.#other;
  }

  get overflowed(): boolean {
    return this.#other > 0;
  }

  get total(): number {
    let s = this.#other;
    for (const c of this.#counts.values()) s += c;
    return s;
  }

  /** Tracked categories and their counts (a copy). */
  get counts(): Map<K, number> {
    return new Map(this.#counts);
  }

  add(value: K, count = 1): void {
    const have = this.#counts.get(value);
    if (have !== undefined) this.#counts.set(value, have + count);
    else if (this.#counts.size < this.maxCategories) this.#counts.set(value, count);
    else this.#other += count;
  }

  merge(other: CategoryCounter<K>): void {
    for (const [k, c] of other.#counts) this.add(k, c);
    this.#other += other.#other;
  }

  toJSON(): CategoryCounterState {
    return { max_categories: this.maxCategories, entries: [...this.#counts], other: this.#other };
  }

  static fromJSON<K extends CategoryValue>(state: CategoryCounterState): CategoryCounter<K> {
    const c = new CategoryCounter<K>(state?.max_categories);
    if (!Array.isArray(state.entries) || !(Number.isInteger(state.other) && state.other >= 0)) {
      throw invalid('counter', 'entries and a non-negative other count', state, 'DRIFT_INPUT_INVALID');
    }
    for (const [k, n] of state.entries) {
      if (!Number.isInteger(n) || n <= 0)
        throw invalid('counter.entries', 'positive counts', n, 'DRIFT_INPUT_INVALID');
      c.add(k as K, n);
    }
    c.#other += state.other;
    return c;
  }
}
