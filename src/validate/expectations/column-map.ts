/**
 * @module validate/expectations/column-map
 * Row-wise column expectations (GX "column map" expectations). Each compiles to a condition that an
 * expected value satisfies; the planner turns it into two `count(*) FILTER (…)` aggregates of the one
 * scan (rows in the domain, rows failing the condition). Nulls are missing: out of the domain and
 * of `mostly`'s denominator, except for `…_to_not_be_null` / `…_to_be_null`.
 */
import { betweenKwargs, oneBoundAndOrdered } from './between.js';
import {
  assertBoundsFit,
  boundsOf,
  isFloatType,
  isTemporalType,
  literal,
  literalList,
  type Scalar,
  textSql,
  withinBounds,
} from './sql.js';
import type { ColumnRef, ExpectationDefinition, KwargSpec, MapCompiled } from './types.js';

const COLUMN: KwargSpec = { kind: 'column', required: true, doc: 'the column' };

function rowwise(column: ColumnRef, condition: string, reportsMissing = true): MapCompiled {
  return {
    kind: 'map',
    columns: [column],
    shape: 'scalar',
    domain: reportsMissing ? `${column.sql} IS NOT NULL` : 'TRUE',
    condition,
    reportsMissing,
  };
}

function inSet(sql: string, values: readonly Scalar[]): string {
  return values.length === 0 ? 'FALSE' : `${sql} IN ${literalList(values)}`;
}

function anyOrAll(conditions: readonly string[], matchOn: unknown): string {
  return `(${conditions.join(matchOn === 'all' ? ' AND ' : ' OR ')})`;
}

const MATCH_ON: KwargSpec = {
  kind: 'enum',
  values: ['any', 'all'],
  default: 'any',
  doc: 'any: one pattern must match; all: every pattern must',
};

function regexCondition(column: ColumnRef, regex: unknown): string {
  return `regexp_matches(${textSql(column)}, ${literal(String(regex))})`;
}

function likeCondition(column: ColumnRef, pattern: unknown): string {
  return `(${textSql(column)} LIKE ${literal(String(pattern))})`;
}

function ordered(direction: 'increasing' | 'decreasing'): ExpectationDefinition {
  return {
    type: `expect_column_values_to_be_${direction}`,
    family: 'column_map',
    description: `Each non-null value is ${direction === 'increasing' ? '≥' : '≤'} the previous non-null value in row order (strictly: ${direction === 'increasing' ? '>' : '<'}).`,
    kwargs: { column: COLUMN, strictly: { kind: 'boolean', default: false, doc: 'no ties allowed' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const previous = ctx.window((ordinal) => `lag(${c.sql} IGNORE NULLS) OVER (ORDER BY ${ordinal})`);
      const op = direction === 'increasing' ? (kw.strictly ? '>' : '>=') : kw.strictly ? '<' : '<=';
      return rowwise(c, `(${previous} IS NULL OR ${c.sql} ${op} ${previous})`);
    },
  };
}

export const columnMapExpectations: readonly ExpectationDefinition[] = [
  {
    type: 'expect_column_values_to_not_be_null',
    family: 'column_map',
    description: 'Values are not null (`mostly` counts over all rows).',
    kwargs: { column: COLUMN },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `${c.sql} IS NOT NULL`, false);
    },
  },
  {
    type: 'expect_column_values_to_be_null',
    family: 'column_map',
    description: 'Values are null (`mostly` counts over all rows).',
    kwargs: { column: COLUMN },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `${c.sql} IS NULL`, false);
    },
  },
  {
    type: 'expect_column_values_to_be_between',
    family: 'column_map',
    description: 'Values lie within [min_value, max_value]; NaN never does.',
    kwargs: { column: COLUMN, ...betweenKwargs('bound') },
    check: oneBoundAndOrdered,
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const bounds = boundsOf(kw);
      assertBoundsFit(c, bounds);
      return rowwise(c, withinBounds(c.sql, bounds, isFloatType(c.type)));
    },
  },
  {
    type: 'expect_column_values_to_be_in_set',
    family: 'column_map',
    description: 'Values are in value_set.',
    kwargs: { column: COLUMN, value_set: { kind: 'value_set', required: true, doc: 'the allowed values' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, inSet(c.sql, kw.value_set as Scalar[]));
    },
  },
  {
    type: 'expect_column_values_to_not_be_in_set',
    family: 'column_map',
    description: 'Values are not in value_set.',
    kwargs: { column: COLUMN, value_set: { kind: 'value_set', required: true, doc: 'the refused values' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `NOT (${inSet(c.sql, kw.value_set as Scalar[])})`);
    },
  },
  {
    type: 'expect_column_values_to_be_unique',
    family: 'column_map',
    description: 'No non-null value occurs twice; every row holding a repeated value is unexpected.',
    kwargs: { column: COLUMN },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const occurrences = ctx.window(() => `count(*) OVER (PARTITION BY ${c.sql})`);
      const compiled = rowwise(c, `${occurrences} = 1`);
      return {
        ...compiled,
        duplicateKeys: [c.sql],
      };
    },
  },
  {
    type: 'expect_column_values_to_match_regex',
    family: 'column_map',
    description: 'Values (as text) contain a match of regex (RE2, unanchored: use ^…$ for a full match).',
    kwargs: { column: COLUMN, regex: { kind: 'regex', required: true, doc: 'an RE2 regular expression' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, regexCondition(c, kw.regex));
    },
  },
  {
    type: 'expect_column_values_to_not_match_regex',
    family: 'column_map',
    description: 'Values (as text) contain no match of regex.',
    kwargs: { column: COLUMN, regex: { kind: 'regex', required: true, doc: 'an RE2 regular expression' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `NOT ${regexCondition(c, kw.regex)}`);
    },
  },
  {
    type: 'expect_column_values_to_match_regex_list',
    family: 'column_map',
    description: 'Values match any (match_on: all — every) regex of regex_list.',
    kwargs: {
      column: COLUMN,
      regex_list: { kind: 'regex_list', required: true, doc: 'RE2 regular expressions' },
      match_on: MATCH_ON,
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const each = (kw.regex_list as string[]).map((r) => regexCondition(c, r));
      return rowwise(c, anyOrAll(each, kw.match_on));
    },
  },
  {
    type: 'expect_column_values_to_not_match_regex_list',
    family: 'column_map',
    description: 'Values match none of the regexes of regex_list.',
    kwargs: {
      column: COLUMN,
      regex_list: { kind: 'regex_list', required: true, doc: 'RE2 regular expressions' },
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const each = (kw.regex_list as string[]).map((r) => regexCondition(c, r));
      return rowwise(c, `NOT ${anyOrAll(each, 'any')}`);
    },
  },
  {
    type: 'expect_column_values_to_match_like_pattern',
    family: 'column_map',
    description: 'Values (as text) match the SQL LIKE pattern (% any run, _ one character).',
    kwargs: { column: COLUMN, like_pattern: { kind: 'like_pattern', required: true, doc: 'a LIKE pattern' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, likeCondition(c, kw.like_pattern));
    },
  },
  {
    type: 'expect_column_values_to_not_match_like_pattern',
    family: 'column_map',
    description: 'Values (as text) do not match the SQL LIKE pattern.',
    kwargs: { column: COLUMN, like_pattern: { kind: 'like_pattern', required: true, doc: 'a LIKE pattern' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `NOT ${likeCondition(c, kw.like_pattern)}`);
    },
  },
  {
    type: 'expect_column_values_to_match_like_pattern_list',
    family: 'column_map',
    description: 'Values match any (match_on: all — every) LIKE pattern of like_pattern_list.',
    kwargs: {
      column: COLUMN,
      like_pattern_list: { kind: 'like_pattern_list', required: true, doc: 'LIKE patterns' },
      match_on: MATCH_ON,
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const each = (kw.like_pattern_list as string[]).map((p) => likeCondition(c, p));
      return rowwise(c, anyOrAll(each, kw.match_on));
    },
  },
  {
    type: 'expect_column_values_to_not_match_like_pattern_list',
    family: 'column_map',
    description: 'Values match none of the LIKE patterns of like_pattern_list.',
    kwargs: {
      column: COLUMN,
      like_pattern_list: { kind: 'like_pattern_list', required: true, doc: 'LIKE patterns' },
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const each = (kw.like_pattern_list as string[]).map((p) => likeCondition(c, p));
      return rowwise(c, `NOT ${anyOrAll(each, 'any')}`);
    },
  },
  {
    type: 'expect_column_value_lengths_to_be_between',
    family: 'column_map',
    description: 'The length of each value as text, in characters, lies within [min_value, max_value].',
    kwargs: { column: COLUMN, ...betweenKwargs('count_bound', false) },
    check: oneBoundAndOrdered,
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, withinBounds(`length(${textSql(c)})`, boundsOf(kw), false));
    },
  },
  {
    type: 'expect_column_value_lengths_to_equal',
    family: 'column_map',
    description: 'Each value as text is exactly value characters long.',
    kwargs: { column: COLUMN, value: { kind: 'count', required: true, doc: 'the length' } },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `length(${textSql(c)}) = ${Number(kw.value)}`);
    },
  },
  ordered('increasing'),
  ordered('decreasing'),
  {
    type: 'expect_column_values_to_be_dateutil_parseable',
    family: 'column_map',
    description: 'Values parse as a timestamp: TRY_CAST(value AS TIMESTAMP) is not null.',
    kwargs: { column: COLUMN },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      if (isTemporalType(c.type)) return rowwise(c, 'TRUE');
      return rowwise(c, `TRY_CAST(${textSql(c)} AS TIMESTAMP) IS NOT NULL`);
    },
  },
  {
    type: 'expect_column_values_to_be_json_parseable',
    family: 'column_map',
    description: 'Values are valid JSON texts (DuckDB json_valid): objects, arrays, strings, numbers…',
    kwargs: { column: COLUMN },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      return rowwise(c, `json_valid(${textSql(c)})`);
    },
  },
];
