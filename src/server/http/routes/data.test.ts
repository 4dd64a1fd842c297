/**
 * Data routes over HTTP: a pipeline run through the API (paths confined to data.roots), runs,
 * datasets, head, diff, profile (JSON and HTML), suggestion, validation, and access by role.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

let t: TestKiln;
let root: string;
let outside: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kiln-root-'));
  outside = mkdtempSync(join(tmpdir(), 'kiln-outside-'));
  t = await createTestKiln({ env: { KILN_DATA_ROOTS: root } });
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'tx.csv'), 'id,amount,segment\n1,10,retail\n2,20,business\n3,30,retail\n');
  writeFileSync(
    join(root, 'p.yaml'),
    'name: tx\nsources:\n  raw: {type: csv, path: "data/tx*.csv"}\nsteps:\n  - filter: amount > 0\n',
  );
  writeFileSync(join(outside, 'secret.csv'), 'id\n1\n');
  writeFileSync(
    join(root, 'escape.yaml'),
    `name: esc\nsources:\n  raw: {type: csv, path: "${join(outside, 'secret.csv')}"}\n`,
  );
  symlinkSync(join(outside, 'secret.csv'), join(root, 'data', 'link.csv'));
});
afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function req(method: 'GET' | 'POST', url: string, role: Role, payload?: unknown) {
  return t.http.app.inject({ method, url, headers: t.auth(role), ...(payload ? { payload } : {}) });
}

describe('data routes', () => {
  it('runs a pipeline through the API and lists the run and the dataset', async () => {
    const res = await req('POST', '/api/v1/pipelines/runs', 'engineer', { spec: join(root, 'p.yaml') });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.dataset.ref).toBe('tx@1');
    expect(body.run.status).toBe('COMPLETED');
    const runs = (await req('GET', '/api/v1/pipelines/runs', 'viewer')).json().runs;
    expect(runs[0].id).toBe(body.run.id);
    expect((await req('GET', `/api/v1/pipelines/runs/${body.run.id}`, 'viewer')).json().dataset).toBe('tx@1');
    expect((await req('GET', '/api/v1/datasets', 'viewer')).json().datasets[0]).toMatchObject({
      name: 'tx',
      latestVersion: 1,
    });
    const head = (await req('GET', '/api/v1/datasets/tx@1/head?limit=2', 'viewer')).json();
    expect(head.rows).toEqual([
      { id: 1, amount: 10, segment: 'retail' },
      { id: 2, amount: 20, segment: 'business' },
    ]);
    const forced = await req('POST', '/api/v1/pipelines/runs', 'engineer', {
      spec: join(root, 'p.yaml'),
      force: true,
    });
    expect(forced.json().dataset.ref).toBe('tx@2');
    const diff = (await req('GET', '/api/v1/datasets/tx@1/diff?to=tx@2', 'viewer')).json();
    expect(diff).toMatchObject({ from: 'tx@1', to: 'tx@2', added: [], removed: [], columns: [] });
  });

  it('confines API paths to data.roots: outside, through a symlink, and the spec itself', async () => {
    const esc = await req('POST', '/api/v1/pipelines/runs', 'engineer', { spec: join(root, 'escape.yaml') });
    expect(esc.statusCode).toBe(403);
    expect(esc.json().code).toBe('PATH_NOT_ALLOWED');
    const link = await req('POST', '/api/v1/data/profile', 'engineer', {
      target: join(root, 'data', 'link.csv'),
    });
    expect(link.json().code).toBe('PATH_NOT_ALLOWED');
    const dotdot = await req('POST', '/api/v1/data/profile', 'engineer', {
      target: join(root, '..', outside.split('/').at(-1)!, 'secret.csv'),
    });
    expect(dotdot.json().code).toBe('PATH_NOT_ALLOWED');
  });

  it('profiles, suggests and validates files and dataset versions', async () => {
    const profile = await req('POST', '/api/v1/data/profile', 'engineer', { target: 'tx@1' });
    expect(profile.json().profile.row_count).toBe(3);
    const html = await req('POST', '/api/v1/data/profile', 'engineer', {
      target: join(root, 'data', 'tx.csv'),
      format: 'html',
    });
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toContain('amount');
    const suggested = (await req('POST', '/api/v1/data/suggest', 'engineer', { target: 'tx@1' })).json();
    expect(suggested.suite.name).toBe('tx');
    expect(suggested.yaml).toContain('expect_column_values_to_not_be_null');
    const ok = await req('POST', '/api/v1/data/validate', 'engineer', {
      target: 'tx@1',
      suite: suggested.suite,
    });
    expect(ok.json().success).toBe(true);
    const bad = await req('POST', '/api/v1/data/validate', 'engineer', {
      target: join(root, 'data', 'tx.csv'),
      suite_text:
        'name: s\nexpectations:\n  - type: expect_column_values_to_be_in_set\n    kwargs: {column: segment, value_set: [retail]}\n',
      key_columns: ['id'],
    });
    expect(bad.statusCode).toBe(200);
    expect(bad.json().success).toBe(false);
    expect(bad.json().results[0].result.partial_unexpected_index_list).toEqual([
      { id: 2, segment: 'business' },
    ]);
    const invalid = await req('POST', '/api/v1/data/validate', 'engineer', {
      target: 'tx@1',
      suite_text: 'name: s\nexpectations:\n  - type: expect_nothing\n    kwargs: {}\n',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().code).toBe('SUITE_INVALID');
  });

  it('needs engineer to run and viewer to read, and names missing datasets', async () => {
    expect(
      (await req('POST', '/api/v1/pipelines/runs', 'viewer', { spec: join(root, 'p.yaml') })).statusCode,
    ).toBe(403);
    expect(
      (await req('POST', '/api/v1/data/validate', 'viewer', { target: 'tx', suite_text: '' })).statusCode,
    ).toBe(403);
    const missing = await req('GET', '/api/v1/datasets/nope@1', 'viewer');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('DATASET_NOT_FOUND');
  });
});
