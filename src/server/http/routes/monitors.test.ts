/** Monitor routes over HTTP: create, list, show, run (an empty window), runs, history, report, delete, roles. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Role, SYSTEM_ACTOR } from '../../../govern/auth/roles.js';
import { registerModelVersion } from '../../../registry/version-registration.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

const FRAUD_DIR = new URL('../../../../examples/fraud/', import.meta.url).pathname;
let t: TestKiln;

beforeAll(async () => {
  t = await createTestKiln();
  const run = await t.kiln.pipelines.run(SYSTEM_ACTOR, { specPath: join(FRAUD_DIR, 'pipeline.yaml') });
  await registerModelVersion(
    t.kiln.registry,
    SYSTEM_ACTOR,
    'fraud',
    join(FRAUD_DIR, 'model.onnx'),
    {
      features: JSON.parse(readFileSync(join(FRAUD_DIR, 'features.json'), 'utf8')),
      lineage: { datasets: [run.dataset!.ref] },
    },
    { maxModelBytes: 1 << 26, inspectTimeoutMs: 30_000 },
  );
  await t.kiln.deployments.create(SYSTEM_ACTOR, { name: 'fraud', model: 'fraud@1', logInputs: true });
});
afterAll(() => t.close());

function req(method: 'GET' | 'POST' | 'DELETE', url: string, role: Role, payload?: unknown) {
  return t.http.app.inject({ method, url, headers: t.auth(role), ...(payload ? { payload } : {}) });
}

describe('monitor routes', () => {
  it('creates, lists, runs and reports', async () => {
    const created = await req('POST', '/api/v1/monitors', 'engineer', {
      name: 'fraud-drift',
      deployment: 'fraud',
      window: '1h',
      schedule: '*/5 * * * *',
      alerts: ['drift_share>0.3'],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'fraud-drift', reference: null, schedule: '*/5 * * * *' });
    expect((await req('GET', '/api/v1/monitors', 'viewer')).json().monitors).toHaveLength(1);
    const run = await req('POST', '/api/v1/monitors/fraud-drift/run', 'engineer');
    expect(run.json()).toMatchObject({ status: 'EMPTY_WINDOW', rows: 0, dataset_drift: null });
    const show = (await req('GET', '/api/v1/monitors/fraud-drift', 'viewer')).json();
    expect(show.last_run.status).toBe('EMPTY_WINDOW');
    expect((await req('GET', '/api/v1/monitors/fraud-drift/runs', 'viewer')).json().runs).toHaveLength(1);
    expect(
      (await req('GET', '/api/v1/monitors/fraud-drift/history?metric=rows', 'viewer')).json().points,
    ).toEqual([expect.objectContaining({ entity: 'dataset', name: 'rows', value: 0 })]);
    const report = await req('GET', '/api/v1/monitors/fraud-drift/report?format=html', 'viewer');
    expect(report.statusCode).toBe(404);
    expect(report.json().message).toContain('no run with a report');
  });

  it('refuses bad input with the field named, and checks roles', async () => {
    const bad = await req('POST', '/api/v1/monitors', 'engineer', {
      name: 'x',
      deployment: 'fraud',
      window: 'often',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('window');
    const dup = await req('POST', '/api/v1/monitors', 'engineer', {
      name: 'fraud-drift',
      deployment: 'fraud',
    });
    expect(dup.json().code).toBe('MONITOR_EXISTS');
    expect(
      (await req('POST', '/api/v1/monitors', 'viewer', { name: 'y', deployment: 'fraud' })).statusCode,
    ).toBe(403);
    expect((await req('GET', '/api/v1/monitors/nope', 'viewer')).json().code).toBe('MONITOR_NOT_FOUND');
    expect((await req('DELETE', '/api/v1/monitors/fraud-drift', 'engineer')).statusCode).toBe(204);
  });
});
