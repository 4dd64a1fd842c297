/**
 * @module validate/expectations/table
 * Table-level expectations: row count (one `count(*)` in the scan) and the column set, order and
 * count (answered from the relation's schema without reading a row).
 */
import { betweenKwargs, minNotAboveMax, numberWithin } from './between.js';
import { boundsOf, withinBounds } from './sql.js';
import type { ExpectationDefinition } from './types.js';

export const tableExpectations: readonly ExpectationDefinition[] = [
  {
    type: 'expect_table_row_count_to_be_between',
    family: 'table',
    description: 'The number of rows lies within [min_value, max_value].',
    kwargs: betweenKwargs('count_bound'),
    check: minNotAboveMax,
    compile: (kw, ctx) => {
      const rows = ctx.aggregate('count(*)');
      return { kind: 'aggregate', observed: rows, success: withinBounds(rows, boundsOf(kw), false) };
    },
  },
  {
    type: 'expect_table_row_count_to_equal',
    family: 'table',
    description: 'The number of rows is exactly value.',
    kwargs: { value: { kind: 'count', required: true, doc: 'the row count' } },
    compile: (kw, ctx) => {
      const rows = ctx.aggregate('count(*)');
      return { kind: 'aggregate', observed: rows, success: `${rows} = ${Number(kw.value)}` };
    },
  },
  {
    type: 'expect_table_column_count_to_equal',
    family: 'table',
    description: 'The relation has exactly value columns.',
    kwargs: { value: { kind: 'count', required: true, doc: 'the column count' } },
    compile: (kw, ctx) => ({
      kind: 'static',
      success: ctx.columns.length === kw.value,
      observed_value: ctx.columns.length,
    }),
  },
  {
    type: 'expect_table_column_count_to_be_between',
    family: 'table',
    description: 'The number of columns lies within [min_value, max_value].',
    kwargs: betweenKwargs('count_bound'),
    check: minNotAboveMax,
    compile: (kw, ctx) => ({
      kind: 'static',
      success: numberWithin(ctx.columns.length, kw),
      observed_value: ctx.columns.length,
    }),
  },
  {
    type: 'expect_table_columns_to_match_set',
    family: 'table',
    description:
      'The column names are exactly column_set, in any order; with exact_match false, they include it.',
    kwargs: {
      column_set: { kind: 'column_list', required: true, doc: 'the expected column names' },
      exact_match: { kind: 'boolean', default: true, doc: 'false: extra columns are allowed' },
    },
    compile: (kw, ctx) => {
      const actual = ctx.columns.map((c) => c.name);
      const wanted = kw.column_set as string[];
      const missing = wanted.filter((c) => !actual.includes(c));
      const unexpected = actual.filter((c) => !wanted.includes(c));
      const exact = kw.exact_match !== false;
      const mismatched = exact ? { unexpected, missing } : { missing };
      const success = missing.length === 0 && (!exact || unexpected.length === 0);
      return {
        kind: 'static',
        success,
        observed_value: actual,
        ...(success ? {} : { details: { mismatched } }),
      };
    },
  },
  {
    type: 'expect_table_columns_to_match_ordered_list',
    family: 'table',
    description: 'The column names are exactly column_list, in that order.',
    kwargs: {
      column_list: { kind: 'column_list', required: true, doc: 'the expected column names, in order' },
    },
    compile: (kw, ctx) => {
      const actual = ctx.columns.map((c) => c.name);
      const wanted = kw.column_list as string[];
      const mismatched: Record<string, unknown>[] = [];
      for (let i = 0; i < Math.max(actual.length, wanted.length); i++) {
        if (actual[i] !== wanted[i]) {
          mismatched.push({
            'Expected Column Position': i,
            Expected: wanted[i] ?? null,
            Found: actual[i] ?? null,
          });
        }
      }
      return {
        kind: 'static',
        success: mismatched.length === 0,
        observed_value: actual,
        ...(mismatched.length > 0 ? { details: { mismatched } } : {}),
      };
    },
  },
  {
    type: 'expect_column_to_exist',
    family: 'table',
    description: 'The column exists (at position column_index, counted from 0, when given).',
    kwargs: {
      column: { kind: 'column', required: true, doc: 'the column name' },
      column_index: { kind: 'count', doc: 'its expected position, from 0' },
    },
    compile: (kw, ctx) => {
      const position = ctx.columns.findIndex((c) => c.name === kw.column);
      const success = position >= 0 && (kw.column_index === undefined || kw.column_index === position);
      return { kind: 'static', success, observed_value: position >= 0 ? position : null };
    },
  },
];
