/**
 * The feedback and performance routes in-process: bodies in every format, `?key=`, roles, the
 * audit event, and the stable error codes for bad bodies, unknown deployments and bad queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLog } from '../../../monitor/feedback/test-support/feedback-fixtures.js';
import { makeRecord, textTensor } from '../../../monitor/inference-log/test-support/test-records.js';
import { DuckEngine, quoteLiteral } from '../../../store/duckdb/duck-engine.js';
import { registerModelVersion } from '../../../registry/version-registration.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const MLP = new URL('../../../../test/fixtures/models/mlp_small.onnx', import.meta.url).pathname;
const deployer = { name: 'dana', role: 'deployer' as const };
let t: TestKiln;

beforeAll(async () => {
  t = await createTestKiln();
  await registerModelVersion(
    t.kiln.registry,
    deployer,
    'fraud',
    MLP,
    {},
    {
      maxModelBytes: 1 << 26,
      inspectTimeoutMs: 30_000,
    },
  );
  await t.kiln.deployments.create(deployer, {
    name: 'fraud',
    model: 'fraud@1',
    workers: 0,
    scoreOutput: 'y',
    threshold: 0.5,
  });
  // Four requests, one per 30 minutes: scores 0.9, 0.2, 0.7, 0.4.
  await writeLog(
    t.dir,
    [0.9, 0.2, 0.7, 0.4].map((score, i) =>
      makeRecord({
        requestId: `r-${i}`,
        deployment: 'fraud',
        model: 'fraud',
        version: 1,
        receivedAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 1_800_000),
        inputs: [textTensor('order_id', [`o-${i}`])],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 1], data: new Float32Array([score]) }],
      }),
    ),
    '2026-03-01T03:00:00.000Z',
  );
}, 60_000);

afterAll(() => t?.close());

function post(
  body: Buffer | string,
  contentType: string,
  query = '',
  role: 'engineer' | 'viewer' = 'engineer',
) {
  return t.http.app.inject({
    method: 'POST',
    url: `/api/v1/deployments/fraud/feedback${query}`,
    headers: { ...t.auth(role), 'content-type': contentType },
    payload: body,
  });
}

function performance(query = '', role: 'viewer' | null = 'viewer') {
  return t.http.app.inject({
    method: 'GET',
    url: `/api/v1/deployments/fraud/performance${query}`,
    headers: role ? t.auth(role) : {},
  });
}

describe('POST /api/v1/deployments/:name/feedback', () => {
  it('takes a CSV body, reports matched and unknown ids, and audits the ingest', async () => {
    const res = await post('request_id,label\nr-0,1\nr-1,0\nnope,1\n', 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      deployment: 'fraud',
      key: 'request_id',
      rows: 3,
      matched: 2,
      unknown: 1,
      unknown_sample: ['nope'],
    });
    const events = await t.kiln.audit.list({ action: 'feedback.ingest' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'engineer', resource: 'deployment/fraud' });
  });

  it('takes JSON keyed by a logged column (?key=) and octet-stream Parquet with ?format=', async () => {
    const json = await post(
      JSON.stringify([{ order_id: 'o-2', label: 1 }]),
      'application/json',
      '?key=order_id',
    );
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ key: 'order_id', rows: 1, matched: 1 });
    const duck = await DuckEngine.open();
    const file = join(t.dir, 'labels.parquet');
    await duck.run(`COPY (SELECT 'r-3' AS request_id, 0 AS label) TO ${quoteLiteral(file)} (FORMAT parquet)`);
    duck.close();
    const bytes = readFileSync(file);
    rmSync(file);
    const parquet = await post(bytes, 'application/octet-stream', '?format=parquet');
    expect(parquet.statusCode).toBe(200);
    expect(parquet.json()).toMatchObject({ rows: 1, matched: 1 });
  });

  it('refuses a body without a label column (400) and an unknown type without ?format=', async () => {
    const res = await post('request_id,outcome\nr-0,1\n', 'text/csv');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(res.json().message).toContain('missing column "label"');
    const plain = await post('request_id,label\n', 'text/plain');
    expect(plain.statusCode).toBe(400);
    expect(plain.json().message).toMatch(/^content-type: expected text\/csv, .*got text\/plain$/);
    const empty = await post('', 'text/csv');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      code: 'SOURCE_UNREADABLE',
      message: 'feedback: the request body: file is empty',
    });
    expect(JSON.stringify(empty.json())).not.toContain('.incoming');
  });

  it('needs the engineer role, and a deployment that exists', async () => {
    expect((await post('request_id,label\nr-0,1\n', 'text/csv', '', 'viewer')).statusCode).toBe(403);
    const res = await t.http.app.inject({
      method: 'POST',
      url: '/api/v1/deployments/ghost/feedback',
      headers: { ...t.auth('engineer'), 'content-type': 'text/csv' },
      payload: 'request_id,label\nr-0,1\n',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('DEPLOYMENT_NOT_FOUND');
  });
});

describe('GET /api/v1/deployments/:name/performance', () => {
  it('answers the metrics per window to a viewer', async () => {
    const res = await performance('?window=1h&from=2026-03-01T00:00:00Z');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      deployment: 'fraud',
      task: 'classification',
      score_output: 'y',
      window_ms: 3_600_000,
    });
    // labels: r-0 → 1 (0.9), r-1 → 0 (0.2), r-2 → 1 (0.7, by order_id), r-3 → 0 (0.4)
    expect(body.overall).toMatchObject({
      rows: 4,
      labelled: 4,
      count: 4,
      confusion: { tp: 2, fp: 0, tn: 2, fn: 0 },
    });
    expect(body.overall.metrics).toMatchObject({ accuracy: 1, roc_auc: 1, precision: 1, recall: 1 });
    expect(body.windows.map((w: { start: string; rows: number }) => [w.start, w.rows])).toEqual([
      ['2026-03-01T00:00:00.000Z', 2],
      ['2026-03-01T01:00:00.000Z', 2],
    ]);
  });

  it('refuses bad query values with INVALID_ARGUMENT, and answers 401 without a token', async () => {
    for (const [q, message] of [
      ['?window=hourly', 'window: expected a duration like 15m, 1h, 1d or 1w, got "hourly"'],
      ['?from=yesterday', 'from: expected an ISO time like 2026-03-01T00:00:00Z, got "yesterday"'],
      ['?task=ranking', 'querystring.task'],
      ['?score_output=nope', 'score_output: column "nope" is not in the inference log of "fraud"'],
    ] as const) {
      const res = await performance(q);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('INVALID_ARGUMENT');
      expect(res.json().message).toContain(message);
    }
    expect((await performance('', null)).statusCode).toBe(401);
  });
});
