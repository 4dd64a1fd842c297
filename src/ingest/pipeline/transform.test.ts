import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuckEngine, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { createPostgresDatabase, testPostgresUrl } from '../../store/test-support/test-databases.js';
import { parsePipelineSpec } from './spec.js';
import { runPipelineTransform } from './transform.js';

let dir: string;
let duck: DuckEngine;

const TRANSACTIONS = [
  'transaction_id,customer_id,amount,ts,chargeback',
  '1,10,12.5,2024-01-01 10:00:00,0',
  '2,11,-3,2024-01-01 11:00:00,0',
  '3,12,,2024-01-02 09:30:00,1',
  '4,10,40,2024-01-02 12:00:00,0',
  '4,10,40,2024-01-02 12:00:00,0',
  '5,13,7.25,2024-01-03 08:00:00,1',
  '6,99,100,2024-01-03 18:00:00,0',
].join('\n');
const CUSTOMERS = [
  { customer_id: 10, segment: 'retail' },
  { customer_id: 11, segment: 'smb' },
  { customer_id: 12, segment: 'retail' },
  { customer_id: 13, segment: 'enterprise' },
];

function spec(text: string) {
  return parsePipelineSpec(text, join(dir, 'pipelines', 'transactions.yaml'));
}

const STEPS = `steps:
  - sql: select t.*, c.segment from raw t left join customers c using (customer_id)
  - cast: {amount: DOUBLE, ts: TIMESTAMP}
  - filter: amount > 0 or amount is null
  - dedupe: {key: [transaction_id]}
  - impute: {amount: median, segment: {constant: unknown}}
  - scale: {amount: standard}
  - encode: {segment: onehot}
  - label: {name: is_fraud, expr: "chargeback = 1"}
  - split: {key: transaction_id, test_fraction: 0.2, seed: 7}
expectations: ../suites/transactions.yaml
on_fail: quarantine
`;

async function tables(): Promise<string[]> {
  const r = await duck.query('SELECT database_name, table_name FROM duckdb_tables() ORDER BY 1, 2');
  const v = await duck.query('SELECT view_name FROM duckdb_views() WHERE NOT internal');
  return [
    ...r.rows.map((x) => `${x.database_name}.${x.table_name}`),
    ...v.rows.map((x) => `view ${x.view_name}`),
  ];
}

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kiln-transform-')));
  mkdirSync(join(dir, 'pipelines'));
  mkdirSync(join(dir, 'data', 'transactions'), { recursive: true });
  writeFileSync(join(dir, 'data', 'transactions', 'day-1.csv'), `${TRANSACTIONS}\n`);
  writeFileSync(join(dir, 'data', 'customers.json'), JSON.stringify(CUSTOMERS));
  writeFileSync(join(dir, 'outside.csv'), 'a\n1\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  duck = await DuckEngine.open(':memory:', { threads: 1 });
});
afterEach(() => duck.close());

describe('runPipelineTransform', () => {
  it('runs the reference pipeline: sources, every step, fitted parameters, one output table', async () => {
    const s = spec(`name: transactions
sources:
  raw: {type: csv, path: "../data/transactions/*.csv", options: {delimiter: ",", header: true}}
  customers: {type: json, path: ../data/customers.json, format: array}
${STEPS}`);
    const progress: string[] = [];
    const out = await runPipelineTransform(duck, s, {
      baseDir: join(dir, 'pipelines'),
      allowedRoots: [join(dir, 'data')],
      onProgress: (p) => progress.push(`${p.stage}:${p.index}/${p.total}`),
    });
    expect(progress).toEqual([
      'source:0/2',
      'source:1/2',
      ...Array.from({ length: 9 }, (_, i) => `step:${i}/9`),
      'output:0/1',
    ]);
    expect(out.table).toBe('transactions');
    expect(out.rowCount).toBe(5); // 7 rows, minus the negative amount, minus one duplicate
    expect(out.sources.map((x) => [x.name, x.type, x.rowCount, x.files?.length])).toEqual([
      ['raw', 'csv', 7, 1],
      ['customers', 'json', 4, 1],
    ]);
    expect(out.sources[0].files?.[0].path).toBe(join(dir, 'data', 'transactions', 'day-1.csv'));
    expect(out.sources[0].files?.[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.steps.map((x) => [x.kind, x.rowCount])).toEqual([
      ['sql', 7],
      ['cast', 7],
      ['filter', 6],
      ['dedupe', 5],
      ['impute', 5],
      ['scale', 5],
      ['encode', 5],
      ['label', 5],
      ['split', 5],
    ]);
    // median of 12.5, 40, 7.25, 100 (NULL and the filtered -3 excluded)
    expect(out.steps[4].params).toEqual({
      amount: { strategy: 'median', value: 26.25 },
      segment: { strategy: 'constant', value: 'unknown' },
    });
    expect(out.steps[5].params).toMatchObject({
      amount: { method: 'standard', mean: (12.5 + 40 + 26.25 + 7.25 + 100) / 5 },
    });
    expect(out.steps[6].params).toEqual({
      segment: {
        method: 'onehot',
        vocabulary: ['enterprise', 'retail', 'unknown'],
        other: false,
        columns: ['segment__enterprise', 'segment__retail', 'segment__unknown'],
      },
    });
    expect(out.steps[8].params).toEqual({
      key: 'transaction_id',
      seed: 7,
      test_fraction: 0.2,
      hash: 'kiln-md5-v1',
    });
    expect(out.columns.map((c) => c.name)).toEqual([
      'transaction_id',
      'customer_id',
      'amount',
      'ts',
      'chargeback',
      'segment__enterprise',
      'segment__retail',
      'segment__unknown',
      'is_fraud',
      'split',
    ]);
    expect(out.columns.find((c) => c.name === 'ts')?.type).toBe('TIMESTAMP');
    const rows = (
      await duck.query('SELECT transaction_id, is_fraud, segment__unknown FROM main.transactions ORDER BY 1')
    ).rows;
    expect(rows.map((r) => [toJsonValue(r.transaction_id), r.is_fraud, r.segment__unknown])).toEqual([
      [1, false, 0],
      [3, true, 0],
      [4, false, 0],
      [5, true, 0],
      [6, false, 1],
    ]);
    // only the output is left
    expect(await tables()).toEqual(['memory.transactions']);
  });

  it('a single source with no steps is copied as is, into outputTable', async () => {
    const s = spec('name: t\nsources:\n  raw: {type: csv, path: ../data/transactions/day-1.csv}\n');
    const out = await runPipelineTransform(duck, s, {
      baseDir: join(dir, 'pipelines'),
      outputTable: 'staged',
    });
    expect(out).toMatchObject({ table: 'staged', rowCount: 7, steps: [] });
    expect(await tables()).toEqual(['memory.staged']);
  });

  const failures: [string, string, string, RegExp][] = [
    [
      'missing file',
      'raw: {type: csv, path: ../data/nope/*.csv}',
      'steps:\n  - filter: amount > 0',
      /SOURCE_NOT_FOUND: .*matched no files/,
    ],
    [
      'a value that fails to cast, in a later step',
      'raw: {type: csv, path: ../data/transactions/day-1.csv}',
      'steps:\n  - label: {name: ts, expr: "CASE WHEN transaction_id = 5 THEN \'yesterday\' ELSE CAST(ts AS VARCHAR) END"}\n  - cast: {ts: TIMESTAMP}',
      /CAST_FAILED: .*transactions\.yaml:6 steps\[1\]\.cast: column "ts" row 6: value "yesterday" cannot be cast to TIMESTAMP/,
    ],
    [
      'a step naming a missing column',
      'raw: {type: csv, path: ../data/transactions/day-1.csv}',
      'steps:\n  - cast: {amount: DOUBLE}\n  - scale: {amonut: standard}',
      /COLUMN_NOT_FOUND: .*steps\[1\]\.scale: column "amonut" not found \(did you mean "amount"\?\); available columns: transaction_id, customer_id, amount, ts, chargeback/,
    ],
    [
      'a source outside data.roots',
      'raw: {type: csv, path: ../pipelines/../outside.csv}',
      '',
      /PATH_NOT_ALLOWED/,
    ],
  ];
  for (const [what, sourceYaml, stepsYaml, expected] of failures) {
    it(`fails clearly and leaves nothing behind: ${what}`, async () => {
      const s = spec(`name: t\nsources:\n  ${sourceYaml}\n${stepsYaml}\n`);
      const err = await runPipelineTransform(duck, s, {
        baseDir: join(dir, 'pipelines'),
        allowedRoots: [join(dir, 'data')],
      }).catch((e) => e);
      expect(`${err.code}: ${err.message}`).toMatch(expected);
      expect(await tables()).toEqual([]);
    });
  }

  it('an unreachable PostgreSQL source fails after a file source loaded, leaving nothing', async () => {
    const s = spec(`name: t
sources:
  raw: {type: csv, path: ../data/transactions/day-1.csv}
  customers: {type: postgres, url_env: CUSTOMERS_DB_URL, query: "select customer_id, segment from customers"}
steps:
  - sql: select * from raw join customers using (customer_id)
`);
    const err = await runPipelineTransform(duck, s, {
      baseDir: join(dir, 'pipelines'),
      env: { CUSTOMERS_DB_URL: 'postgres://kiln:t0p-secret@127.0.0.1:1/crm' },
    }).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREACHABLE');
    expect(err.message).not.toContain('t0p-secret');
    expect(await tables()).toEqual([]);
  });
});

const adminUrl = testPostgresUrl();
if (adminUrl) {
  describe('runPipelineTransform with a PostgreSQL source', () => {
    let db: { url: string; drop: () => Promise<void> };
    beforeAll(async () => {
      db = await createPostgresDatabase(adminUrl);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('CREATE TABLE customers (customer_id int4 PRIMARY KEY, segment text)');
      for (const x of CUSTOMERS)
        await c.query('INSERT INTO customers VALUES ($1, $2)', [x.customer_id, x.segment]);
      await c.end();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('runs the reference spec as written (csv + postgres via url_env)', async () => {
      const s = spec(`name: transactions
sources:
  raw: {type: csv, path: "../data/transactions/*.csv", options: {delimiter: ",", header: true}}
  customers: {type: postgres, url_env: CUSTOMERS_DB_URL, query: "select customer_id, segment from customers"}
${STEPS}`);
      const out = await runPipelineTransform(duck, s, {
        baseDir: join(dir, 'pipelines'),
        env: { CUSTOMERS_DB_URL: db.url },
      });
      expect(out.rowCount).toBe(5);
      expect(out.sources[1]).toMatchObject({
        type: 'postgres',
        files: null,
        rowCount: 4,
        query: 'select customer_id, segment from customers',
      });
      expect(out.steps[6].params).toMatchObject({
        segment: { vocabulary: ['enterprise', 'retail', 'unknown'] },
      });
      expect(await tables()).toEqual(['memory.transactions']);
    });
  });
}
