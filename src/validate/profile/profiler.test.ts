import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import type { ColumnProfile, DataProfile } from '../profile-types.js';
import { profileRelation } from './profiler.js';

const ref = JSON.parse(readFileSync(new URL('./fixtures/profile-reference.json', import.meta.url), 'utf8'));

function col(p: DataProfile, name: string): ColumnProfile {
  const c = p.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

function expectClose(actual: unknown, expected: number, rel = 1e-9): void {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

/** Counts the queries a profile takes, without touching the engine. */
function counting(duck: DuckEngine): { engine: DuckEngine; sql: string[] } {
  const sql: string[] = [];
  const engine = new Proxy(duck, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'query' || prop === 'queryJson' || prop === 'run') {
        return (text: string, params?: unknown[]) => {
          sql.push(text);
          return (v as (s: string, p?: unknown[]) => Promise<unknown>).call(target, text, params);
        };
      }
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { engine, sql };
}

describe('profileRelation', () => {
  let duck: DuckEngine;
  beforeAll(async () => {
    duck = await DuckEngine.open(':memory:', { threads: 1 });
  });
  afterAll(() => duck.close());

  it('matches hand-computed statistics on a small table, scalar statistics in one query', async () => {
    await duck.run('CREATE TABLE small (x DOUBLE, s VARCHAR)');
    await duck.run(
      "INSERT INTO small VALUES (1,'b'),(2,'a'),(2,'b'),(3,NULL),(4,'ccc'),(5,'b'),(7,'a'),(10,'dd'),(NULL,'b')",
    );
    const { engine, sql } = counting(duck);
    const p = await profileRelation(engine, 'small', {
      bins: 3,
      topK: 3,
      now: new Date('2024-05-01T00:00:00Z'),
    });
    // 1 scan for all scalar statistics + 1 for the histograms + 1 top-values query per column.
    // (DESCRIBE runs inside the engine, past the counting proxy.)
    expect(sql).toHaveLength(1 + 1 + 2);
    expect(sql[0]).toContain('count(*) AS "row_count"');
    expect(sql[0]).toContain('quantile_cont(CAST("x" AS DOUBLE)');
    expect(sql[0]).toContain('min(length("s"))');
    expect(sql[1]).toContain('histogram(');
    expect(p.row_count).toBe(9);
    expect(p.column_count).toBe(2);
    expect(p.created_at).toBe('2024-05-01T00:00:00.000Z');

    const x = col(p, 'x');
    expect(x).toMatchObject({ type: 'DOUBLE', kind: 'numeric', count: 9, null_count: 1, min: 1, max: 10 });
    expectClose(x.completeness, 8 / 9);
    expectClose(x.mean, 34 / 8);
    expectClose(x.stddev, Math.sqrt(63.5 / 7));
    // quantile_cont = linear interpolation between order statistics of [1,2,2,3,4,5,7,10].
    expect(x.quantiles).toEqual({ '0.05': 1.35, '0.25': 2, '0.5': 3.5, '0.75': 5.5, '0.95': 8.95 });
    expect(x.histogram).toEqual([
      { lower: 1, upper: 4, count: 4 },
      { lower: 4, upper: 7, count: 2 },
      { lower: 7, upper: 10, count: 2 },
    ]);
    expect(x.top_values).toEqual([
      { value: 2, count: 2 },
      { value: 1, count: 1 },
      { value: 3, count: 1 },
    ]);
    expect(x.nan_count).toBe(0);
    expect(x.infinite_count).toBe(0);

    const s = col(p, 's');
    expect(s).toMatchObject({
      kind: 'string',
      null_count: 1,
      min: 'a',
      max: 'dd',
      min_length: 1,
      max_length: 3,
    });
    expectClose(s.mean_length, 11 / 8);
    expect(s.approx_distinct).toBe(4);
    expect(s.top_values).toEqual([
      { value: 'b', count: 4 },
      { value: 'a', count: 2 },
      { value: 'ccc', count: 1 },
    ]);
    expect(s.histogram).toBeUndefined();
  });

  it('matches numpy on a larger sample (moments, quantiles, histogram, top values, lengths)', async () => {
    await duck.run('CREATE TABLE sample (x DOUBLE, k INTEGER, w VARCHAR)');
    const values = ref.x.map((_: number, i: number) => `(${ref.x[i]}, ${ref.k[i]}, '${ref.w[i]}')`);
    await duck.run(`INSERT INTO sample VALUES ${values.join(',')}`);
    const p = await profileRelation(duck, 'sample', { bins: ref.bins });
    const x = col(p, 'x');
    expect(x.min).toBe(ref.x_stats.min);
    expect(x.max).toBe(ref.x_stats.max);
    expectClose(x.mean, ref.x_stats.mean);
    expectClose(x.stddev, ref.x_stats.stddev);
    for (const [q, v] of Object.entries(ref.x_stats.quantiles)) expectClose(x.quantiles?.[q], v as number);
    expect(x.histogram?.map((b) => b.count)).toEqual(ref.x_stats.histogram_counts);
    x.histogram?.forEach((b, i) => {
      expectClose(b.lower, ref.x_stats.histogram_edges[i]);
      expectClose(b.upper, ref.x_stats.histogram_edges[i + 1]);
    });
    expect(x.histogram?.reduce((a, b) => a + b.count, 0)).toBe(ref.x.length);

    const k = col(p, 'k');
    expectClose(k.mean, ref.k_stats.mean);
    expectClose(k.stddev, ref.k_stats.stddev);
    for (const [q, v] of Object.entries(ref.k_stats.quantiles)) expectClose(k.quantiles?.[q], v as number);
    expect(k.top_values?.slice(0, 3)).toEqual(ref.k_stats.top3);
    expect(k.top_values).toHaveLength(ref.k_stats.distinct);
    expect(k.histogram?.map((b) => b.count)).toEqual(ref.k_stats.histogram_counts);
    // HyperLogLog: near the true distinct count (DuckDB's sketch has ~13 % standard error).
    expect(Math.abs(k.approx_distinct - ref.k_stats.distinct)).toBeLessThanOrEqual(4);

    const w = col(p, 'w');
    expect(w.top_values).toEqual(ref.w_stats.top);
    expect(w).toMatchObject({
      min: ref.w_stats.min,
      max: ref.w_stats.max,
      min_length: ref.w_stats.min_length,
      max_length: ref.w_stats.max_length,
    });
    expectClose(w.mean_length, ref.w_stats.mean_length);
  });

  it('profiles an empty table: completeness 1, no statistics, no bins, no values', async () => {
    await duck.run('CREATE TABLE empty (a INTEGER, b VARCHAR, c DOUBLE)');
    const p = await profileRelation(duck, 'empty');
    expect(p.row_count).toBe(0);
    const a = col(p, 'a');
    expect(a).toMatchObject({
      count: 0,
      null_count: 0,
      completeness: 1,
      approx_distinct: 0,
      min: null,
      max: null,
    });
    expect(a.mean).toBeNull();
    expect(a.stddev).toBeNull();
    expect(Object.values(a.quantiles ?? {})).toEqual([null, null, null, null, null]);
    expect(a.histogram).toEqual([]);
    expect(a.top_values).toEqual([]);
    expect(col(p, 'b')).toMatchObject({ min: null, min_length: null, mean_length: null, top_values: [] });
    expect(col(p, 'c')).toMatchObject({ nan_count: 0, infinite_count: 0, histogram: [] });
  });

  it('profiles all-null and constant columns', async () => {
    await duck.run(
      'CREATE TABLE odd AS SELECT NULL::DOUBLE AS nothing, NULL::VARCHAR AS nos, 7 AS seven, 2.5::DOUBLE AS half FROM range(5)',
    );
    const p = await profileRelation(duck, 'odd');
    expect(col(p, 'nothing')).toMatchObject({
      null_count: 5,
      completeness: 0,
      approx_distinct: 0,
      min: null,
      mean: null,
      histogram: [],
      top_values: [],
    });
    expect(col(p, 'nos')).toMatchObject({ completeness: 0, min: null, max_length: null, top_values: [] });
    const seven = col(p, 'seven');
    expect(seven).toMatchObject({ min: 7, max: 7, mean: 7, stddev: 0, approx_distinct: 1 });
    expect(seven.histogram).toEqual([{ lower: 7, upper: 7, count: 5 }]);
    expect(seven.top_values).toEqual([{ value: 7, count: 5 }]);
    expect(col(p, 'half').histogram).toEqual([{ lower: 2.5, upper: 2.5, count: 5 }]);
  });

  it('counts NaN and Infinity apart and keeps them out of every statistic', async () => {
    await duck.run('CREATE TABLE nan (v DOUBLE, f FLOAT)');
    await duck.run(
      "INSERT INTO nan VALUES (1, 1), (2, 2), (3, 'nan'), ('nan', 'inf'), ('inf', '-inf'), ('-inf', 4), (NULL, NULL)",
    );
    const p = await profileRelation(duck, 'nan', { bins: 2 });
    const v = col(p, 'v');
    expect(v).toMatchObject({
      null_count: 1,
      nan_count: 1,
      infinite_count: 2,
      min: 1,
      max: 3,
      mean: 2,
      stddev: 1,
    });
    expect(v.quantiles?.['0.5']).toBe(2);
    expect(v.histogram).toEqual([
      { lower: 1, upper: 2, count: 1 },
      { lower: 2, upper: 3, count: 2 },
    ]);
    expect(v.top_values?.map((t) => t.value)).toEqual([1, 2, 3]);
    const f = col(p, 'f');
    expect(f).toMatchObject({ type: 'FLOAT', nan_count: 1, infinite_count: 2, min: 1, max: 4 });
    expect(f.histogram?.reduce((a, b) => a + b.count, 0)).toBe(3);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('handles BOOLEAN, DATE, TIMESTAMP, TIMESTAMPTZ, DECIMAL, BIGINT, HUGEINT and nested types as JSON', async () => {
    await duck.run(`CREATE TABLE types AS SELECT
        range % 3 = 0 AS flag,
        DATE '2024-02-27' + range::INTEGER AS day,
        TIMESTAMP '2024-01-01 10:00:00.25' + INTERVAL (range) HOUR AS ts,
        TIMESTAMPTZ '2024-01-01 10:00:00+02:00' AS tz,
        (range * 1.25)::DECIMAL(10,2) AS price,
        (9007199254740000 + range)::BIGINT AS big,
        (range * 1000)::HUGEINT AS huge,
        [range, range] AS pair
      FROM range(6)`);
    const p = await profileRelation(duck, 'types');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    const flag = col(p, 'flag');
    expect(flag).toMatchObject({ kind: 'boolean', approx_distinct: 2 });
    expect(flag.top_values).toEqual([
      { value: false, count: 4 },
      { value: true, count: 2 },
    ]);
    expect(flag.min).toBeUndefined();
    expect(col(p, 'day')).toMatchObject({
      kind: 'temporal',
      type: 'DATE',
      min: '2024-02-27',
      max: '2024-03-03',
    });
    expect(col(p, 'day').top_values?.[0]).toEqual({ value: '2024-02-27', count: 1 });
    expect(col(p, 'ts')).toMatchObject({ min: '2024-01-01T10:00:00.25', max: '2024-01-01T15:00:00.25' });
    expect(col(p, 'tz')).toMatchObject({
      min: '2024-01-01T08:00:00Z',
      top_values: [{ value: '2024-01-01T08:00:00Z', count: 6 }],
    });
    const price = col(p, 'price');
    expect(price).toMatchObject({ type: 'DECIMAL(10,2)', kind: 'numeric', min: 0, max: 6.25, mean: 3.125 });
    expect(price.top_values?.[1]).toEqual({ value: 1.25, count: 1 });
    const big = col(p, 'big');
    expect(big).toMatchObject({ kind: 'numeric', min: 9007199254740000, max: 9007199254740005 });
    expect(big.top_values?.[0]).toEqual({ value: 9007199254740000, count: 1 });
    expect(col(p, 'huge')).toMatchObject({ min: 0, max: 5000, mean: 2500 });
    const pair = col(p, 'pair');
    expect(pair.kind).toBe('other');
    expect(pair.approx_distinct).toBeGreaterThan(0);
    expect(pair.top_values?.[0]).toEqual({ value: '[0, 0]', count: 1 });
  });

  it('gives integer columns at most one bin per integer', async () => {
    await duck.run('CREATE TABLE dice AS SELECT (range % 4)::INTEGER AS d FROM range(10)');
    const d = col(await profileRelation(duck, 'dice'), 'd');
    expect(d.histogram?.map((b) => b.count)).toEqual([3, 3, 2, 2]);
    expect(d.histogram?.[3]).toEqual({ lower: 2.25, upper: 3, count: 2 });
  });

  it('accepts any column name (quotes, SQL keywords, names of its own output columns)', async () => {
    await duck.run(
      'CREATE TABLE names ("a ""b"" c" INTEGER, "count" VARCHAR, "value" INTEGER, "row_count" INTEGER)',
    );
    await duck.run("INSERT INTO names VALUES (1, 'x', 5, 9), (2, 'x', 6, 9)");
    const p = await profileRelation(duck, 'names');
    expect(p.columns.map((c) => c.name)).toEqual(['a "b" c', 'count', 'value', 'row_count']);
    expect(col(p, 'count').top_values).toEqual([{ value: 'x', count: 2 }]);
    expect(col(p, 'value').top_values).toEqual([
      { value: 5, count: 1 },
      { value: 6, count: 1 },
    ]);
    expect(col(p, 'row_count')).toMatchObject({ min: 9, count: 2 });
    expect(p.row_count).toBe(2);
  });

  it('measures string lengths in code points', async () => {
    // A duck (one code point, two UTF-16 units), e + combining acute (two code points), abc.
    await duck.run("CREATE TABLE texts AS SELECT * FROM (VALUES ('🦆'), ('e\u0301'), ('abc')) v(s)");
    const s = col(await profileRelation(duck, 'texts'), 's');
    expect(s).toMatchObject({ min_length: 1, max_length: 3, mean_length: 2 });
  });

  it('estimates quantiles with a t-digest when asked', async () => {
    await duck.run('CREATE TABLE big AS SELECT range::DOUBLE AS v FROM range(20000)');
    const p = await profileRelation(duck, 'big', { quantiles: 'approximate' });
    expect(p.quantile_method).toBe('approximate');
    const q = col(p, 'v').quantiles ?? {};
    for (const [level, exact] of [
      ['0.25', 4999.75],
      ['0.5', 9999.5],
      ['0.95', 18999.05],
    ] as const) {
      expect(Math.abs((q[level] as number) - exact)).toBeLessThan(200);
    }
  });

  it('rejects a missing relation and bad options with INVALID_ARGUMENT', async () => {
    await expect(profileRelation(duck, 'no_such_table')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('no_such_table'),
    });
    await expect(profileRelation(duck, 'small', { bins: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('bins'),
    });
    await expect(profileRelation(duck, 'small', { topK: 2.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      profileRelation(duck, 'small', { quantiles: 'fast' as unknown as 'exact' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
