/** Monitor routes over HTTP: create, list, show, run (an empty window), runs, history, report, delete, roles. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../govern/auth/roles.js';
import { deployFraudExample } from '../../../monitor/monitors/test-support/fraud-deployment.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

let t: TestKiln;

beforeAll(async () => {
  t = await createTestKiln();
  await deployFraudExample(t);
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
