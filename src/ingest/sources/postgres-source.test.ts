import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuckEngine, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { createPostgresDatabase, testPostgresUrl } from '../../store/test-support/test-databases.js';
import { parsePipelineSpec } from '../pipeline/spec.js';
import type { SourceSpec } from '../pipeline/spec-types.js';
import { loadSource } from './index.js';
import { redactPassword, redactUrl } from './pg-types.js';

let duck: DuckEngine;
beforeEach(async () => {
  duck = await DuckEngine.open(':memory:', { threads: 1 });
});
afterEach(() => duck.close());

function source(yaml: string): SourceSpec {
  return parsePipelineSpec(`name: t\nsources:\n  customers: ${yaml}\n`, 'pipelines/p.yaml').sources.customers;
}

async function tables(): Promise<string[]> {
  return (await duck.query('SELECT table_name FROM duckdb_tables()')).rows.map((r) => String(r.table_name));
}

describe('postgres source: failures that need no server', () => {
  it('an unreachable server is SOURCE_UNREACHABLE and the password is never shown', async () => {
    const spec = source('{type: postgres, url_env: DB_URL, table: customers}');
    const env = { DB_URL: 'postgres://kiln:pa55-w0rd@127.0.0.1:1/shop' };
    const err = await loadSource({ duck, baseDir: '/', env }, 'customers', spec).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREACHABLE');
    expect(err.message).toContain(
      'pipelines/p.yaml:3 sources.customers: cannot connect to PostgreSQL at postgres://kiln:***@127.0.0.1:1/shop',
    );
    expect(err.message).not.toContain('pa55-w0rd');
    expect(JSON.stringify(err.details)).not.toContain('pa55-w0rd');
    expect(await tables()).toEqual([]);
  });

  it('url_env naming an unset variable is SOURCE_UNREACHABLE saying so', async () => {
    const spec = source('{type: postgres, url_env: MISSING_URL, query: select 1}');
    await expect(loadSource({ duck, baseDir: '/', env: {} }, 'customers', spec)).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      message: expect.stringContaining('environment variable MISSING_URL is not set'),
    });
  });

  it('redacts raw and percent-encoded passwords', () => {
    expect(redactUrl('postgresql://u:p%40ss@h:5/d')).toBe('postgresql://u:***@h:5/d');
    expect(redactPassword('failed for p@ss and p%40ss', 'postgresql://u:p%40ss@h:5/d')).toBe(
      'failed for *** and ***',
    );
  });
});

const adminUrl = testPostgresUrl();
if (adminUrl) {
  describe('postgres source against a real server', () => {
    let db: { url: string; drop: () => Promise<void> };
    const ROWS = 25_321;

    beforeAll(async () => {
      db = await createPostgresDatabase(adminUrl);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query(`CREATE TABLE customers (
        id int8 PRIMARY KEY, small int2, medium int4, ratio float4, score float8, balance numeric(12,2),
        name text, code varchar(8), active bool, born date, seen timestamp, seen_tz timestamptz, attrs jsonb, uid uuid)`);
      await c.query(`INSERT INTO customers
        SELECT g, (g % 100)::int2, g * 3, g / 8.0, g / 3.0, (g * 1.25)::numeric(12,2),
               'name ' || g, 'c' || (g % 7), g % 2 = 0, DATE '2020-01-01' + (g % 365),
               TIMESTAMP '2024-03-01 12:00:00' + g * INTERVAL '1 second',
               TIMESTAMPTZ '2024-03-01 12:00:00+02' + g * INTERVAL '1 minute',
               jsonb_build_object('g', g), md5(g::text)::uuid
        FROM generate_series(1, ${ROWS}) g`);
      await c.query(`INSERT INTO customers (id) VALUES (${ROWS + 1})`); // a row of NULLs
      await c.end();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('reads more than 25,000 rows through the cursor in chunks, with types mapped', async () => {
      const spec = source('{type: postgres, url_env: DB_URL, table: public.customers, fetch_size: 10000}');
      const loaded = await loadSource({ duck, baseDir: '/', env: { DB_URL: db.url } }, 'customers', spec);
      expect(loaded).toMatchObject({
        name: 'customers',
        type: 'postgres',
        files: null,
        query: 'SELECT * FROM "public"."customers"',
        rowCount: ROWS + 1,
      });
      expect(await duck.describe('customers')).toEqual([
        { name: 'id', type: 'BIGINT' },
        { name: 'small', type: 'SMALLINT' },
        { name: 'medium', type: 'INTEGER' },
        { name: 'ratio', type: 'FLOAT' },
        { name: 'score', type: 'DOUBLE' },
        { name: 'balance', type: 'DOUBLE' },
        { name: 'name', type: 'VARCHAR' },
        { name: 'code', type: 'VARCHAR' },
        { name: 'active', type: 'BOOLEAN' },
        { name: 'born', type: 'DATE' },
        { name: 'seen', type: 'TIMESTAMP' },
        { name: 'seen_tz', type: 'TIMESTAMP WITH TIME ZONE' },
        { name: 'attrs', type: 'VARCHAR' },
        { name: 'uid', type: 'VARCHAR' },
      ]);
      const r = await duck.queryJson(`SELECT id, small, medium, ratio, score, balance, name, active,
          CAST(born AS VARCHAR) AS born, CAST(seen AS VARCHAR) AS seen, epoch(seen_tz) AS tz_epoch, attrs
        FROM customers WHERE id IN (12345, ${ROWS + 1}) ORDER BY id`);
      expect(r.rows[0]).toEqual({
        id: '12345', // queryJson keeps BIGINT as text
        small: 45,
        medium: 37035,
        ratio: 1543.125,
        score: 12345 / 3,
        balance: 15431.25,
        name: 'name 12345',
        active: false,
        born: '2020-10-27',
        seen: '2024-03-01 15:25:45',
        tz_epoch: Date.UTC(2024, 2, 1, 10, 0, 0) / 1000 + 12345 * 60,
        attrs: '{"g": 12345}',
      });
      expect(Object.values(r.rows[1]).filter((v) => v !== null)).toEqual([String(ROWS + 1)]);
      const sum = await duck.query('SELECT sum(id) AS s, count(DISTINCT id) AS n FROM customers');
      expect(toJsonValue(sum.rows[0].n)).toBe(ROWS + 1);
      expect(Number(sum.rows[0].s)).toBe(((ROWS + 1) * (ROWS + 2)) / 2);
      expect(await tables()).toEqual(['customers']); // the staging table is gone
    });

    it('runs a query source, read-only', async () => {
      const spec = source(
        '{type: postgres, url_env: DB_URL, query: "select id, code from customers where id <= 3 order by id;"}',
      );
      const loaded = await loadSource({ duck, baseDir: '/', env: { DB_URL: db.url } }, 'customers', spec);
      expect(loaded.rowCount).toBe(3);
      expect(loaded.query).toBe('select id, code from customers where id <= 3 order by id');
      const write = source('{type: postgres, url_env: DB_URL, query: "delete from customers returning id"}');
      const err = await loadSource(
        { duck: duck, baseDir: '/', env: { DB_URL: db.url } },
        'other',
        write,
      ).catch((e) => e);
      expect(err.code).toBe('SOURCE_UNREADABLE');
    });

    it("a failing query is SOURCE_UNREADABLE with PostgreSQL's message and no table left", async () => {
      const spec = source('{type: postgres, url_env: DB_URL, query: "select nope from customers"}');
      const err = await loadSource({ duck, baseDir: '/', env: { DB_URL: db.url } }, 'customers', spec).catch(
        (e) => e,
      );
      expect(err.code).toBe('SOURCE_UNREADABLE');
      expect(err.message).toContain('column "nope" does not exist');
      expect(await tables()).toEqual([]);
      const dup = source('{type: postgres, url_env: DB_URL, query: "select id, id from customers"}');
      await expect(
        loadSource({ duck, baseDir: '/', env: { DB_URL: db.url } }, 'customers', dup),
      ).rejects.toMatchObject({
        code: 'SOURCE_UNREADABLE',
        message: expect.stringContaining('returns the column "id" more than once'),
      });
      expect(await tables()).toEqual([]);
    });
  });
}
