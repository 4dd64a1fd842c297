import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import type { ExpectationSuite } from '../suite-types.js';
import { validateRelation } from '../validator.js';
import { findExpectation, kwargSpecs, listExpectations } from './catalogue.js';

/**
 * Every expectation of the catalogue, with kwargs that pass and kwargs that fail on table `t`:
 *   id 1..6, grp a b a c b a, amount 10 20.5 NULL 30 40 50 (DOUBLE), qty 1..6,
 *   code AB-1 AB-2 CD-3 NULL AB-5 EF-6, lo 1..6, hi 2..7, p1 1..6, p2 9..4.
 */
const CASES: Record<string, { pass: Record<string, unknown>; fail: Record<string, unknown> }> = {
  expect_table_row_count_to_be_between: { pass: { min_value: 6, max_value: 6 }, fail: { min_value: 7 } },
  expect_table_row_count_to_equal: { pass: { value: 6 }, fail: { value: 5 } },
  expect_table_column_count_to_equal: { pass: { value: 13 }, fail: { value: 12 } },
  expect_table_column_count_to_be_between: {
    pass: { min_value: 1, max_value: null },
    fail: { max_value: 2 },
  },
  expect_table_columns_to_match_set: {
    pass: {
      column_set: [
        'p2',
        'p1',
        'hi',
        'lo',
        'none',
        'js',
        'when_text',
        'day',
        'code',
        'qty',
        'amount',
        'grp',
        'id',
      ],
    },
    fail: { column_set: ['id', 'grp'] },
  },
  expect_table_columns_to_match_ordered_list: {
    pass: {
      column_list: [
        'id',
        'grp',
        'amount',
        'qty',
        'code',
        'day',
        'when_text',
        'js',
        'none',
        'lo',
        'hi',
        'p1',
        'p2',
      ],
    },
    fail: { column_list: ['grp', 'id'] },
  },
  expect_column_to_exist: { pass: { column: 'grp', column_index: 1 }, fail: { column: 'group' } },
  expect_column_values_to_not_be_null: { pass: { column: 'id' }, fail: { column: 'amount' } },
  expect_column_values_to_be_null: { pass: { column: 'none' }, fail: { column: 'id' } },
  expect_column_values_to_be_between: {
    pass: { column: 'amount', min_value: 10, max_value: 50 },
    fail: { column: 'amount', min_value: 10, max_value: 50, strict_max: true },
  },
  expect_column_values_to_be_in_set: {
    pass: { column: 'grp', value_set: ['a', 'b', 'c'] },
    fail: { column: 'grp', value_set: ['a', 'b'] },
  },
  expect_column_values_to_not_be_in_set: {
    pass: { column: 'grp', value_set: ['z'] },
    fail: { column: 'grp', value_set: ['c'] },
  },
  expect_column_values_to_be_unique: { pass: { column: 'id' }, fail: { column: 'grp' } },
  expect_column_values_to_match_regex: {
    pass: { column: 'code', regex: '^[A-Z]{2}-\\d$' },
    fail: { column: 'code', regex: '^AB' },
  },
  expect_column_values_to_not_match_regex: {
    pass: { column: 'code', regex: 'ZZ' },
    fail: { column: 'code', regex: '^AB' },
  },
  expect_column_values_to_match_regex_list: {
    pass: { column: 'code', regex_list: ['^AB', '^CD', '^EF'] },
    fail: { column: 'code', regex_list: ['^AB', '-\\d$'], match_on: 'all' },
  },
  expect_column_values_to_not_match_regex_list: {
    pass: { column: 'code', regex_list: ['^ZZ', '^YY'] },
    fail: { column: 'code', regex_list: ['^ZZ', '^EF'] },
  },
  expect_column_values_to_match_like_pattern: {
    pass: { column: 'code', like_pattern: '__-_' },
    fail: { column: 'code', like_pattern: 'AB%' },
  },
  expect_column_values_to_not_match_like_pattern: {
    pass: { column: 'code', like_pattern: 'ZZ%' },
    fail: { column: 'code', like_pattern: 'AB%' },
  },
  expect_column_values_to_match_like_pattern_list: {
    pass: { column: 'code', like_pattern_list: ['AB%', 'CD%', 'EF%'] },
    fail: { column: 'code', like_pattern_list: ['AB%', '%-1'], match_on: 'all' },
  },
  expect_column_values_to_not_match_like_pattern_list: {
    pass: { column: 'code', like_pattern_list: ['Z%'] },
    fail: { column: 'code', like_pattern_list: ['EF%'] },
  },
  expect_column_value_lengths_to_be_between: {
    pass: { column: 'code', min_value: 4, max_value: 4 },
    fail: { column: 'code', min_value: 5 },
  },
  expect_column_value_lengths_to_equal: {
    pass: { column: 'code', value: 4 },
    fail: { column: 'code', value: 3 },
  },
  expect_column_values_to_be_increasing: { pass: { column: 'id', strictly: true }, fail: { column: 'p2' } },
  expect_column_values_to_be_decreasing: { pass: { column: 'p2', strictly: true }, fail: { column: 'id' } },
  expect_column_values_to_be_dateutil_parseable: { pass: { column: 'when_text' }, fail: { column: 'code' } },
  expect_column_values_to_be_json_parseable: { pass: { column: 'js' }, fail: { column: 'code' } },
  expect_column_min_to_be_between: {
    pass: { column: 'amount', min_value: 10, max_value: 10 },
    fail: { column: 'amount', min_value: 11 },
  },
  expect_column_max_to_be_between: {
    pass: { column: 'amount', max_value: 50 },
    fail: { column: 'amount', max_value: 50, strict_max: true },
  },
  expect_column_mean_to_be_between: {
    pass: { column: 'amount', min_value: 30, max_value: 30.2 },
    fail: { column: 'amount', min_value: 31 },
  },
  expect_column_median_to_be_between: {
    pass: { column: 'amount', min_value: 30, max_value: 30 },
    fail: { column: 'amount', max_value: 29 },
  },
  expect_column_sum_to_be_between: {
    pass: { column: 'amount', min_value: 150.5, max_value: 150.5 },
    fail: { column: 'amount', max_value: 150 },
  },
  expect_column_stdev_to_be_between: {
    pass: { column: 'amount', min_value: 15.7, max_value: 15.8 },
    fail: { column: 'amount', max_value: 15 },
  },
  expect_column_quantile_values_to_be_between: {
    pass: {
      column: 'qty',
      quantile_ranges: {
        quantiles: [0, 0.5, 1],
        value_ranges: [
          [1, 1],
          [3, 3],
          [6, null],
        ],
      },
    },
    fail: { column: 'qty', quantile_ranges: { quantiles: [0.5], value_ranges: [[4, 5]] } },
  },
  expect_column_unique_value_count_to_be_between: {
    pass: { column: 'grp', min_value: 3, max_value: 3 },
    fail: { column: 'grp', max_value: 2 },
  },
  expect_column_proportion_of_unique_values_to_be_between: {
    pass: { column: 'id', min_value: 1, max_value: 1 },
    fail: { column: 'grp', min_value: 0.9 },
  },
  expect_column_distinct_values_to_be_in_set: {
    pass: { column: 'grp', value_set: ['a', 'b', 'c', 'd'] },
    fail: { column: 'grp', value_set: ['a', 'b'] },
  },
  expect_column_distinct_values_to_contain_set: {
    pass: { column: 'grp', value_set: ['a', 'b'] },
    fail: { column: 'grp', value_set: ['a', 'z'] },
  },
  expect_column_distinct_values_to_equal_set: {
    pass: { column: 'grp', value_set: ['c', 'b', 'a'] },
    fail: { column: 'grp', value_set: ['a', 'b'] },
  },
  expect_column_most_common_value_to_be_in_set: {
    pass: { column: 'grp', value_set: ['a'] },
    fail: { column: 'grp', value_set: ['b', 'c'] },
  },
  expect_column_values_to_be_of_type: {
    pass: { column: 'id', type_: 'int' },
    fail: { column: 'id', type_: 'str' },
  },
  expect_column_values_to_be_in_type_list: {
    pass: { column: 'amount', type_list: ['float', 'str'] },
    fail: { column: 'amount', type_list: ['int', 'DECIMAL'] },
  },
  expect_column_pair_values_a_to_be_greater_than_b: {
    pass: { column_A: 'hi', column_B: 'lo' },
    fail: { column_A: 'lo', column_B: 'hi', or_equal: true },
  },
  expect_column_pair_values_to_be_equal: {
    pass: { column_A: 'id', column_B: 'qty' },
    fail: { column_A: 'id', column_B: 'hi' },
  },
  expect_compound_columns_to_be_unique: {
    pass: { column_list: ['id', 'grp'] },
    fail: { column_list: ['grp'] },
  },
  expect_select_column_values_to_be_unique_within_record: {
    pass: { column_list: ['lo', 'hi'] },
    fail: { column_list: ['id', 'qty', 'lo'] },
  },
  expect_multicolumn_sum_to_equal: {
    pass: { column_list: ['p1', 'p2'], sum_total: 10 },
    fail: { column_list: ['p1', 'p2'], sum_total: 11 },
  },
};

function suiteOf(which: 'pass' | 'fail'): ExpectationSuite {
  return {
    name: which,
    expectations: Object.entries(CASES).map(([type, c]) => ({ type, kwargs: c[which] })),
  };
}

describe('the expectation catalogue', () => {
  let duck: DuckEngine;
  beforeAll(async () => {
    duck = await DuckEngine.open();
    await duck.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      (1, 'a', 10.0::DOUBLE, 1, 'AB-1', DATE '2024-01-01', '2024-01-01', '{"a": 1}', NULL::VARCHAR, 1, 2, 1, 9),
      (2, 'b', 20.5, 2, 'AB-2', DATE '2024-01-02', '2024-01-02T10:00:00', '[1, 2]', NULL, 2, 3, 2, 8),
      (3, 'a', NULL, 3, 'CD-3', DATE '2024-01-03', '2024-01-03 10:00:00.5+02:00', '3', NULL, 3, 4, 3, 7),
      (4, 'c', 30.0, 4, NULL, DATE '2024-01-04', '2024-01-04 10:00', '"s"', NULL, 4, 5, 4, 6),
      (5, 'b', 40.0, 5, 'AB-5', DATE '2024-01-05', '2024-01-05T10:00:00Z', 'null', NULL, 5, 6, 5, 5),
      (6, 'a', 50.0, 6, 'EF-6', DATE '2024-01-06', '2024-01-06T00:00:00.123456', 'true', NULL, 6, 7, 6, 4)
    ) v(id, grp, amount, qty, code, day, when_text, js, none, lo, hi, p1, p2)`);
  });
  afterAll(() => duck.close());

  it('has a passing and a failing case for every expectation type', () => {
    expect(Object.keys(CASES).sort()).toEqual(
      listExpectations()
        .map((d) => d.type)
        .sort(),
    );
  });

  it('documents every kwarg of every expectation', () => {
    for (const d of listExpectations()) {
      expect(d.description.length, d.type).toBeGreaterThan(10);
      for (const [name, spec] of Object.entries(kwargSpecs(d)))
        expect(spec.doc, `${d.type}.${name}`).toBeTruthy();
    }
  });

  it('passes every expectation on data that meets it, in one query', async () => {
    const r = await validateRelation(duck, 't', suiteOf('pass'));
    const failed = r.results
      .filter((x) => !x.success)
      .map((x) => [x.expectation_config.type, x.exception_info]);
    expect(failed).toEqual([]);
    expect(r.success).toBe(true);
    expect(r.meta.queries).toBe(1);
    expect(r.statistics.success_percent).toBe(100);
  });

  it('fails every expectation on data that breaks it, without evaluation errors', async () => {
    const r = await validateRelation(duck, 't', suiteOf('fail'));
    const passed = r.results.filter((x) => x.success).map((x) => x.expectation_config.type);
    expect(passed).toEqual([]);
    const raised = r.results
      .filter((x) => x.exception_info?.raised_exception)
      .map((x) => x.expectation_config.type);
    expect(raised).toEqual([]);
    expect(r.statistics.unsuccessful_expectations).toBe(Object.keys(CASES).length);
  });

  it('reports GX observed values for aggregates', async () => {
    const r = await validateRelation(duck, 't', suiteOf('pass'), { resultFormat: 'BASIC' });
    const observed = (type: string) =>
      r.results.find((x) => x.expectation_config.type === type)?.result.observed_value;
    expect(observed('expect_column_mean_to_be_between')).toBeCloseTo(30.1, 10);
    expect(observed('expect_column_median_to_be_between')).toBe(30);
    expect(observed('expect_column_sum_to_be_between')).toBe(150.5);
    // scipy/numpy: np.std([10, 20.5, 30, 40, 50], ddof=1)
    expect(observed('expect_column_stdev_to_be_between')).toBeCloseTo(15.733721746617995, 12);
    expect(observed('expect_column_quantile_values_to_be_between')).toEqual({
      quantiles: [0, 0.5, 1],
      values: [1, 3, 6],
    });
    expect(observed('expect_column_distinct_values_to_equal_set')).toEqual(['a', 'b', 'c']);
    expect(observed('expect_column_most_common_value_to_be_in_set')).toEqual(['a']);
    expect(observed('expect_column_proportion_of_unique_values_to_be_between')).toBe(1);
    expect(observed('expect_column_values_to_be_of_type')).toBe('INTEGER');
    expect(observed('expect_table_row_count_to_be_between')).toBe(6);
  });

  it('explains set and column mismatches in details', async () => {
    const r = await validateRelation(duck, 't', suiteOf('fail'), { resultFormat: 'SUMMARY' });
    const result = (type: string) => r.results.find((x) => x.expectation_config.type === type)?.result;
    expect(result('expect_column_distinct_values_to_contain_set')?.details).toEqual({ missing: ['z'] });
    expect(result('expect_table_columns_to_match_set')?.details?.mismatched).toMatchObject({ missing: [] });
    expect(result('expect_table_columns_to_match_ordered_list')?.details?.mismatched).toContainEqual({
      'Expected Column Position': 0,
      Expected: 'grp',
      Found: 'id',
    });
    expect(result('expect_column_values_to_be_unique')?.partial_unexpected_counts).toEqual([
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
    ]);
    expect(result('expect_column_pair_values_a_to_be_greater_than_b')?.partial_unexpected_list?.[0]).toEqual([
      1, 2,
    ]);
    expect(
      result('expect_select_column_values_to_be_unique_within_record')?.partial_unexpected_list?.[0],
    ).toEqual({
      id: 1,
      qty: 1,
      lo: 1,
    });
    expect(result('expect_column_values_to_be_decreasing')?.partial_unexpected_list).toEqual([2, 3, 4, 5, 6]);
    expect(result('expect_column_values_to_match_regex')?.unexpected_count).toBe(2);
    expect(result('expect_column_quantile_values_to_be_between')?.details).toEqual({
      success_details: [false],
    });
  });

  it('knows each type it lists', () => {
    for (const d of listExpectations()) expect(findExpectation(d.type)).toBe(d);
    expect(findExpectation('expect_nothing')).toBeUndefined();
  });
});

describe('docs/expectations.md', () => {
  it('lists every expectation type of the catalogue', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/expectations.md', import.meta.url), 'utf8');
    const missing = listExpectations()
      .map((d) => d.type)
      .filter((t) => !doc.includes(`| \`${t}\` |`));
    expect(missing).toEqual([]);
  });
});
