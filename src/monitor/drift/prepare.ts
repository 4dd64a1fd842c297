/**
 * @module monitor/drift/prepare
 * Turns raw column values into what the statistics read: numeric columns become one sorted
 * Float64Array of finite values (sorted once, then shared by KS, Wasserstein and binning);
 * categorical columns become a Map from value to count. Nulls are dropped; in numeric columns NaN
 * and ±Infinity are dropped too (Evidently replaces ±inf with NaN and drops NaN before its tests);
 * every dropped value is counted so reports can show it.
 */

import { invalid } from '../../core/errors.js';
import { sortFloat64 } from './radix-sort.js';

/** Numeric column values: a typed array, or a plain array in which null/undefined mean missing. */
export type NumericInput =
  | Float64Array
  | Float32Array
  | Int32Array
  | ReadonlyArray<number | null | undefined>;

/** A category. Numbers, booleans and bigints are categories in their own right (1 and '1' differ). */
export type CategoryValue = string | number | boolean | bigint;

export type CategoricalInput = ReadonlyArray<CategoryValue | null | undefined>;

/** What happened to a column's values before the statistics ran. */
export interface SampleCounts {
  /** Values given, missing ones included. */
  readonly total: number;
  /** Values the statistics used. */
  readonly used: number;
  /** null / undefined (and NaN in categorical columns). */
  readonly nulls: number;
  /** NaN, +Infinity and -Infinity in numeric columns; ±Infinity in categorical ones. */
  readonly non_finite: number;
}

export interface NumericSample {
  /** Finite values, ascending. */
  readonly sorted: Float64Array;
  readonly counts: SampleCounts;
}

export interface CategoricalSample {
  readonly frequencies: ReadonlyMap<CategoryValue, number>;
  readonly counts: SampleCounts;
}

/** Drops missing and non-finite values and sorts the rest. Throws DRIFT_INPUT_INVALID on a non-number. */
export function prepareNumeric(values: NumericInput, field: string): NumericSample {
  const total = values.length;
  const out = new Float64Array(total);
  let used = 0;
  let nulls = 0;
  let nonFinite = 0;
  if (ArrayBuffer.isView(values)) {
    for (let i = 0; i < total; i++) {
      const v = values[i];
      if (v - v === 0) out[used++] = v;
      else nonFinite++;
    }
  } else {
    const list = values as ReadonlyArray<unknown>;
    if (!Array.isArray(list)) throw invalid(field, 'an array of numbers', values, 'DRIFT_INPUT_INVALID');
    for (let i = 0; i < total; i++) {
      const v = list[i];
      if (typeof v === 'number') {
        // v - v is 0 for finite numbers and NaN for NaN and ±Infinity.
        if (v - v === 0) out[used++] = v;
        else nonFinite++;
      } else if (v === null || v === undefined) {
        nulls++;
      } else {
        throw invalid(`${field}[${i}]`, 'a number, null or undefined', v, 'DRIFT_INPUT_INVALID');
      }
    }
  }
  const sorted = sortFloat64(used === total ? out : out.slice(0, used));
  return { sorted, counts: { total, used, nulls, non_finite: nonFinite } };
}

/** Counts each category. NaN is missing (as pandas treats it); ±Infinity is dropped and counted. */
export function prepareCategorical(values: CategoricalInput, field: string): CategoricalSample {
  if (!Array.isArray(values)) throw invalid(field, 'an array of categories', values, 'DRIFT_INPUT_INVALID');
  const frequencies = new Map<CategoryValue, number>();
  let nulls = 0;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as unknown;
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    const t = typeof v;
    if (t === 'number') {
      if (Number.isNaN(v)) {
        nulls++;
        continue;
      }
      if (!Number.isFinite(v)) {
        nonFinite++;
        continue;
      }
    } else if (t !== 'string' && t !== 'boolean' && t !== 'bigint') {
      throw invalid(`${field}[${i}]`, 'a string, number, boolean, bigint or null', v, 'DRIFT_INPUT_INVALID');
    }
    const key = v as CategoryValue;
    frequencies.set(key, (frequencies.get(key) ?? 0) + 1);
  }
  const used = values.length - nulls - nonFinite;
  return { frequencies, counts: { total: values.length, used, nulls, non_finite: nonFinite } };
}

/** Distinct values of a sorted array: the values and how often each occurs. */
export function distinctSorted(sorted: Float64Array): { values: Float64Array; counts: Float64Array } {
  const n = sorted.length;
  let k = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) k++;
  const values = new Float64Array(k);
  const counts = new Float64Array(k);
  let j = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) values[++j] = sorted[i];
    counts[j]++;
  }
  return { values, counts };
}

/** Number of distinct values in a sorted array, stopping early once `limit` is exceeded. */
export function countDistinctSorted(sorted: Float64Array, limit = Number.POSITIVE_INFINITY): number {
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      k++;
      if (k > limit) return k;
    }
  }
  return k;
}

/** Number of distinct values in the union of two sorted arrays. */
export function countDistinctUnion(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    k++;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
  }
  return k;
}
