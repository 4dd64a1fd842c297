/**
 * @module validate/profile/suggester
 * Suggests an expectation suite from a data profile, by Deequ's rules (see suggestion-rules.ts),
 * written as Great Expectations expectations. Each suggestion says which rule made it in
 * `meta: {suggested_by: 'kiln', rule}`. A suggested suite describes the data that was profiled, and
 * passes on it; whether that is what the data *should* be is for a person to review.
 */
import { invalid } from '../../core/errors.js';
import type { ColumnProfile, DataProfile } from '../profile-types.js';
import type { ExpectationConfig, ExpectationSuite } from '../suite-types.js';
import { typeTraits } from './column-kinds.js';
import { ALL_RULES, DEFAULT_RULES, type SuggestionRule } from './suggestion-rules.js';

export interface SuggestOptions {
  /** Which rules to run (default: {@link DEFAULT_RULES}; add `numeric_range` to pin observed ranges). */
  readonly rules?: readonly SuggestionRule[];
  /** Most distinct values for `categorical_range` (default 20). */
  readonly maxCategories?: number;
  /** Row-count bounds are [n / f, n × f] (default 2). */
  readonly rowCountFactor?: number;
  /** Where the profile came from, recorded in the suite's meta (e.g. `sales@3`, a file path). */
  readonly dataLabel?: string;
}

/** Deequ's thresholds. */
const MIN_RETAINED_COMPLETENESS = 0.2;
const Z_95 = 1.96;
const MAX_SINGLETON_SHARE = 0.1;

/** Suggests a suite named `name` for data like the profiled one. Throws INVALID_ARGUMENT on bad options. */
export function suggestSuite(
  profile: DataProfile,
  name: string,
  options: SuggestOptions = {},
): ExpectationSuite {
  if (typeof name !== 'string' || name.trim().length === 0)
    throw invalid('name', 'a non-empty suite name', name);
  const rules = new Set(options.rules ?? DEFAULT_RULES);
  for (const r of rules)
    if (!ALL_RULES.includes(r)) throw invalid('rules', `one of ${ALL_RULES.join(', ')}`, r);
  const maxCategories = options.maxCategories ?? 20;
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw invalid('maxCategories', 'an integer ≥ 1', maxCategories);
  }
  const factor = options.rowCountFactor ?? 2;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw invalid('rowCountFactor', 'a number ≥ 1', factor);
  }

  const out: ExpectationConfig[] = [];
  const add = (rule: SuggestionRule, type: string, kwargs: Record<string, unknown>) => {
    if (rules.has(rule)) out.push({ type, kwargs, meta: { suggested_by: 'kiln', rule } });
  };
  const n = profile.row_count;

  add('table_columns', 'expect_table_columns_to_match_ordered_list', {
    column_list: profile.columns.map((c) => c.name),
  });
  // An empty profile says nothing about how many rows to expect, nor about the values.
  if (n > 0) {
    add('table_row_count', 'expect_table_row_count_to_be_between', {
      min_value: Math.floor(n / factor),
      max_value: Math.ceil(n * factor),
    });
  }
  for (const c of profile.columns) {
    const column = c.name;
    const nonNull = c.count - c.null_count;
    if (n > 0 && c.completeness === 1) {
      add('complete_if_complete', 'expect_column_values_to_not_be_null', { column });
    } else if (n > 0 && c.completeness > MIN_RETAINED_COMPLETENESS) {
      const p = c.completeness;
      const mostly = floor2(p - Z_95 * Math.sqrt((p * (1 - p)) / c.count));
      if (mostly > 0) add('retain_completeness', 'expect_column_values_to_not_be_null', { column, mostly });
    }
    add('retain_type', 'expect_column_values_to_be_of_type', { column, type_: c.type });
    if (nonNull === 0) continue;
    const valueSet = categoricalValues(c, nonNull, maxCategories);
    if (valueSet)
      add('categorical_range', 'expect_column_values_to_be_in_set', { column, value_set: valueSet });
    if (hasFiniteRange(c)) {
      const min = c.min as number;
      if (rules.has('numeric_range')) {
        add('numeric_range', 'expect_column_values_to_be_between', {
          column,
          min_value: min,
          max_value: c.max,
        });
      } else if (min >= 0) {
        add('non_negative_numbers', 'expect_column_values_to_be_between', { column, min_value: 0 });
      }
    }
    if (isUniqueKey(c))
      add('unique_if_approximately_unique', 'expect_column_values_to_be_unique', { column });
  }
  return {
    name,
    expectations: out,
    meta: {
      suggested_by: 'kiln',
      rules: ALL_RULES.filter((r) => rules.has(r)),
      profile: {
        created_at: profile.created_at,
        row_count: n,
        ...(options.dataLabel !== undefined ? { data: options.dataLabel } : {}),
      },
    },
  };
}

/**
 * The full value set of a low-cardinality string/boolean column, or null. Needs every value to be
 * in `top_values` (their counts add up to the non-null count), and — Deequ's test for a real
 * category rather than free text — at most 10 % of the distinct values seen only once.
 */
function categoricalValues(c: ColumnProfile, nonNull: number, maxCategories: number): unknown[] | null {
  if (c.kind !== 'string' && c.kind !== 'boolean') return null;
  const top = c.top_values;
  if (!top || top.length === 0 || top.length > maxCategories) return null;
  if (top.reduce((s, t) => s + t.count, 0) !== nonNull) return null;
  const singletons = top.filter((t) => t.count === 1).length;
  if (singletons / top.length > MAX_SINGLETON_SHARE) return null;
  return top.map((t) => t.value).sort(compareValues);
}

/**
 * Deequ suggests UNIQUE when the HyperLogLog distinct count is within 8 % of the row count (its
 * sketch's error bound). DuckDB's sketch is coarser (~13 % standard error), so that test would both
 * miss keys and flag near-keys; the profile has an exact test for free instead: when the most
 * frequent value occurs once, every non-null value is distinct. Only for key-like types: floating
 * point measurements or timestamps that happen to be distinct in a sample are not keys.
 */
function isUniqueKey(c: ColumnProfile): boolean {
  const keyLike = typeTraits(c.type).integer || c.kind === 'string' || c.type.toUpperCase() === 'UUID';
  return keyLike && c.top_values !== undefined && c.top_values.length > 0 && c.top_values[0].count === 1;
}

/** A numeric column with a finite min/max and no NaN/Infinity (a range test would trip on those). */
function hasFiniteRange(c: ColumnProfile): boolean {
  return (
    c.kind === 'numeric' &&
    typeof c.min === 'number' &&
    typeof c.max === 'number' &&
    (c.nan_count ?? 0) === 0 &&
    (c.infinite_count ?? 0) === 0
  );
}

function floor2(x: number): number {
  // The epsilon keeps 0.95 from flooring to 0.94 when it is stored as 0.94999….
  return Math.floor(x * 100 + 1e-9) / 100;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
