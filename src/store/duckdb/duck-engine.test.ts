import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine, quoteIdent, quoteLiteral, toJsonValue } from './duck-engine.js';

describe('DuckEngine', () => {
  let duck: DuckEngine;
  beforeAll(async () => {
    duck = await DuckEngine.open();
  });
  afterAll(() => duck.close());

  it('runs queries with bound parameters and reports column types', async () => {
    await duck.run('CREATE TABLE t AS SELECT range AS i, range * 0.5 AS d FROM range(4)');
    const r = await duck.query('SELECT i, d FROM t WHERE i >= $1 ORDER BY i', [2]);
    expect(r.columns).toEqual(['i', 'd']);
    expect(r.types[0]).toBe('BIGINT');
    expect(r.rows.map((row) => toJsonValue(row.i))).toEqual([2, 3]);
  });

  it('refuses to download extensions instead of hanging on the network', async () => {
    await expect(duck.run('INSTALL excel')).rejects.toThrow();
    await expect(duck.run("SELECT * FROM read_xlsx('x.xlsx')")).rejects.toThrow();
  });

  it('describes a relation', async () => {
    expect(await duck.describe('t')).toEqual([
      { name: 'i', type: 'BIGINT' },
      { name: 'd', type: 'DECIMAL(21,1)' },
    ]);
  });

  it('quotes identifiers and literals so that user names cannot inject SQL', async () => {
    const odd = 'a"; DROP TABLE t; --';
    await duck.run(`CREATE TABLE ${quoteIdent(odd)} AS SELECT ${quoteLiteral("it's")} AS v`);
    const r = await duck.query(`SELECT v FROM ${quoteIdent(odd)}`);
    expect(r.rows[0]?.v).toBe("it's");
    expect((await duck.query('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(4n);
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
  });
});
