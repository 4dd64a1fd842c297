import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import { DuckEngine, quoteLiteral } from '../store/duckdb/duck-engine.js';
import { compareColumn } from './drift/drift-stats.js';
import { compareSides } from './drift-compare.js';

let duck: DuckEngine;
let dir: string;

// Deterministic pseudo-random data built by DuckDB: hash() of the row number, scaled to [0, 1).
const U = (salt: number) => `(hash(i * 7919 + ${salt}) % 1000000) / 1000000.0`;

beforeAll(async () => {
  duck = await DuckEngine.open();
  dir = mkdtempSync(join(tmpdir(), 'kiln-drift-compare-'));
  await duck.run(`CREATE TABLE ref AS SELECT i, ${U(1)} * 10 AS amount, ${U(2)} AS score,
    CASE WHEN ${U(3)} < 0.5 THEN 'a' WHEN ${U(3)} < 0.8 THEN 'b' ELSE 'c' END AS colour,
    (i % 2 = 0) AS flag FROM range(3000) t(i)`);
  await duck.run(`CREATE TABLE cur AS SELECT i, ${U(4)} * 10 + 4 AS amount, ${U(5)} AS score,
    CASE WHEN ${U(6)} < 0.2 THEN 'a' WHEN ${U(6)} < 0.5 THEN 'b' ELSE 'c' END AS colour,
    (i % 3 = 0) AS flag FROM range(2000) t(i)`);
  await duck.run('CREATE TABLE same AS SELECT * FROM ref');
});

afterAll(() => {
  duck.close();
  rmSync(dir, { recursive: true, force: true });
});

const rel = (relation: string) => ({ relation });

async function codeOf(p: Promise<unknown>): Promise<KilnError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a KilnError');
}

describe('compareSides', () => {
  it('reports per-column verdicts with every statistic, and dataset drift by share', async () => {
    const r = await compareSides(rel('ref'), rel('cur'), {}, { engine: duck });
    expect(r.kind).toBe('kiln.drift_report');
    expect(r.reference.rows).toBe(3000);
    expect(r.current.rows).toBe(2000);
    const by = Object.fromEntries(r.columns.map((c) => [c.column, c]));
    expect(Object.keys(by)).toEqual(['i', 'amount', 'score', 'colour', 'flag']);
    expect(by.amount.kind).toBe('numeric');
    expect(by.amount.test).toBe('wasserstein');
    expect(by.amount.drifted).toBe(true);
    expect(by.score.drifted).toBe(false);
    expect(by.colour.kind).toBe('categorical');
    expect(by.colour.test).toBe('jensenshannon');
    expect(by.colour.drifted).toBe(true);
    expect(by.flag.kind).toBe('categorical');
    expect(by.flag.reference_type).toBe('BOOLEAN');
    // every applicable statistic is there, not only the verdict's
    expect(Object.keys(by.amount.all).sort()).toEqual(
      [
        'hellinger',
        'jensenshannon',
        'kl_div',
        'ks',
        'linf',
        'psi',
        'reference_std',
        'wasserstein',
        'wasserstein_norm',
      ].sort(),
    );
    expect(by.colour.all.chisquare).toBeDefined();
    expect(by.amount.histogram.type).toBe('numeric');
    const drifted = r.columns.filter((c) => c.drifted).length;
    expect(r.number_of_drifted_columns).toBe(drifted);
    expect(r.share_of_drifted_columns).toBe(drifted / 5);
    expect(r.dataset_drift).toBe(drifted / 5 >= 0.5);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('gives the same statistics as compareColumn on the same values', async () => {
    const r = await compareSides(rel('ref'), rel('cur'), { columns: ['amount', 'colour'] }, { engine: duck });
    const values = async (t: string, c: string) =>
      (await duck.query(`SELECT ${c} AS v FROM ${t}`)).rows.map((x) => x.v);
    const amount = compareColumn(
      (await values('ref', 'amount')) as number[],
      (await values('cur', 'amount')) as number[],
      { kind: 'numeric', column: 'amount' },
    );
    expect(r.columns[0].statistic).toBe(amount.statistic);
    expect(r.columns[0].all).toEqual(amount.all);
    const colour = compareColumn(
      (await values('ref', 'colour')) as string[],
      (await values('cur', 'colour')) as string[],
      { kind: 'categorical', column: 'colour' },
    );
    expect(r.columns[1].all).toEqual(colour.all);
  });

  it('finds no drift between identical data', async () => {
    const r = await compareSides(rel('ref'), rel('same'), {}, { engine: duck });
    expect(r.dataset_drift).toBe(false);
    expect(r.number_of_drifted_columns).toBe(0);
  });

  it('applies per-column tests and thresholds, overrides and a multiple-testing correction', async () => {
    const r = await compareSides(
      rel('ref'),
      rel('cur'),
      {
        columns: ['amount', 'score', 'i'],
        categorical: ['i'],
        tests: { amount: 'ks', score: 'psi' },
        thresholds: { score: 0.5 },
        correction: 'bonferroni',
        driftShare: 0.3,
      },
      { engine: duck },
    );
    const [i, amount, score] = r.columns; // reference column order
    expect(amount.test).toBe('ks');
    expect(amount.p_value_adjusted).toBeDefined();
    expect(score.test).toBe('psi');
    expect(score.threshold).toBe(0.5);
    expect(i.kind).toBe('categorical');
    expect(r.correction).toBe('bonferroni');
    expect(r.dataset_drift).toBe(true);
  });

  it('refuses sides without a shared column, naming both column lists', async () => {
    await duck.run('CREATE TABLE other AS SELECT 1 AS x, 2 AS y');
    const e = await codeOf(compareSides(rel('ref'), rel('other'), {}, { engine: duck }));
    expect(e.code).toBe('DRIFT_INPUT_INVALID');
    expect(e.message).toContain('i, amount, score, colour, flag');
    expect(e.message).toContain('x, y');
  });

  it('refuses an empty current side and an empty reference', async () => {
    await duck.run('CREATE TABLE empty AS SELECT * FROM cur WHERE false');
    expect((await codeOf(compareSides(rel('ref'), rel('empty'), {}, { engine: duck }))).code).toBe(
      'DRIFT_INPUT_INVALID',
    );
    const e = await codeOf(compareSides(rel('empty'), rel('cur'), {}, { engine: duck }));
    expect(e.message).toContain('reference');
  });

  it('handles constant columns: equal constants do not drift, a moved constant does', async () => {
    await duck.run('CREATE TABLE c1 AS SELECT 5.0 AS k, 1.0 AS m FROM range(2000)');
    await duck.run('CREATE TABLE c2 AS SELECT 5.0 AS k, 2.0 AS m FROM range(1500)');
    const r = await compareSides(rel('c1'), rel('c2'), {}, { engine: duck });
    const [k, m] = r.columns;
    expect(k.status).toBe('ok');
    expect(k.drifted).toBe(false);
    expect(k.statistic).toBe(0);
    expect(m.drifted).toBe(true);
    expect(Number.isFinite(m.statistic)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('gives all-null columns no verdict (never NaN) and leaves them out of the share', async () => {
    await duck.run('CREATE TABLE n1 AS SELECT CAST(NULL AS DOUBLE) AS v, i * 1.0 AS w FROM range(100) t(i)');
    await duck.run('CREATE TABLE n2 AS SELECT CAST(NULL AS DOUBLE) AS v, i * 1.0 AS w FROM range(100) t(i)');
    const r = await compareSides(rel('n1'), rel('n2'), {}, { engine: duck });
    const v = r.columns[0];
    expect(v.status).toBe('insufficient_data');
    expect(v.statistic).toBeNull();
    expect(v.drifted).toBe(false);
    expect(v.reference).toEqual({ total: 100, used: 0, nulls: 100, non_finite: 0 });
    expect(r.insufficient_columns).toEqual(['v']);
    expect(r.number_of_columns).toBe(1);
    expect(r.warnings.some((w) => w.includes('column v: no verdict'))).toBe(true);
    expect(JSON.stringify(r)).not.toContain('NaN');
  });

  it('drops NaN and Infinity, counting them apart from NULLs', async () => {
    await duck.run(`CREATE TABLE f1 AS SELECT CASE WHEN i = 0 THEN 'NaN'::DOUBLE WHEN i = 1 THEN 'inf'::DOUBLE
      WHEN i = 2 THEN NULL ELSE i * 1.0 END AS v FROM range(50) t(i)`);
    await duck.run(
      `CREATE TABLE f2 AS SELECT CASE WHEN i < 3 THEN '-inf'::DOUBLE ELSE i * 1.0 END AS v FROM range(40) t(i)`,
    );
    const r = await compareSides(rel('f1'), rel('f2'), {}, { engine: duck });
    const v = r.columns[0];
    expect(v.reference).toEqual({ total: 50, used: 47, nulls: 1, non_finite: 2 });
    expect(v.current).toEqual({ total: 40, used: 37, nulls: 0, non_finite: 3 });
    expect(v.test).toBe('ks');
    expect(Number.isFinite(v.statistic)).toBe(true);
    expect(r.warnings.some((w) => w.includes('NaN/Infinity'))).toBe(true);
  });

  it('reports categories the reference never saw; an infinite chi-squared statistic survives JSON as a string', async () => {
    await duck.run(
      `CREATE TABLE u1 AS SELECT CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END AS c FROM range(200) t(i)`,
    );
    await duck.run(
      `CREATE TABLE u2 AS SELECT CASE WHEN i % 3 = 0 THEN 'x' WHEN i % 3 = 1 THEN 'y' ELSE 'new' END AS c FROM range(150) t(i)`,
    );
    const r = await compareSides(rel('u1'), rel('u2'), {}, { engine: duck });
    const c = r.columns[0];
    expect(c.test).toBe('chisquare');
    expect(c.statistic).toBe(0);
    expect(c.drifted).toBe(true);
    expect(c.distinct?.unseen_in_reference_values).toBe(1);
    expect((c.all.chisquare as { statistic: unknown }).statistic).toBe('Infinity');
    expect(r.warnings.some((w) => w.includes('never occur in the reference (50 rows)'))).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('settles a column numeric on one side and text on the other', async () => {
    await duck.run(`CREATE TABLE t1 AS SELECT i * 1.0 AS v FROM range(30) t(i)`);
    await duck.run(`CREATE TABLE t2 AS SELECT CAST(i AS VARCHAR) || 'x' AS v FROM range(30) t(i)`);
    await duck.run(`CREATE TABLE t3 AS SELECT CAST(NULL AS VARCHAR) AS v FROM range(30) t(i)`);
    const e = await codeOf(compareSides(rel('t1'), rel('t2'), {}, { engine: duck }));
    expect(e.code).toBe('DRIFT_INPUT_INVALID');
    expect(e.message).toContain('--categorical v');
    const r = await compareSides(rel('t1'), rel('t3'), {}, { engine: duck });
    expect(r.columns[0].kind).toBe('numeric');
    expect(r.columns[0].status).toBe('insufficient_data');
    const forced = await compareSides(rel('t1'), rel('t2'), { categorical: ['v'] }, { engine: duck });
    expect(forced.columns[0].kind).toBe('categorical');
    await duck.run(`CREATE TABLE t4 AS SELECT CAST(i % 2 AS VARCHAR) AS v FROM range(30) t(i)`);
    await duck.run(`CREATE TABLE t5 AS SELECT CAST(i % 3 AS BIGINT) AS v FROM range(30) t(i)`);
    const textVsInt = await compareSides(rel('t4'), rel('t5'), {}, { engine: duck });
    expect(textVsInt.columns[0].kind).toBe('categorical');
    expect(textVsInt.columns[0].distinct?.unseen_in_reference_values).toBe(1);
    const cast = await codeOf(compareSides(rel('t1'), rel('t2'), { numeric: ['v'] }, { engine: duck }));
    expect(cast.code).toBe('CAST_FAILED');
  });

  it('refuses bad options before reading anything', async () => {
    const bad = async (options: Parameters<typeof compareSides>[2]) =>
      (await codeOf(compareSides(rel('ref'), rel('cur'), options, { engine: duck }))).code;
    expect(await bad({ driftShare: 0 })).toBe('DRIFT_INPUT_INVALID');
    expect(await bad({ correction: 'holm' as never })).toBe('DRIFT_INPUT_INVALID');
    expect(await bad({ mode: 'fast' as never })).toBe('DRIFT_INPUT_INVALID');
    expect(await bad({ tests: { colour: 'ks' } })).toBe('DRIFT_INPUT_INVALID');
    expect(await bad({ tests: { amount: 'nope' as never } })).toBe('DRIFT_INPUT_INVALID');
    expect(await bad({ thresholds: { amount: -1 } })).toBe('DRIFT_INPUT_INVALID');
    expect(await bad({ tests: { ghost: 'ks' } })).toBe('COLUMN_NOT_FOUND');
    expect(await bad({ columns: ['ghost'] })).toBe('COLUMN_NOT_FOUND');
  });

  it('sketch mode gives the same verdicts on a clear shift, with error bounds', async () => {
    const exact = await compareSides(rel('ref'), rel('cur'), {}, { engine: duck });
    const sketch = await compareSides(rel('ref'), rel('cur'), { mode: 'sketch' }, { engine: duck });
    expect(sketch.mode).toBe('sketch');
    sketch.columns.forEach((c, i) => {
      expect(c.mode).toBe('sketch');
      expect(c.error_bounds).toBeDefined();
      expect(c.reference).toEqual(exact.columns[i].reference);
    });
    const amountExact = exact.columns[1];
    const amountSketch = sketch.columns[1];
    expect(amountSketch.drifted).toBe(amountExact.drifted);
    expect(
      Math.abs((amountSketch.statistic as number) - (amountExact.statistic as number)),
    ).toBeLessThanOrEqual(amountSketch.error_bounds?.wasserstein_norm as number);
    // categorical sketches are exact below their cap
    expect(sketch.columns[3].all).toEqual(exact.columns[3].all);
    expect(JSON.parse(JSON.stringify(sketch))).toEqual(sketch);
  });

  it('reads CSV, Parquet, JSON and NDJSON files by extension', async () => {
    const csv = join(dir, 'ref.csv');
    const parquet = join(dir, 'cur.parquet');
    const json = join(dir, 'cur.json');
    const ndjson = join(dir, 'cur.ndjson');
    await duck.run(`COPY ref TO ${quoteLiteral(csv)} (HEADER)`);
    await duck.run(`COPY cur TO ${quoteLiteral(parquet)} (FORMAT parquet)`);
    await duck.run(`COPY (SELECT * FROM cur) TO ${quoteLiteral(json)} (FORMAT json, ARRAY true)`);
    await duck.run(`COPY (SELECT * FROM cur) TO ${quoteLiteral(ndjson)} (FORMAT json)`);
    const fromParquet = await compareSides(csv, parquet);
    expect(fromParquet.reference).toMatchObject({ type: 'file', format: 'csv', rows: 3000, path: csv });
    expect(fromParquet.current).toMatchObject({ type: 'file', format: 'parquet', rows: 2000 });
    const fromJson = await compareSides(csv, json);
    const fromNdjson = await compareSides(csv, ndjson);
    expect(fromJson.columns.map((c) => c.statistic)).toEqual(fromParquet.columns.map((c) => c.statistic));
    expect(fromNdjson.columns.map((c) => c.statistic)).toEqual(fromParquet.columns.map((c) => c.statistic));
  });

  it('refuses missing files, unreadable files, paths outside data.roots and datasets without a workspace', async () => {
    const csv = join(dir, 'ok.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    expect((await codeOf(compareSides(join(dir, 'nope.csv'), csv))).code).toBe('SOURCE_NOT_FOUND');
    const broken = join(dir, 'broken.parquet');
    writeFileSync(broken, 'not parquet');
    expect((await codeOf(compareSides(broken, csv))).code).toBe('SOURCE_UNREADABLE');
    const outside = await codeOf(compareSides(csv, csv, {}, { allowedRoots: [join(dir, 'inner')] }));
    expect(outside.code).toBe('PATH_NOT_ALLOWED');
    expect((await codeOf(compareSides('sales@1', csv))).code).toBe('DRIFT_INPUT_INVALID');
    expect((await codeOf(compareSides('some/file.txt', csv))).code).toBe('DRIFT_INPUT_INVALID');
  });
});
