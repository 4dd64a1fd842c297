/**
 * @module validate/expectations/kwargs
 * One checker per kwarg kind, and the kwargs every expectation of a family accepts besides its own
 * (`result_format`, `catch_exceptions`, `include_config`; `mostly` for row-wise families). A checker
 * returns what was expected when the value does not fit, so the suite error can say "expected X, got Y".
 */
import { KNOWN_TYPE_NAMES, resolveTypeName } from './type-names.js';
import { closeNames } from './close-names.js';
import type { ExpectationFamily, KwargSpec } from './types.js';

const RESULT_FORMATS = ['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE'];

const isScalar = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function checkStringList(v: unknown, what: string, minLength: number): string | undefined {
  const expected = `a list of ${minLength > 1 ? `at least ${minLength} ` : ''}${what}`;
  if (!Array.isArray(v) || v.length < minLength) return expected;
  if (!v.every(isNonEmptyString)) return `${expected} (each a non-empty string)`;
  return undefined;
}

function checkResultFormat(v: unknown): string | undefined {
  const expected = `one of ${RESULT_FORMATS.join(', ')}, or {result_format, partial_unexpected_count, unexpected_index_column_names, return_unexpected_index_query}`;
  if (typeof v === 'string') return RESULT_FORMATS.includes(v) ? undefined : expected;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return expected;
  const o = v as Record<string, unknown>;
  const allowed = [
    'result_format',
    'partial_unexpected_count',
    'unexpected_index_column_names',
    'return_unexpected_index_query',
    'include_unexpected_rows',
  ];
  if (Object.keys(o).some((k) => !allowed.includes(k))) return expected;
  if (typeof o.result_format !== 'string' || !RESULT_FORMATS.includes(o.result_format)) return expected;
  if (o.partial_unexpected_count !== undefined && !isCount(o.partial_unexpected_count)) return expected;
  if (
    o.unexpected_index_column_names !== undefined &&
    checkStringList(o.unexpected_index_column_names, 'column names', 1)
  ) {
    return expected;
  }
  for (const k of ['return_unexpected_index_query', 'include_unexpected_rows']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') return expected;
  }
  if (o.include_unexpected_rows === true) return `${expected}; include_unexpected_rows is not supported`;
  return undefined;
}

function checkQuantileRanges(v: unknown): string | undefined {
  const expected =
    '{quantiles: [numbers in 0..1], value_ranges: [[min|null, max|null], …]} with one range per quantile';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return expected;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== 'quantiles' && k !== 'value_ranges')) return expected;
  const { quantiles, value_ranges: ranges } = o;
  if (!Array.isArray(quantiles) || quantiles.length === 0) return expected;
  if (!quantiles.every((q) => isFiniteNumber(q) && q >= 0 && q <= 1)) return expected;
  if (!Array.isArray(ranges) || ranges.length !== quantiles.length) return expected;
  for (const r of ranges) {
    if (!Array.isArray(r) || r.length !== 2) return expected;
    if (!r.every((b) => b === null || isScalar(b))) return expected;
    if (isFiniteNumber(r[0]) && isFiniteNumber(r[1]) && r[0] > r[1]) return `${expected} (each min ≤ max)`;
  }
  return undefined;
}

function checkTypeName(v: unknown): string | undefined {
  if (!isNonEmptyString(v)) return 'a type name';
  if (resolveTypeName(v)) return undefined;
  const close = closeNames(v, KNOWN_TYPE_NAMES);
  return `a DuckDB type name or a Kiln type alias (int, float, str, bool, datetime, date…)${
    close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''
  }`;
}

/** Checks one kwarg value against its spec; returns what was expected, or undefined when it fits. */
export function checkKwarg(spec: KwargSpec, v: unknown): string | undefined {
  switch (spec.kind) {
    case 'column':
      return isNonEmptyString(v) ? undefined : 'a column name';
    case 'column_list': {
      const bad = checkStringList(v, 'column names', 1);
      if (bad) return bad;
      return new Set(v as string[]).size === (v as string[]).length ? undefined : 'distinct column names';
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'true or false';
    case 'count':
      return isCount(v) ? undefined : 'a whole number ≥ 0';
    case 'number':
      return isFiniteNumber(v) ? undefined : 'a finite number';
    case 'bound':
      return v === null || typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v))
        ? undefined
        : 'a number, a date/time string or null';
    case 'count_bound':
      return v === null || isCount(v) ? undefined : 'a whole number ≥ 0 or null';
    case 'proportion_bound':
      return v === null || (isFiniteNumber(v) && v >= 0 && v <= 1) ? undefined : 'a number in 0..1 or null';
    case 'value_set':
      return Array.isArray(v) && v.every(isScalar)
        ? undefined
        : 'a list of values (strings, numbers or booleans; no nulls)';
    case 'regex':
    case 'like_pattern':
      return typeof v === 'string'
        ? undefined
        : `a ${spec.kind === 'regex' ? 'regular expression' : 'LIKE pattern'}`;
    case 'regex_list':
    case 'like_pattern_list':
      return Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string')
        ? undefined
        : `a non-empty list of ${spec.kind === 'regex_list' ? 'regular expressions' : 'LIKE patterns'}`;
    case 'type_name':
      return checkTypeName(v);
    case 'type_list': {
      if (!Array.isArray(v) || v.length === 0) return 'a non-empty list of type names';
      for (const t of v) {
        const bad = checkTypeName(t);
        if (bad) return `${bad} (in the list: ${JSON.stringify(t)})`;
      }
      return undefined;
    }
    case 'enum':
      return typeof v === 'string' && spec.values?.includes(v)
        ? undefined
        : `one of ${spec.values?.join(', ')}`;
    case 'quantile_ranges':
      return checkQuantileRanges(v);
    case 'mostly':
      return isFiniteNumber(v) && v >= 0 && v <= 1 ? undefined : 'a number in 0..1';
    case 'result_format':
      return checkResultFormat(v);
    case 'any':
      return undefined;
  }
}

const COMMON: Readonly<Record<string, KwargSpec>> = {
  result_format: { kind: 'result_format', doc: 'this expectation’s result format' },
  catch_exceptions: { kind: 'boolean', doc: 'accepted for GX compatibility; Kiln always catches' },
  include_config: { kind: 'boolean', doc: 'accepted for GX compatibility; the config is always included' },
};

const MOSTLY: KwargSpec = { kind: 'mostly', default: 1, doc: 'share of non-missing rows that must pass' };

/** The kwargs an expectation of this family accepts on top of its own. */
export function commonKwargs(family: ExpectationFamily): Readonly<Record<string, KwargSpec>> {
  return family === 'column_map' || family === 'multi_column_map' ? { ...COMMON, mostly: MOSTLY } : COMMON;
}

/** GX kwargs Kiln refuses on purpose, with the reason shown instead of "unknown kwarg". */
export const UNSUPPORTED_KWARGS: Readonly<Record<string, string>> = {
  row_condition: 'row_condition is not supported: filter the rows in a pipeline step and validate the result',
  condition_parser: 'condition_parser is not supported (Kiln has no row_condition)',
  parse_strings_as_datetimes:
    'parse_strings_as_datetimes is not supported: cast the column to DATE/TIMESTAMP in a pipeline step',
  allow_cross_type_comparisons: 'allow_cross_type_comparisons is not supported: DuckDB casts string bounds',
};
