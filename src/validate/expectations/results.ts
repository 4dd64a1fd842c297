/**
 * @module validate/expectations/results
 * Turns the scan's numbers into GX-shaped expectation results: `success` with `mostly`, and the
 * result fields each result format calls for. Column-map fields follow GX 1.x:
 * `unexpected_percent` and `unexpected_percent_nonmissing` are of the non-missing rows,
 * `unexpected_percent_total` of all rows, `missing_percent` of all rows; percents are null when their
 * denominator is 0.
 */
import { toJsonValue } from '../../store/duckdb/duck-engine.js';
import type { ExpectationResult, ExpectationResultDetail } from '../suite-types.js';
import type { PlanEntry } from './plan.js';

/**
 * A DuckDB value as JSON: bigint as number (as string beyond 2^53), non-finite numbers as the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no such numbers; GX would print invalid JSON).
 */
export function jsonValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const s = String(value);
    if (s !== '[object Object]') return s;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return toJsonValue(value);
}

const percent = (part: number, whole: number): number | null => (whole > 0 ? (part / whole) * 100 : null);

/** The result of an expectation that could not be evaluated. */
export function exceptionResult(entry: PlanEntry): ExpectationResult {
  const error = entry.error;
  return {
    success: false,
    expectation_config: entry.config,
    result: {},
    exception_info: {
      raised_exception: true,
      exception_message: error?.message ?? 'unknown error',
      ...(error ? { code: error.code } : {}),
    },
  };
}

const NO_EXCEPTION = { raised_exception: false, exception_message: null } as const;

/** Counts of a row-wise expectation, as read from the scan. */
export interface MapCounts {
  readonly elementCount: number;
  readonly domainCount: number;
  readonly unexpectedCount: number;
}

/** Whether a row-wise expectation passes: vacuously true with no rows in its domain. */
export function mapSuccess(counts: MapCounts, mostly: unknown): boolean {
  const { domainCount, unexpectedCount } = counts;
  if (domainCount === 0) return true;
  const threshold = typeof mostly === 'number' ? mostly : 1;
  return (domainCount - unexpectedCount) / domainCount >= threshold;
}

/** The count fields of a row-wise result (lists are added by `details.ts`). */
export function mapResult(entry: PlanEntry, counts: MapCounts): ExpectationResult {
  const compiled = entry.compiled;
  const success = mapSuccess(counts, entry.config.kwargs.mostly);
  if (entry.format.rank === 0) {
    return { success, expectation_config: entry.config, result: {}, exception_info: NO_EXCEPTION };
  }
  const { elementCount, domainCount, unexpectedCount } = counts;
  const reportsMissing = compiled?.kind === 'map' && compiled.reportsMissing;
  const result: Record<string, unknown> = { element_count: elementCount };
  if (reportsMissing) {
    const missing = elementCount - domainCount;
    Object.assign(result, {
      missing_count: missing,
      missing_percent: percent(missing, elementCount),
      unexpected_count: unexpectedCount,
      unexpected_percent: percent(unexpectedCount, domainCount),
      unexpected_percent_total: percent(unexpectedCount, elementCount),
      unexpected_percent_nonmissing: percent(unexpectedCount, domainCount),
    });
  } else {
    Object.assign(result, {
      unexpected_count: unexpectedCount,
      unexpected_percent: percent(unexpectedCount, elementCount),
      unexpected_percent_total: percent(unexpectedCount, elementCount),
    });
  }
  if (unexpectedCount === 0) {
    // Nothing to list: the empty lists are known without a query.
    result.partial_unexpected_list = [];
    if (entry.format.rank >= 2) {
      result.partial_unexpected_counts = [];
      if (entry.keys.length > 0) result.partial_unexpected_index_list = [];
    }
    if (entry.format.rank >= 3) {
      result.unexpected_list = [];
      if (entry.keys.length > 0) result.unexpected_index_list = [];
    }
  }
  return {
    success,
    expectation_config: entry.config,
    result: result as ExpectationResultDetail,
    exception_info: NO_EXCEPTION,
  };
}

/** The result of a schema-only or aggregate expectation. */
export function observedResult(
  entry: PlanEntry,
  success: boolean,
  observed: unknown,
  details: Readonly<Record<string, unknown>> | undefined,
): ExpectationResult {
  const result: Record<string, unknown> = {};
  if (entry.format.rank > 0) {
    if (observed !== undefined) result.observed_value = observed;
    if (details !== undefined && Object.keys(details).length > 0) result.details = details;
  }
  return {
    success,
    expectation_config: entry.config,
    result: result as ExpectationResultDetail,
    exception_info: NO_EXCEPTION,
  };
}
