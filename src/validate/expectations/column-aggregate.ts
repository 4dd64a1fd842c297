/**
 * @module validate/expectations/column-aggregate
 * Column aggregate expectations: one statistic per column (min, mean, quantiles, distinct values,
 * the most common value…) computed as exact aggregates of the one scan, then compared with the
 * kwargs in SQL on the aggregate row. A statistic that is null (empty or all-null column) or NaN
 * fails every bound, as in GX.
 */
import { betweenKwargs, minNotAboveMax } from './between.js';
import {
  assertBoundsFit,
  assertNumeric,
  boundsOf,
  isFloatType,
  literal,
  literalList,
  reportSql,
  type Scalar,
  withinBounds,
} from './sql.js';
import { resolveTypeName } from './type-names.js';
import type { ColumnRef, ExpectationDefinition, KwargSpec, Kwargs } from './types.js';

const COLUMN: KwargSpec = { kind: 'column', required: true, doc: 'the column' };
const VALUE_SET: KwargSpec = { kind: 'value_set', required: true, doc: 'the set of values' };

interface Statistic {
  readonly name: string;
  readonly label: string;
  /** The aggregate SQL, and whether its result is a float (then NaN fails). */
  readonly sql: (c: ColumnRef) => { sql: string; float: boolean; type: string };
  readonly numericOnly: boolean;
}

function statisticBetween(stat: Statistic): ExpectationDefinition {
  return {
    type: `expect_column_${stat.name}_to_be_between`,
    family: 'column_aggregate',
    description: `The column's ${stat.label} lies within [min_value, max_value].`,
    kwargs: { column: COLUMN, ...betweenKwargs('bound') },
    check: minNotAboveMax,
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      if (stat.numericOnly) assertNumeric(c, stat.label);
      const bounds = boundsOf(kw);
      assertBoundsFit(c, bounds, stat.label);
      const s = stat.sql(c);
      const value = ctx.aggregate(s.sql);
      return {
        kind: 'aggregate',
        observed: reportSql(value, s.type),
        success: withinBounds(value, bounds, s.float),
      };
    },
  };
}

const asDouble = (sql: string) => ({ sql: `CAST(${sql} AS DOUBLE)`, float: true, type: 'DOUBLE' });

const STATISTICS: readonly Statistic[] = [
  {
    name: 'min',
    label: 'minimum',
    numericOnly: false,
    sql: (c) => ({ sql: `min(${c.sql})`, float: isFloatType(c.type), type: c.type }),
  },
  {
    name: 'max',
    label: 'maximum',
    numericOnly: false,
    sql: (c) => ({ sql: `max(${c.sql})`, float: isFloatType(c.type), type: c.type }),
  },
  { name: 'mean', label: 'mean', numericOnly: true, sql: (c) => asDouble(`avg(${c.sql})`) },
  { name: 'median', label: 'median', numericOnly: true, sql: (c) => asDouble(`median(${c.sql})`) },
  {
    name: 'sum',
    label: 'sum',
    numericOnly: true,
    sql: (c) => ({
      sql: `sum(${c.sql})`,
      float: isFloatType(c.type),
      type: isFloatType(c.type) ? 'DOUBLE' : 'HUGEINT',
    }),
  },
  {
    name: 'stdev',
    label: 'sample standard deviation',
    numericOnly: true,
    sql: (c) => asDouble(`stddev_samp(${c.sql})`),
  },
];

function quantileRanges(kw: Kwargs): { quantiles: number[]; ranges: [Scalar | null, Scalar | null][] } {
  const q = kw.quantile_ranges as { quantiles: number[]; value_ranges: [Scalar | null, Scalar | null][] };
  return { quantiles: q.quantiles, ranges: q.value_ranges };
}

function inSetSql(sql: string, values: readonly Scalar[]): string {
  return values.length === 0 ? 'FALSE' : `${sql} IN ${literalList(values)}`;
}

/** `[v1 present?, v2 present?, …]` as one SQL list of per-value aggregates. */
function presence(c: ColumnRef, values: readonly Scalar[], aggregate: (sql: string) => string): string {
  const each = values.map((v) => `coalesce(${aggregate(`bool_or(${c.sql} = ${literal(v)})`)}, FALSE)`);
  return `[${each.join(', ')}]`;
}

function missingFrom(values: readonly Scalar[], present: unknown): Scalar[] {
  const flags = Array.isArray(present) ? present : [];
  return values.filter((_, i) => flags[i] !== true);
}

function distinctList(c: ColumnRef, aggregate: (sql: string) => string): string {
  return aggregate(
    `list(DISTINCT ${reportSql(c.sql, c.type)} ORDER BY ${reportSql(c.sql, c.type)}) FILTER (WHERE ${c.sql} IS NOT NULL)`,
  );
}

function typeExpectation(type: string, kwarg: 'type_' | 'type_list'): ExpectationDefinition {
  const single = kwarg === 'type_';
  return {
    type,
    family: 'column_aggregate',
    description: single
      ? 'The column’s DuckDB type is type_ (a DuckDB type name or a Kiln alias such as int, float, str).'
      : 'The column’s DuckDB type is one of type_list.',
    kwargs: {
      column: COLUMN,
      [kwarg]: single
        ? { kind: 'type_name', required: true, doc: 'a type name' }
        : { kind: 'type_list', required: true, doc: 'type names' },
      mostly: { kind: 'mostly', doc: 'accepted for GX compatibility and ignored: a column has one type' },
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const names = single ? [kw.type_ as string] : (kw.type_list as string[]);
      const success = names.some((n) => resolveTypeName(n)?.matches(c.type) === true);
      return { kind: 'static', success, observed_value: c.type };
    },
  };
}

export const columnAggregateExpectations: readonly ExpectationDefinition[] = [
  ...STATISTICS.map(statisticBetween),
  {
    type: 'expect_column_quantile_values_to_be_between',
    family: 'column_aggregate',
    description:
      'Each quantile (exact, discrete: an actual value, as SQL percentile_disc) lies within its range.',
    kwargs: {
      column: COLUMN,
      quantile_ranges: { kind: 'quantile_ranges', required: true, doc: '{quantiles, value_ranges}' },
      allow_relative_error: { kind: 'any', doc: 'accepted for GX compatibility; Kiln is always exact' },
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const { quantiles, ranges } = quantileRanges(kw);
      for (const [min, max] of ranges)
        assertBoundsFit(c, { min, max, strictMin: false, strictMax: false }, 'quantiles');
      const values = ctx.aggregate(`quantile_disc(${c.sql}, [${quantiles.join(', ')}])`);
      const each = ranges.map(([min, max], i) =>
        withinBounds(
          `${values}[${i + 1}]`,
          { min, max, strictMin: false, strictMax: false },
          isFloatType(c.type),
        ),
      );
      return {
        kind: 'aggregate',
        observed: `list_transform(${values}, v -> ${reportSql('v', c.type)})`,
        success: each.join(' AND '),
        details: { success_details: `[${each.join(', ')}]` },
        finish: (observed, details) => ({
          observed_value: { quantiles, values: observed ?? quantiles.map(() => null) },
          details,
        }),
      };
    },
  },
  {
    type: 'expect_column_unique_value_count_to_be_between',
    family: 'column_aggregate',
    description: 'The number of distinct non-null values lies within [min_value, max_value].',
    kwargs: { column: COLUMN, ...betweenKwargs('count_bound') },
    check: minNotAboveMax,
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const n = ctx.aggregate(`count(DISTINCT ${c.sql})`);
      return { kind: 'aggregate', observed: n, success: withinBounds(n, boundsOf(kw), false) };
    },
  },
  {
    type: 'expect_column_proportion_of_unique_values_to_be_between',
    family: 'column_aggregate',
    description: 'Distinct non-null values ÷ non-null values (0 for an empty column) lies within the bounds.',
    kwargs: { column: COLUMN, ...betweenKwargs('proportion_bound') },
    check: minNotAboveMax,
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const distinct = ctx.aggregate(`count(DISTINCT ${c.sql})`);
      const nonNull = ctx.aggregate(`count(${c.sql})`);
      const share = `(CASE WHEN ${nonNull} = 0 THEN 0.0 ELSE ${distinct} / ${nonNull} END)`;
      return { kind: 'aggregate', observed: share, success: withinBounds(share, boundsOf(kw), false) };
    },
  },
  {
    type: 'expect_column_distinct_values_to_be_in_set',
    family: 'column_aggregate',
    description: 'Every distinct non-null value is in value_set.',
    kwargs: { column: COLUMN, value_set: VALUE_SET },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      // Rows outside the set, not distinct values: zero exactly when no distinct value is outside,
      // and a plain count costs no hash table in the scan (a tenth of the bench suite's time).
      const outside = ctx.aggregate(
        `count(${c.sql}) FILTER (WHERE NOT (${inSetSql(c.sql, kw.value_set as Scalar[])}))`,
      );
      return { kind: 'aggregate', observed: distinctList(c, ctx.aggregate), success: `${outside} = 0` };
    },
  },
  {
    type: 'expect_column_distinct_values_to_contain_set',
    family: 'column_aggregate',
    description: 'Every value of value_set occurs in the column.',
    kwargs: { column: COLUMN, value_set: VALUE_SET },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const values = kw.value_set as Scalar[];
      const present = presence(c, values, ctx.aggregate);
      return {
        kind: 'aggregate',
        observed: distinctList(c, ctx.aggregate),
        success: values.length === 0 ? 'TRUE' : `list_bool_and(${present})`,
        details: { present },
        finish: (observed, d) => ({
          observed_value: observed,
          details: { missing: missingFrom(values, d.present) },
        }),
      };
    },
  },
  {
    type: 'expect_column_distinct_values_to_equal_set',
    family: 'column_aggregate',
    description: 'The distinct non-null values are exactly value_set.',
    kwargs: { column: COLUMN, value_set: VALUE_SET },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const values = kw.value_set as Scalar[];
      const present = presence(c, values, ctx.aggregate);
      const outside = ctx.aggregate(
        `count(DISTINCT ${c.sql}) FILTER (WHERE NOT (${inSetSql(c.sql, values)}))`,
      );
      return {
        kind: 'aggregate',
        observed: distinctList(c, ctx.aggregate),
        success: `${outside} = 0${values.length === 0 ? '' : ` AND list_bool_and(${present})`}`,
        details: { present, outside },
        finish: (observed, d) => ({
          observed_value: observed,
          details: { missing: missingFrom(values, d.present), unexpected_count: d.outside },
        }),
      };
    },
  },
  {
    type: 'expect_column_most_common_value_to_be_in_set',
    family: 'column_aggregate',
    description:
      'The most common non-null value is in value_set; on a tie every tied value must be, unless ties_okay (then one suffices).',
    kwargs: {
      column: COLUMN,
      value_set: VALUE_SET,
      ties_okay: { kind: 'boolean', default: false, doc: 'a tie passes when one tied value is in the set' },
    },
    compile: (kw, ctx) => {
      const c = ctx.column(kw.column as string);
      const counts = ctx.aggregate(`histogram(${c.sql})`);
      const modes = `list_transform(list_filter(map_entries(${counts}), e -> e.value = list_max(map_values(${counts}))), e -> e.key)`;
      const inSet = `len(list_filter(${modes}, m -> ${inSetSql('m', kw.value_set as Scalar[])}))`;
      const success = kw.ties_okay === true ? `${inSet} > 0` : `len(${modes}) = 1 AND ${inSet} = 1`;
      return {
        kind: 'aggregate',
        observed: `list_transform(${modes}, m -> ${reportSql('m', c.type)})`,
        success: `coalesce(${success}, FALSE)`,
      };
    },
  },
  typeExpectation('expect_column_values_to_be_of_type', 'type_'),
  typeExpectation('expect_column_values_to_be_in_type_list', 'type_list'),
];
