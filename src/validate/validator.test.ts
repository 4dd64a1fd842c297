import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../store/duckdb/duck-engine.js';
import { parseSuite } from './suite-file.js';
import type { ExpectationConfig, ExpectationSuite } from './suite-types.js';
import { validateRelation } from './validator.js';

const suite = (...expectations: ExpectationConfig[]): ExpectationSuite => ({ name: 's', expectations });
const e = (type: string, kwargs: Record<string, unknown>): ExpectationConfig => ({ type, kwargs });

describe('validateRelation', () => {
  let duck: DuckEngine;
  beforeAll(async () => {
    duck = await DuckEngine.open();
    // 10 rows: v has 2 nulls and 8 values 1..8; k is a key; tag repeats.
    await duck.run(`CREATE TABLE m AS SELECT
        range + 100 AS k,
        CASE WHEN range IN (3, 7) THEN NULL ELSE range - (range > 3)::INT - (range > 7)::INT + 1 END AS v,
        ['x', 'y', 'z', 'x', 'x'][range % 5 + 1] AS tag,
        DATE '2024-01-01' + range::INT AS day
      FROM range(10)`);
    await duck.run('CREATE TABLE empty AS SELECT * FROM m WHERE false');
    await duck.run('CREATE TABLE nulls AS SELECT k, NULL::DOUBLE AS v FROM m');
    await duck.run(`CREATE TABLE f AS SELECT * FROM (VALUES
        (1, 1.0::DOUBLE), (2, 'NaN'::DOUBLE), (3, 'Infinity'::DOUBLE), (4, '-Infinity'::DOUBLE), (5, NULL)) t(k, x)`);
  });
  afterAll(() => duck.close());

  describe('mostly', () => {
    it('leaves nulls out of the denominator of column-map expectations', async () => {
      // v = 1..8 plus 2 nulls; values > 6 (7, 8) are unexpected: 6 of 8 non-null pass = 0.75.
      const between = (mostly: number) =>
        e('expect_column_values_to_be_between', { column: 'v', max_value: 6, mostly });
      const r = await validateRelation(duck, 'm', suite(between(0.75), between(0.76)));
      expect(r.results.map((x) => x.success)).toEqual([true, false]);
      expect(r.results[0].result).toMatchObject({
        element_count: 10,
        missing_count: 2,
        missing_percent: 20,
        unexpected_count: 2,
        unexpected_percent: 25,
        unexpected_percent_nonmissing: 25,
        unexpected_percent_total: 20,
      });
    });

    it('counts every row for not_be_null and be_null', async () => {
      const r = await validateRelation(
        duck,
        'm',
        suite(
          e('expect_column_values_to_not_be_null', { column: 'v', mostly: 0.8 }),
          e('expect_column_values_to_not_be_null', { column: 'v', mostly: 0.81 }),
          e('expect_column_values_to_be_null', { column: 'v', mostly: 0.2 }),
        ),
      );
      expect(r.results.map((x) => x.success)).toEqual([true, false, true]);
      expect(r.results[1].result).toEqual({
        element_count: 10,
        unexpected_count: 2,
        unexpected_percent: 20,
        unexpected_percent_total: 20,
        partial_unexpected_list: [null, null],
        partial_unexpected_counts: [{ value: null, count: 2 }],
      });
    });

    it('is vacuously true on an empty table and on an all-null column', async () => {
      const s = suite(
        e('expect_column_values_to_be_between', { column: 'v', min_value: 100 }),
        e('expect_column_values_to_be_in_set', { column: 'v', value_set: [] }),
        e('expect_column_values_to_be_unique', { column: 'v' }),
        e('expect_column_values_to_not_be_null', { column: 'v' }),
      );
      const empty = await validateRelation(duck, 'empty', s);
      expect(empty.results.map((x) => x.success)).toEqual([true, true, true, true]);
      expect(empty.results[0].result).toMatchObject({
        element_count: 0,
        missing_percent: null,
        unexpected_percent: null,
        unexpected_percent_total: null,
      });
      expect(empty.meta.row_count).toBe(0);
      const nulls = await validateRelation(duck, 'nulls', s);
      expect(nulls.results.map((x) => x.success)).toEqual([true, true, true, false]);
      expect(nulls.results[0].result).toMatchObject({ missing_count: 10, unexpected_percent: null });
    });

    it('fails aggregates whose statistic is null (empty or all-null column)', async () => {
      const r = await validateRelation(
        duck,
        'nulls',
        suite(
          e('expect_column_max_to_be_between', { column: 'v', max_value: 10 }),
          e('expect_column_mean_to_be_between', { column: 'v' }),
          e('expect_column_proportion_of_unique_values_to_be_between', { column: 'v', max_value: 0 }),
        ),
      );
      expect(r.results.map((x) => [x.success, x.result.observed_value])).toEqual([
        [false, null],
        [false, null],
        [true, 0],
      ]);
    });
  });

  describe('result formats', () => {
    const failing = () =>
      suite(
        e('expect_column_values_to_be_in_set', { column: 'tag', value_set: ['x'] }),
        e('expect_column_max_to_be_between', { column: 'v', max_value: 5 }),
      );

    it('BOOLEAN_ONLY returns no result fields and runs no detail query', async () => {
      const r = await validateRelation(duck, 'm', failing(), { resultFormat: 'BOOLEAN_ONLY' });
      expect(r.results.map((x) => x.result)).toEqual([{}, {}]);
      expect(r.results.map((x) => x.success)).toEqual([false, false]);
      expect(r.meta.queries).toBe(1);
    });

    it('BASIC adds counts, the partial list and observed values (one detail query)', async () => {
      const r = await validateRelation(duck, 'm', failing(), { resultFormat: 'BASIC' });
      expect(r.results[0].result).toEqual({
        element_count: 10,
        missing_count: 0,
        missing_percent: 0,
        unexpected_count: 4,
        unexpected_percent: 40,
        unexpected_percent_total: 40,
        unexpected_percent_nonmissing: 40,
        partial_unexpected_list: ['y', 'z', 'y', 'z'],
      });
      expect(r.results[1].result).toEqual({ observed_value: 8 });
      expect(r.meta.queries).toBe(2);
    });

    it('SUMMARY adds partial_unexpected_counts (most frequent first) and key columns', async () => {
      const r = await validateRelation(duck, 'm', failing(), { keyColumns: ['k'], partialLimit: 3 });
      expect(r.results[0].result.partial_unexpected_list).toEqual(['y', 'z', 'y']);
      expect(r.results[0].result.partial_unexpected_counts).toEqual([
        { value: 'y', count: 2 },
        { value: 'z', count: 2 },
      ]);
      expect(r.results[0].result.partial_unexpected_index_list).toEqual([
        { k: 101, tag: 'y' },
        { k: 102, tag: 'z' },
        { k: 106, tag: 'y' },
      ]);
      expect(r.results[0].result.unexpected_list).toBeUndefined();
      expect(r.meta.queries).toBe(3);
    });

    it('COMPLETE adds every unexpected value, every failing row key and a query for them', async () => {
      const r = await validateRelation(duck, 'm', failing(), {
        resultFormat: 'COMPLETE',
        keyColumns: ['k'],
        partialLimit: 1,
      });
      const result = r.results[0].result;
      expect(result.partial_unexpected_list).toEqual(['y']);
      expect(result.unexpected_list).toEqual(['y', 'z', 'y', 'z']);
      expect(result.unexpected_index_list?.map((x) => x.k)).toEqual([101, 102, 106, 107]);
      const rows = await duck.query(String(result.unexpected_index_query));
      expect(rows.rows.map((x) => Number(x.k))).toEqual([101, 102, 106, 107]);
    });

    it('lets one expectation ask for its own format and index columns', async () => {
      const r = await validateRelation(
        duck,
        'm',
        suite(
          e('expect_column_values_to_be_in_set', {
            column: 'tag',
            value_set: ['x', 'y'],
            result_format: { result_format: 'COMPLETE', unexpected_index_column_names: ['day', 'k'] },
          }),
          e('expect_column_values_to_be_in_set', {
            column: 'tag',
            value_set: ['x', 'y'],
            result_format: 'BOOLEAN_ONLY',
          }),
        ),
        { resultFormat: 'BASIC' },
      );
      expect(r.results[0].result.unexpected_index_list).toEqual([
        { day: '2024-01-03', k: 102, tag: 'z' },
        { day: '2024-01-08', k: 107, tag: 'z' },
      ]);
      expect(r.results[1].result).toEqual({});
    });

    it('does not list the unexpected values of an expectation that passed thanks to mostly', async () => {
      const r = await validateRelation(
        duck,
        'm',
        suite(e('expect_column_values_to_be_in_set', { column: 'tag', value_set: ['x', 'y'], mostly: 0.5 })),
      );
      expect(r.results[0].success).toBe(true);
      expect(r.results[0].result.unexpected_count).toBe(2);
      expect(r.results[0].result.partial_unexpected_list).toBeUndefined();
      expect(r.meta.queries).toBe(1);
    });
  });

  it('compiles 20+ aggregate and map expectations over one table into exactly one query', async () => {
    const s = suite(
      e('expect_table_row_count_to_be_between', { min_value: 1, max_value: 10 }),
      e('expect_table_row_count_to_equal', { value: 10 }),
      e('expect_column_values_to_not_be_null', { column: 'k' }),
      e('expect_column_values_to_not_be_null', { column: 'v', mostly: 0.8 }),
      e('expect_column_values_to_be_between', { column: 'v', min_value: 1, max_value: 8 }),
      e('expect_column_values_to_be_between', {
        column: 'day',
        min_value: '2024-01-01',
        max_value: '2024-01-10',
      }),
      e('expect_column_values_to_be_in_set', { column: 'tag', value_set: ['x', 'y', 'z'] }),
      e('expect_column_values_to_not_be_in_set', { column: 'tag', value_set: ['w'] }),
      e('expect_column_values_to_be_unique', { column: 'k' }),
      e('expect_column_values_to_be_increasing', { column: 'k', strictly: true }),
      e('expect_column_values_to_match_regex', { column: 'tag', regex: '^[xyz]$' }),
      e('expect_column_value_lengths_to_equal', { column: 'tag', value: 1 }),
      e('expect_column_values_to_be_dateutil_parseable', { column: 'day' }),
      e('expect_column_min_to_be_between', { column: 'v', min_value: 1, max_value: 1 }),
      e('expect_column_max_to_be_between', { column: 'day', max_value: '2024-01-10' }),
      e('expect_column_mean_to_be_between', { column: 'v', min_value: 4.5, max_value: 4.5 }),
      e('expect_column_median_to_be_between', { column: 'v', min_value: 4.5, max_value: 4.5 }),
      e('expect_column_sum_to_be_between', { column: 'v', min_value: 36, max_value: 36 }),
      e('expect_column_stdev_to_be_between', { column: 'v', min_value: 2, max_value: 3 }),
      e('expect_column_quantile_values_to_be_between', {
        column: 'v',
        quantile_ranges: {
          quantiles: [0.25, 0.75],
          value_ranges: [
            [2, 2],
            [6, 6],
          ],
        },
      }),
      e('expect_column_unique_value_count_to_be_between', { column: 'tag', min_value: 3, max_value: 3 }),
      e('expect_column_distinct_values_to_equal_set', { column: 'tag', value_set: ['x', 'y', 'z'] }),
      e('expect_column_most_common_value_to_be_in_set', { column: 'tag', value_set: ['x'] }),
      e('expect_compound_columns_to_be_unique', { column_list: ['k', 'tag'] }),
      e('expect_column_pair_values_a_to_be_greater_than_b', {
        column_A: 'k',
        column_B: 'v',
        ignore_row_if: 'either_value_is_missing',
      }),
      e('expect_multicolumn_sum_to_equal', { column_list: ['k'], sum_total: 0, mostly: 0 }),
    );
    const r = await validateRelation(duck, 'm', s, { keyColumns: ['k'], resultFormat: 'COMPLETE' });
    expect(r.results.filter((x) => !x.success).map((x) => x.expectation_config)).toEqual([]);
    expect(r.results.length).toBeGreaterThanOrEqual(20);
    expect(r.meta.queries).toBe(1);
    expect(r.meta.catalog_queries).toBe(1);
    expect(r.meta.row_count).toBe(10);
  });

  it('counts duplicates of several keys (nulls, shared and overlapping keys) exactly, in the grouped pass', async () => {
    // 40 rows: a repeats with nulls, b repeats, c is unique; GX counts every row of a repeated key.
    const rows = Array.from({ length: 40 }, (_, i) => ({
      a: i % 7 === 0 ? null : i % 9,
      b: i % 5 === 0 ? null : i % 3,
      c: i,
    }));
    const values = rows.map((r) => `(${r.a ?? 'NULL'}, ${r.b ?? 'NULL'}, ${r.c})`).join(', ');
    await duck.run(`CREATE TABLE dup AS SELECT * FROM (VALUES ${values}) t(a, b, c)`);
    type Row = (typeof rows)[number];
    const reference = (keys: (keyof Row)[], inDomain: (r: Row) => boolean): number => {
      const counts = new Map<string, number>();
      const domain = rows.filter(inDomain);
      for (const r of domain) {
        const k = JSON.stringify(keys.map((key) => r[key]));
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      return domain.filter((r) => (counts.get(JSON.stringify(keys.map((key) => r[key]))) ?? 0) > 1).length;
    };
    const multi = (ignore: string) =>
      e('expect_compound_columns_to_be_unique', { column_list: ['a', 'b'], ignore_row_if: ignore });
    const r = await validateRelation(
      duck,
      'dup',
      suite(
        e('expect_column_values_to_be_unique', { column: 'a' }),
        e('expect_column_values_to_be_unique', { column: 'a', mostly: 0.1 }),
        e('expect_column_values_to_be_unique', { column: 'b' }),
        e('expect_column_values_to_be_unique', { column: 'c' }),
        multi('all_values_are_missing'),
        multi('any_value_is_missing'),
        multi('never'),
        e('expect_compound_columns_to_be_unique', { column_list: ['b', 'c'] }),
      ),
    );
    const counts = r.results.map((x) => x.result.unexpected_count);
    expect(counts).toEqual([
      reference(['a'], (x) => x.a !== null),
      reference(['a'], (x) => x.a !== null),
      reference(['b'], (x) => x.b !== null),
      0,
      reference(['a', 'b'], (x) => x.a !== null || x.b !== null),
      reference(['a', 'b'], (x) => x.a !== null && x.b !== null),
      reference(['a', 'b'], () => true),
      0,
    ]);
    // The reference is not trivially zero: every failing case has duplicates to find.
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[6]).toBeGreaterThan(counts[5] as number);
    expect(r.results.map((x) => x.success)).toEqual([false, false, false, true, false, false, false, true]);
    // Clean keys: the one scan decides (distinct = rows). Repeated keys: one more, grouped query.
    const clean = await validateRelation(
      duck,
      'dup',
      suite(
        e('expect_column_values_to_be_unique', { column: 'c' }),
        e('expect_compound_columns_to_be_unique', { column_list: ['b', 'c'] }),
      ),
    );
    expect(clean.meta.queries).toBe(1);
    expect(clean.results.map((x) => x.result.unexpected_count)).toEqual([0, 0]);
    const dirty = await validateRelation(
      duck,
      'dup',
      suite(
        e('expect_column_values_to_be_unique', { column: 'a' }),
        e('expect_column_values_to_be_unique', { column: 'b' }),
      ),
      { resultFormat: 'BOOLEAN_ONLY' },
    );
    expect(dirty.meta.queries).toBe(2);
  });

  it('fails an expectation on a missing column with COLUMN_NOT_FOUND and still scans once', async () => {
    const r = await validateRelation(
      duck,
      'm',
      suite(
        e('expect_column_values_to_not_be_null', { column: 'tags' }),
        e('expect_column_values_to_not_be_null', { column: 'tag' }),
        e('expect_column_pair_values_to_be_equal', { column_A: 'k', column_B: 'nope' }),
      ),
    );
    expect(r.results.map((x) => x.success)).toEqual([false, true, false]);
    expect(r.results[0].exception_info).toMatchObject({ raised_exception: true, code: 'COLUMN_NOT_FOUND' });
    expect(r.results[0].exception_info?.exception_message).toMatch(/"tags".*did you mean "tag"/);
    expect(r.results[2].exception_info?.code).toBe('COLUMN_NOT_FOUND');
    expect(r.meta.queries).toBe(1);
  });

  it('isolates an expectation DuckDB cannot evaluate and evaluates the others', async () => {
    const r = await validateRelation(
      duck,
      'm',
      suite(
        e('expect_column_values_to_be_in_set', { column: 'k', value_set: ['abc'] }),
        e('expect_column_values_to_be_between', { column: 'tag', min_value: 1 }),
        e('expect_column_mean_to_be_between', { column: 'tag', min_value: 1 }),
        e('expect_column_values_to_not_be_null', { column: 'k' }),
        e('expect_column_min_to_be_between', { column: 'day', min_value: 'not a date' }),
      ),
    );
    expect(r.results.map((x) => [x.success, x.exception_info?.code])).toEqual([
      [false, 'CAST_FAILED'],
      [false, 'CAST_FAILED'],
      [false, 'INVALID_ARGUMENT'],
      [true, undefined],
      [false, 'CAST_FAILED'],
    ]);
    expect(r.meta.row_count).toBe(10);
  });

  it('throws SOURCE_UNREADABLE when the relation itself cannot be read', async () => {
    await duck.run(
      "CREATE VIEW broken AS SELECT s FROM (VALUES ('1'), ('x')) t(s) WHERE CAST(s AS INTEGER) > 0",
    );
    const s = suite(
      e('expect_column_values_to_not_be_null', { column: 's' }),
      e('expect_column_values_to_be_in_set', { column: 's', value_set: ['1'] }),
    );
    await expect(validateRelation(duck, 'broken', s)).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE' });
  });

  it('treats NaN as outside every range and ±Infinity as numbers', async () => {
    const r = await validateRelation(
      duck,
      'f',
      suite(
        e('expect_column_values_to_be_between', { column: 'x', min_value: 0, max_value: 10 }),
        e('expect_column_values_to_be_between', { column: 'x', min_value: 0 }),
        e('expect_column_values_to_be_in_set', { column: 'x', value_set: [1] }),
        e('expect_column_max_to_be_between', { column: 'x' }),
        e('expect_column_min_to_be_between', { column: 'x', max_value: 0 }),
      ),
      { resultFormat: 'COMPLETE' },
    );
    expect(r.results[0].result).toMatchObject({ unexpected_count: 3, missing_count: 1 });
    expect(r.results[0].result.unexpected_list).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(r.results[1].result.unexpected_list).toEqual(['NaN', '-Infinity']);
    expect(r.results[2].result.unexpected_count).toBe(3);
    expect(r.results[3]).toMatchObject({ success: false, result: { observed_value: 'NaN' } });
    expect(r.results[4]).toMatchObject({ success: true, result: { observed_value: '-Infinity' } });
    expect(JSON.parse(JSON.stringify(r)).results[0].result.unexpected_list).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });

  it('checks row order for increasing even when the table is scanned in parallel', async () => {
    await duck.run(
      'CREATE TABLE big AS SELECT range AS i, CASE WHEN range % 11 = 0 THEN NULL ELSE range END AS j FROM range(300000)',
    );
    const r = await validateRelation(
      duck,
      'big',
      suite(
        e('expect_column_values_to_be_increasing', { column: 'i', strictly: true }),
        e('expect_column_values_to_be_increasing', { column: 'j', strictly: true }),
        e('expect_column_values_to_be_decreasing', { column: 'j' }),
        e('expect_column_values_to_be_unique', { column: 'i' }),
      ),
      { resultFormat: 'BOOLEAN_ONLY' },
    );
    expect(r.results.map((x) => x.success)).toEqual([true, true, false, true]);
    expect(r.meta.queries).toBe(1);
  });

  it('refuses a suite with a bad regex with SUITE_INVALID naming the expectation and line', async () => {
    const s = parseSuite(
      [
        'name: r',
        'expectations:',
        '  - type: expect_column_values_to_not_be_null',
        '    kwargs: {column: tag}',
        '  - type: expect_column_values_to_match_regex',
        '    kwargs:',
        '      column: tag',
        "      regex: '([a-z]'",
      ].join('\n'),
      'r.yaml',
    );
    const err = await validateRelation(duck, 'm', s).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'SUITE_INVALID', details: { file: 'r.yaml', line: 8 } });
    expect((err as Error).message).toMatch(
      /r\.yaml:8: expectations\[1\] \(expect_column_values_to_match_regex\)/,
    );
  });

  it('refuses bad inputs', async () => {
    const ok = suite(e('expect_table_row_count_to_be_between', { min_value: 1 }));
    await expect(validateRelation(duck, 'nope', ok)).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    await expect(validateRelation(duck, 'm', ok, { keyColumns: ['key'] })).rejects.toMatchObject({
      code: 'COLUMN_NOT_FOUND',
    });
    await expect(validateRelation(duck, 'm', ok, { partialLimit: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      validateRelation(duck, 'm', ok, { resultFormat: 'FULL' as unknown as 'BASIC' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      validateRelation(duck, 'm', suite(e('expect_column_values_to_be_between', { column: 'v' }))),
    ).rejects.toMatchObject({ code: 'SUITE_INVALID' });
  });

  it('reports statistics and meta like GX', async () => {
    const r = await validateRelation(
      duck,
      'm',
      suite(
        e('expect_table_row_count_to_equal', { value: 10 }),
        e('expect_table_row_count_to_equal', { value: 11 }),
        e('expect_column_to_exist', { column: 'k' }),
        e('expect_column_to_exist', { column: 'k', column_index: 2 }),
      ),
      { dataLabel: 'sales@3' },
    );
    expect(r.success).toBe(false);
    expect(r.suite_name).toBe('s');
    expect(r.statistics).toEqual({
      evaluated_expectations: 4,
      successful_expectations: 2,
      unsuccessful_expectations: 2,
      success_percent: 50,
    });
    expect(r.meta).toMatchObject({ data: 'sales@3', row_count: 10, queries: 1 });
    expect(Date.parse(r.meta.run_time)).not.toBeNaN();
    const none = await validateRelation(duck, 'm', suite());
    expect(none).toMatchObject({
      success: true,
      statistics: { success_percent: null },
      meta: { queries: 1 },
    });
  });
});

describe('pair expectations and missing values', () => {
  it('follows ignore_row_if: a kept row with one null compares false (unexpected)', async () => {
    const duck = await DuckEngine.open();
    try {
      await duck.run(
        'CREATE TABLE p AS SELECT * FROM (VALUES (2, 1), (NULL, 1), (NULL, NULL), (1, 1)) t(a, b)',
      );
      const pair = (ignore: string) =>
        e('expect_column_pair_values_a_to_be_greater_than_b', {
          column_A: 'a',
          column_B: 'b',
          ignore_row_if: ignore,
        });
      const r = await validateRelation(
        duck,
        'p',
        suite(pair('both_values_are_missing'), pair('either_value_is_missing'), pair('neither')),
        { resultFormat: 'COMPLETE' },
      );
      expect(r.results.map((x) => [x.result.missing_count, x.result.unexpected_count])).toEqual([
        [1, 2],
        [2, 1],
        [0, 3],
      ]);
      expect(r.results[0].result.unexpected_list).toEqual([
        [null, 1],
        [1, 1],
      ]);
    } finally {
      duck.close();
    }
  });
});

describe('GX semantics details', () => {
  it('most_common_value: a tie needs every tied value in the set unless ties_okay', async () => {
    const duck = await DuckEngine.open();
    try {
      await duck.run(
        "CREATE TABLE c AS SELECT * FROM (VALUES ('a'), ('a'), ('b'), ('b'), ('c'), (NULL), (NULL), (NULL)) t(v)",
      );
      const mc = (value_set: string[], ties_okay: boolean) =>
        e('expect_column_most_common_value_to_be_in_set', { column: 'v', value_set, ties_okay });
      const r = await validateRelation(
        duck,
        'c',
        suite(mc(['a'], false), mc(['a', 'b'], false), mc(['a'], true), mc(['c'], true)),
      );
      expect(r.results.map((x) => x.success)).toEqual([false, false, true, false]);
      expect(r.results[0].result.observed_value).toEqual(['a', 'b']);
    } finally {
      duck.close();
    }
  });

  it('columns_to_match_set: exact_match false allows extra columns', async () => {
    const duck = await DuckEngine.open();
    try {
      await duck.run('CREATE TABLE c AS SELECT 1 AS a, 2 AS b, 3 AS c');
      const r = await validateRelation(
        duck,
        'c',
        suite(
          e('expect_table_columns_to_match_set', { column_set: ['a', 'b'], exact_match: false }),
          e('expect_table_columns_to_match_set', { column_set: ['a', 'b'] }),
          e('expect_table_columns_to_match_set', { column_set: ['a', 'd'], exact_match: false }),
        ),
      );
      expect(r.results.map((x) => x.success)).toEqual([true, false, false]);
      expect(r.results[1].result.details).toEqual({ mismatched: { unexpected: ['c'], missing: [] } });
      expect(r.results[2].result.details).toEqual({ mismatched: { missing: ['d'] } });
      expect(r.meta.queries).toBe(1);
    } finally {
      duck.close();
    }
  });
});
