/**
 * The inference log inside a real serving stack (in process): deployments configured through the
 * REST API, requests answered by ONNX Runtime, the log written by `createServing`'s default sink —
 * Parquet segments on SQLite, the `inference_log` table on PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModelVersion } from '../../registry/version-registration.js';
import { buildHttpApp, type BuiltHttpApp } from '../../server/http/http-app.js';
import { ALL_ROUTES } from '../../server/http/routes/index.js';
import { createServing, type Serving } from '../../server/serving.js';
import { createTestKiln, type TestKiln } from '../../server/test-support/test-kiln.js';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { testPostgresUrl } from '../../store/test-support/test-databases.js';
import { readInferenceLog } from './inference-log-reader.js';
import { piiHasher, SALT_FILE } from './pii-salt.js';
import { INFERENCE_LOG_RETENTION_JOB } from './retention.js';

const FIXTURES = new URL('../../../test/fixtures/models/', import.meta.url);
const FRAUD_DIR = new URL('../../../examples/fraud/', import.meta.url);
const alice = { name: 'alice', role: 'deployer' as const };
const limits = { maxModelBytes: 1 << 26, inspectTimeoutMs: 30_000 };

async function setUp(t: TestKiln): Promise<{ serving: Serving; http: BuiltHttpApp }> {
  const { registry } = t.kiln;
  await registerModelVersion(
    registry,
    alice,
    'echo',
    new URL('bytes_identity.onnx', FIXTURES).pathname,
    {},
    limits,
  );
  const features = JSON.parse(readFileSync(new URL('features.json', FRAUD_DIR), 'utf8'));
  await registerModelVersion(
    registry,
    alice,
    'fraud',
    new URL('model.onnx', FRAUD_DIR).pathname,
    { features },
    limits,
  );
  const serving = createServing(t.kiln, {
    pollMs: 20,
    defaultMetrics: false,
    inferenceLog: { flushIntervalMs: 50 },
  });
  await serving.start();
  const http = await buildHttpApp({
    services: t.kiln,
    routes: [...ALL_ROUTES, ...serving.routes],
    logger: false,
  });
  return { serving, http };
}

function api(t: TestKiln, http: BuiltHttpApp) {
  return {
    send: (method: 'POST' | 'PATCH', url: string, body: unknown) =>
      http.app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json', ...t.auth('deployer') },
        payload: JSON.stringify(body),
      }),
    infer: (name: string, body: unknown) =>
      http.app.inject({
        method: 'POST',
        url: `/v2/models/${name}/infer`,
        headers: { 'content-type': 'application/json', ...t.auth('predictor') },
        payload: JSON.stringify(body),
      }),
  };
}

async function waitFor(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const FRAUD_ROW = [120, 23, 0.9, 800, 3, 9, 6.5, 0, 1, 12, 2];

describe('inference log in serving (SQLite: Parquet segments)', () => {
  let t: TestKiln;
  let serving: Serving;
  let http: BuiltHttpApp;

  beforeAll(async () => {
    t = await createTestKiln();
    ({ serving, http } = await setUp(t));
  }, 60_000);
  afterAll(async () => {
    await http?.app.close();
    await serving?.close();
    await t?.close();
  });

  it('takes the settings over REST (snake_case), shows them, and refuses bad ones naming the field', async () => {
    const { send } = api(t, http);
    const created = await send('POST', '/api/v1/deployments', {
      name: 'fraud',
      model: 'fraud@1',
      log_inputs: true,
      pii: ['amount'],
      pii_mode: 'drop',
      subject_key: 'account_age_days',
      retention: '12h',
      score_output: 'probability',
      threshold: 0.5,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().settings).toMatchObject({
      log_inputs: true,
      pii: ['amount'],
      pii_mode: 'drop',
      subject_key: 'account_age_days',
      retention: '12h',
      score_output: 'probability',
      threshold: 0.5,
    });
    const cases: [unknown, string][] = [
      [{ retention: '30 days' }, 'retention'],
      [{ pii: ['email'] }, 'pii[0]'],
      [{ subject_key: 'customer_id' }, 'subject_key'],
      [{ score_output: 'amount' }, 'score_output'],
      [{ score_output: null }, 'threshold'],
    ];
    for (const [body, field] of cases) {
      const r = await send('PATCH', '/api/v1/deployments/fraud', body);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(r.json().message.startsWith(`${field}:`), r.json().message).toBe(true);
    }
    const bad = await send('PATCH', '/api/v1/deployments/fraud', { pii_mode: 'salt' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('pii_mode');
  });

  it('logs answered requests with feature-named columns, PII dropped, subject hashed, and counts written rows', async () => {
    const { infer, send } = api(t, http);
    await send('POST', '/api/v1/deployments', { name: 'quiet', model: 'fraud@1' });
    const body = (id: string) => ({
      id,
      inputs: [
        {
          name: 'features',
          shape: [2, 11],
          datatype: 'FP32',
          data: [...FRAUD_ROW, ...FRAUD_ROW.map((v) => v + 1)],
        },
      ],
    });
    await waitFor('fraud ready', async () => (await infer('fraud', body('warm'))).statusCode === 200);
    await waitFor('quiet ready', async () => (await infer('quiet', body('warm'))).statusCode === 200);
    const r = await infer('fraud', body('req-a'));
    expect(r.statusCode, r.body).toBe(200);
    expect((await infer('quiet', body('req-quiet'))).statusCode).toBe(200);
    const duck = await DuckEngine.open();
    const logged = async (id: string) => {
      const now = await readInferenceLog(t.dir, { deployment: 'fraud' });
      if (!now.relation) return [];
      return (await duck.queryJson(`SELECT * FROM ${now.relation} WHERE request_id = '${id}' ORDER BY "row"`))
        .rows;
    };
    try {
      await waitFor('req-a in the log', async () => (await logged('req-a')).length > 0);
      const { relation } = await readInferenceLog(t.dir, { deployment: 'fraud' });
      const cols = (await duck.query(`DESCRIBE SELECT * FROM ${relation}`)).rows.map((x) =>
        String(x.column_name),
      );
      expect(cols).toContain('hour');
      expect(cols).toContain('probability');
      expect(cols).not.toContain('amount');
      expect(cols).not.toContain('features_0');
      const rows = await duck.queryJson(
        `SELECT request_id, "row", hour, subject_id, probability FROM ${relation} WHERE request_id = 'req-a' ORDER BY "row"`,
      );
      expect(rows.rows.map((x) => [x.request_id, x.row, x.hour, x.subject_id])).toEqual([
        ['req-a', 0, 23, String(12)],
        ['req-a', 1, 24, String(13)],
      ]);
      // The subject key is not PII here: logged as its text. Now make it PII: hashed even in drop mode.
      await send('PATCH', '/api/v1/deployments/fraud', { pii: ['amount', 'account_age_days'] });
      const hash = (v: string) =>
        piiHasher(Buffer.from(readFileSync(join(t.dir, '.kiln', 'keys', SALT_FILE), 'utf8').trim(), 'hex'))(
          v,
        );
      let n = 0;
      await waitFor('the new settings', async () => {
        const id = `req-b${n++}`;
        await infer('fraud', body(id));
        await new Promise((r) => setTimeout(r, 100));
        const got = await logged(id);
        // Logged before the switch: the subject id in clear (and the salt may not exist yet).
        if (got.length === 0 || got[0]?.subject_id === '12') return false;
        expect(got[0]?.subject_id).toBe(hash('12'));
        return true;
      });
      expect(typeof rows.rows[0]?.probability).toBe('number');
    } finally {
      duck.close();
    }
    expect((await readInferenceLog(t.dir, { deployment: 'quiet' })).files).toEqual([]);
    const metrics = await serving.metrics.registry.getSingleMetric('kiln_inference_log_rows_total')?.get();
    expect(metrics?.values.find((v) => v.labels.deployment === 'fraud')?.value).toBeGreaterThanOrEqual(4);
  });

  it('registers the retention job and schedules it hourly', async () => {
    const schedules = await t.kiln.jobs.listSchedules();
    expect(schedules).toContainEqual(
      expect.objectContaining({
        name: INFERENCE_LOG_RETENTION_JOB,
        type: INFERENCE_LOG_RETENTION_JOB,
        cron: '17 * * * *',
      }),
    );
  });
});

const pgUrl = testPostgresUrl();

describe.runIf(pgUrl)('inference log in serving (PostgreSQL: the inference_log table)', () => {
  let t: TestKiln;
  let serving: Serving;
  let http: BuiltHttpApp;

  beforeAll(async () => {
    t = await createTestKiln({ postgresAdminUrl: pgUrl });
    ({ serving, http } = await setUp(t));
  }, 60_000);
  afterAll(async () => {
    await http?.app.close();
    await serving?.close();
    await t?.close();
  });

  it('writes hashed PII rows to inference_log and flushes on close', async () => {
    const { infer, send } = api(t, http);
    const created = await send('POST', '/api/v1/deployments', {
      name: 'echo',
      model: 'echo@1',
      log_inputs: true,
      pii: ['TEXT', 'TEXT_OUT'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = {
      id: 'pg-1',
      inputs: [{ name: 'TEXT', shape: [1], datatype: 'BYTES', data: ['carol@example.com'] }],
    };
    await waitFor('echo ready', async () => (await infer('echo', body)).statusCode === 200);
    await serving.close();
    const rows = await sql<{ request_id: string; inputs: { TEXT: string }; outputs: { TEXT_OUT: string } }>`
      select request_id, inputs, outputs from inference_log where deployment = 'echo'`.execute(
      t.kiln.store.db,
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    const salt = Buffer.from(readFileSync(join(t.dir, '.kiln', 'keys', SALT_FILE), 'utf8').trim(), 'hex');
    for (const row of rows.rows) {
      expect(row.inputs.TEXT).toBe(piiHasher(salt)('carol@example.com'));
      expect(row.outputs.TEXT_OUT).toBe(piiHasher(salt)('carol@example.com'));
    }
    expect(JSON.stringify(rows.rows)).not.toContain('carol@example.com');
  });
});
