import { describe, expect, it } from 'vitest';
import type { ColumnProfile, DataProfile } from '../profile-types.js';
import type { ExpectationConfig } from '../suite-types.js';
import { suggestSuite } from './suggester.js';

function column(over: Partial<ColumnProfile> & { name: string }): ColumnProfile {
  return {
    type: 'VARCHAR',
    kind: 'string',
    count: 1000,
    null_count: 0,
    completeness: 1,
    approx_distinct: 900,
    top_values: [{ value: 'x', count: 3 }],
    ...over,
  };
}

function profile(columns: ColumnProfile[], rowCount = 1000): DataProfile {
  return {
    row_count: rowCount,
    column_count: columns.length,
    columns,
    created_at: '2024-05-01T00:00:00.000Z',
  };
}

/** The suggestions made by `rule` (for `column`, if given). */
function byRule(list: readonly ExpectationConfig[], rule: string, column?: string): ExpectationConfig[] {
  return list.filter((e) => e.meta?.rule === rule && (column === undefined || e.kwargs.column === column));
}

describe('suggestSuite', () => {
  it('suggests the table columns in order and a loose row count', () => {
    const s = suggestSuite(profile([column({ name: 'b' }), column({ name: 'a' })], 1001), 'orders');
    expect(s.name).toBe('orders');
    expect(byRule(s.expectations, 'table_columns')).toEqual([
      {
        type: 'expect_table_columns_to_match_ordered_list',
        kwargs: { column_list: ['b', 'a'] },
        meta: { suggested_by: 'kiln', rule: 'table_columns' },
      },
    ]);
    expect(byRule(s.expectations, 'table_row_count')[0]).toMatchObject({
      type: 'expect_table_row_count_to_be_between',
      kwargs: { min_value: 500, max_value: 2002 },
    });
    const tighter = suggestSuite(profile([column({ name: 'a' })], 1000), 'x', { rowCountFactor: 1.25 });
    expect(byRule(tighter.expectations, 'table_row_count')[0].kwargs).toEqual({
      min_value: 800,
      max_value: 1250,
    });
  });

  it('marks every suggestion with kiln and its rule, and lists the rules in the suite meta', () => {
    const s = suggestSuite(profile([column({ name: 'a' })]), 'x', { dataLabel: 'sales@3' });
    expect(s.expectations.length).toBeGreaterThan(2);
    for (const e of s.expectations)
      expect(e.meta).toMatchObject({ suggested_by: 'kiln', rule: expect.any(String) });
    expect(s.meta).toMatchObject({
      suggested_by: 'kiln',
      rules: expect.arrayContaining(['complete_if_complete', 'retain_type']),
      profile: { row_count: 1000, created_at: '2024-05-01T00:00:00.000Z', data: 'sales@3' },
    });
    expect(s.meta?.rules).not.toContain('numeric_range');
  });

  it('complete_if_complete: no nulls → not_be_null without mostly', () => {
    const s = suggestSuite(profile([column({ name: 'a' })]), 'x');
    expect(byRule(s.expectations, 'complete_if_complete', 'a')).toEqual([
      {
        type: 'expect_column_values_to_not_be_null',
        kwargs: { column: 'a' },
        meta: { suggested_by: 'kiln', rule: 'complete_if_complete' },
      },
    ]);
    expect(byRule(s.expectations, 'retain_completeness')).toEqual([]);
  });

  it('retain_completeness: 0.2 < p < 1 → mostly at the lower 95 % bound, floored to 2 decimals', () => {
    const cols = [
      column({ name: 'p97', null_count: 30, completeness: 0.97 }),
      column({ name: 'p50', null_count: 500, completeness: 0.5 }),
      column({ name: 'p10', null_count: 900, completeness: 0.1 }),
    ];
    const s = suggestSuite(profile(cols), 'x');
    // 0.97 - 1.96·sqrt(0.97·0.03/1000) = 0.95943… → 0.95; 0.5 - 1.96·sqrt(0.25/1000) = 0.46901… → 0.46.
    expect(byRule(s.expectations, 'retain_completeness', 'p97')[0]).toMatchObject({
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'p97', mostly: 0.95 },
    });
    expect(byRule(s.expectations, 'retain_completeness', 'p50')[0].kwargs).toEqual({
      column: 'p50',
      mostly: 0.46,
    });
    expect(byRule(s.expectations, 'retain_completeness', 'p10')).toEqual([]);
    expect(byRule(s.expectations, 'complete_if_complete')).toEqual([]);
  });

  it('retain_type: every column keeps its DuckDB type', () => {
    const s = suggestSuite(
      profile([
        column({ name: 'n', type: 'DECIMAL(10,2)', kind: 'numeric', min: 1, max: 2 }),
        column({ name: 's' }),
      ]),
      'x',
    );
    expect(byRule(s.expectations, 'retain_type').map((e) => [e.type, e.kwargs])).toEqual([
      ['expect_column_values_to_be_of_type', { column: 'n', type_: 'DECIMAL(10,2)' }],
      ['expect_column_values_to_be_of_type', { column: 's', type_: 'VARCHAR' }],
    ]);
  });

  it('categorical_range: a few values that cover the column, rarely seen once → in_set, sorted', () => {
    const cat = column({
      name: 'cat',
      null_count: 100,
      completeness: 0.9,
      approx_distinct: 3,
      top_values: [
        { value: 'b', count: 500 },
        { value: 'c', count: 300 },
        { value: 'a', count: 100 },
      ],
    });
    const flag = column({
      name: 'flag',
      type: 'BOOLEAN',
      kind: 'boolean',
      approx_distinct: 2,
      top_values: [
        { value: true, count: 600 },
        { value: false, count: 400 },
      ],
    });
    // 25 values (profiled with topK 25): more than maxCategories.
    const many = column({
      name: 'many',
      approx_distinct: 25,
      top_values: Array.from({ length: 25 }, (_, i) => ({ value: `v${i}`, count: 40 })),
    });
    // Top values do not cover every row: values are missing from the list.
    const partial = column({ name: 'partial', approx_distinct: 3, top_values: [{ value: 'a', count: 999 }] });
    // Free text: most values seen once.
    const text = column({
      name: 'text',
      count: 12,
      approx_distinct: 10,
      top_values: [
        { value: 'x', count: 3 },
        ...Array.from({ length: 9 }, (_, i) => ({ value: `t${i}`, count: 1 })),
      ],
    });
    const num = column({
      name: 'num',
      type: 'INTEGER',
      kind: 'numeric',
      min: 1,
      max: 2,
      top_values: [
        { value: 1, count: 500 },
        { value: 2, count: 500 },
      ],
    });
    const s = suggestSuite(profile([cat, flag, many, partial, text, num]), 'x');
    const sets = byRule(s.expectations, 'categorical_range');
    expect(sets.map((e) => [e.type, e.kwargs])).toEqual([
      ['expect_column_values_to_be_in_set', { column: 'cat', value_set: ['a', 'b', 'c'] }],
      ['expect_column_values_to_be_in_set', { column: 'flag', value_set: [false, true] }],
    ]);
    const wider = suggestSuite(profile([many]), 'x', { maxCategories: 30 });
    expect(byRule(wider.expectations, 'categorical_range')).toHaveLength(1);
  });

  it('non_negative_numbers: numeric with min ≥ 0 → between {min_value: 0}; not with NaN/Infinity', () => {
    const cols = [
      column({
        name: 'pos',
        type: 'DOUBLE',
        kind: 'numeric',
        min: 0,
        max: 9,
        nan_count: 0,
        infinite_count: 0,
      }),
      column({
        name: 'neg',
        type: 'DOUBLE',
        kind: 'numeric',
        min: -1,
        max: 9,
        nan_count: 0,
        infinite_count: 0,
      }),
      column({
        name: 'inf',
        type: 'DOUBLE',
        kind: 'numeric',
        min: 1,
        max: 9,
        nan_count: 0,
        infinite_count: 2,
      }),
      column({ name: 'str', min: 'a', max: 'b' }),
    ];
    const s = suggestSuite(profile(cols), 'x');
    expect(byRule(s.expectations, 'non_negative_numbers').map((e) => [e.type, e.kwargs])).toEqual([
      ['expect_column_values_to_be_between', { column: 'pos', min_value: 0 }],
    ]);
    expect(byRule(s.expectations, 'numeric_range')).toEqual([]);
  });

  it('numeric_range (opt-in): the observed min and max, in place of non-negative', () => {
    const cols = [column({ name: 'pos', type: 'BIGINT', kind: 'numeric', min: 3, max: 99 })];
    const s = suggestSuite(profile(cols), 'x', { rules: ['numeric_range', 'non_negative_numbers'] });
    expect(s.expectations).toEqual([
      {
        type: 'expect_column_values_to_be_between',
        kwargs: { column: 'pos', min_value: 3, max_value: 99 },
        meta: { suggested_by: 'kiln', rule: 'numeric_range' },
      },
    ]);
  });

  it('unique_if_approximately_unique: key-like columns whose most frequent value occurs once', () => {
    const cols = [
      column({
        name: 'id',
        type: 'BIGINT',
        kind: 'numeric',
        min: 1,
        max: 1000,
        top_values: [{ value: 1, count: 1 }],
      }),
      column({ name: 'code', approx_distinct: 1130, top_values: [{ value: 'A1', count: 1 }] }),
      column({ name: 'uuid', type: 'UUID', kind: 'other', top_values: [{ value: 'x', count: 1 }] }),
      // A duplicate: not unique, however close the HLL estimate.
      column({
        name: 'dup',
        type: 'INTEGER',
        kind: 'numeric',
        approx_distinct: 1000,
        top_values: [{ value: 7, count: 2 }],
      }),
      // Distinct measurements are not keys.
      column({
        name: 'amount',
        type: 'DOUBLE',
        kind: 'numeric',
        min: 1,
        max: 2,
        top_values: [{ value: 1.5, count: 1 }],
      }),
      column({ name: 'when', type: 'TIMESTAMP', kind: 'temporal', top_values: [{ value: 't', count: 1 }] }),
    ];
    const s = suggestSuite(profile(cols), 'x');
    expect(byRule(s.expectations, 'unique_if_approximately_unique').map((e) => [e.type, e.kwargs])).toEqual([
      ['expect_column_values_to_be_unique', { column: 'id' }],
      ['expect_column_values_to_be_unique', { column: 'code' }],
      ['expect_column_values_to_be_unique', { column: 'uuid' }],
    ]);
  });

  it('an empty profile yields only the column list and the types', () => {
    const s = suggestSuite(profile([column({ name: 'a', count: 0, top_values: [] })], 0), 'x');
    expect(s.expectations.map((e) => e.meta?.rule)).toEqual(['table_columns', 'retain_type']);
  });

  it('an all-null column yields only its type', () => {
    const s = suggestSuite(
      profile([column({ name: 'a', null_count: 1000, completeness: 0, approx_distinct: 0, top_values: [] })]),
      'x',
    );
    expect(s.expectations.filter((e) => e.kwargs.column === 'a').map((e) => e.meta?.rule)).toEqual([
      'retain_type',
    ]);
  });

  it('runs only the rules asked for', () => {
    const s = suggestSuite(profile([column({ name: 'a' })]), 'x', { rules: ['retain_type'] });
    expect(s.expectations.map((e) => e.type)).toEqual(['expect_column_values_to_be_of_type']);
    expect(s.meta?.rules).toEqual(['retain_type']);
  });

  it('rejects bad names and options with INVALID_ARGUMENT', () => {
    const p = profile([column({ name: 'a' })]);
    expect(() => suggestSuite(p, ' ')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => suggestSuite(p, 'x', { rules: ['nope' as 'retain_type'] })).toThrow(
      /rules: expected one of/,
    );
    expect(() => suggestSuite(p, 'x', { maxCategories: 0 })).toThrow(/maxCategories/);
    expect(() => suggestSuite(p, 'x', { rowCountFactor: 0.5 })).toThrow(/rowCountFactor/);
  });
});
