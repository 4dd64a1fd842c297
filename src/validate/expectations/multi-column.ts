/**
 * @module validate/expectations/multi-column
 * Row-wise expectations over two or more columns (GX "column pair" and "multicolumn" map
 * expectations). `ignore_row_if` decides which rows are missing (out of the domain and of `mostly`'s
 * denominator); a comparison involving a null in a row that is kept is unexpected, as in GX's pandas
 * backend (NaN compares false).
 */
import { literal } from './sql.js';
import type {
  ColumnRef,
  CompileContext,
  ExpectationDefinition,
  KwargSpec,
  Kwargs,
  MapCompiled,
} from './types.js';

const PAIR_IGNORE: KwargSpec = {
  kind: 'enum',
  values: ['both_values_are_missing', 'either_value_is_missing', 'neither'],
  default: 'both_values_are_missing',
  doc: 'which rows are missing',
};

const MULTI_IGNORE: KwargSpec = {
  kind: 'enum',
  values: ['all_values_are_missing', 'any_value_is_missing', 'never'],
  default: 'all_values_are_missing',
  doc: 'which rows are missing',
};

const COLUMN_LIST: KwargSpec = { kind: 'column_list', required: true, doc: 'the columns' };

function atLeastTwoColumns(kw: Kwargs): string | undefined {
  return (kw.column_list as string[]).length < 2 ? 'column_list needs at least two columns' : undefined;
}

function domainOf(columns: readonly ColumnRef[], ignore: unknown): string {
  const isNull = columns.map((c) => `${c.sql} IS NULL`);
  switch (ignore) {
    case 'either_value_is_missing':
    case 'any_value_is_missing':
      return `NOT (${isNull.join(' OR ')})`;
    case 'neither':
    case 'never':
      return 'TRUE';
    default:
      return `NOT (${isNull.join(' AND ')})`;
  }
}

function pair(kw: Kwargs, ctx: CompileContext, condition: (a: string, b: string) => string): MapCompiled {
  const a = ctx.column(kw.column_A as string);
  const b = ctx.column(kw.column_B as string);
  return {
    kind: 'map',
    columns: [a, b],
    shape: 'pair',
    domain: domainOf([a, b], kw.ignore_row_if),
    condition: condition(a.sql, b.sql),
    reportsMissing: true,
  };
}

function multi(
  kw: Kwargs,
  ctx: CompileContext,
  condition: (cols: readonly ColumnRef[]) => string,
): MapCompiled {
  const columns = (kw.column_list as string[]).map((name) => ctx.column(name));
  return {
    kind: 'map',
    columns,
    shape: 'record',
    domain: domainOf(columns, kw.ignore_row_if),
    condition: condition(columns),
    reportsMissing: true,
  };
}

export const multiColumnExpectations: readonly ExpectationDefinition[] = [
  {
    type: 'expect_column_pair_values_a_to_be_greater_than_b',
    family: 'multi_column_map',
    description: 'column_A > column_B in each row (≥ with or_equal).',
    kwargs: {
      column_A: { kind: 'column', required: true, doc: 'the larger column' },
      column_B: { kind: 'column', required: true, doc: 'the smaller column' },
      or_equal: { kind: 'boolean', default: false, doc: 'allow equality' },
      ignore_row_if: PAIR_IGNORE,
    },
    compile: (kw, ctx) => pair(kw, ctx, (a, b) => `${a} ${kw.or_equal === true ? '>=' : '>'} ${b}`),
  },
  {
    type: 'expect_column_pair_values_to_be_equal',
    family: 'multi_column_map',
    description: 'column_A = column_B in each row.',
    kwargs: {
      column_A: { kind: 'column', required: true, doc: 'a column' },
      column_B: { kind: 'column', required: true, doc: 'another column' },
      ignore_row_if: PAIR_IGNORE,
    },
    compile: (kw, ctx) => pair(kw, ctx, (a, b) => `${a} = ${b}`),
  },
  {
    type: 'expect_compound_columns_to_be_unique',
    family: 'multi_column_map',
    description:
      'The combination of the columns is unique across rows; every row of a repeated one is unexpected.',
    kwargs: { column_list: COLUMN_LIST, ignore_row_if: MULTI_IGNORE },
    compile: (kw, ctx) => {
      const compiled = multi(kw, ctx, (columns) => {
        const occurrences = ctx.window(
          () => `count(*) OVER (PARTITION BY ${columns.map((c) => c.sql).join(', ')})`,
        );
        return `${occurrences} = 1`;
      });
      return {
        ...compiled,
        duplicateKeys: compiled.columns.map((c) => c.sql),
      };
    },
  },
  {
    type: 'expect_select_column_values_to_be_unique_within_record',
    family: 'multi_column_map',
    description: 'Within each row, no two of the columns hold the same value (two nulls count as the same).',
    kwargs: { column_list: COLUMN_LIST, ignore_row_if: MULTI_IGNORE },
    check: atLeastTwoColumns,
    compile: (kw, ctx) =>
      multi(kw, ctx, (columns) => {
        const same: string[] = [];
        for (let i = 0; i < columns.length; i++) {
          for (let j = i + 1; j < columns.length; j++) {
            same.push(`${columns[i].sql} IS NOT DISTINCT FROM ${columns[j].sql}`);
          }
        }
        return `NOT (${same.join(' OR ')})`;
      }),
  },
  {
    type: 'expect_multicolumn_sum_to_equal',
    family: 'multi_column_map',
    description: 'In each row the columns sum to sum_total (a null counts as 0; exact comparison).',
    kwargs: {
      column_list: COLUMN_LIST,
      sum_total: { kind: 'number', required: true, doc: 'the expected row sum' },
      ignore_row_if: MULTI_IGNORE,
    },
    compile: (kw, ctx) =>
      multi(
        kw,
        ctx,
        (columns) =>
          `(${columns.map((c) => `coalesce(${c.sql}, 0)`).join(' + ')}) = ${literal(kw.sum_total as number)}`,
      ),
  },
];
