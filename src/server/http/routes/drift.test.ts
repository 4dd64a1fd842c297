/**
 * POST /api/v1/drift/compare in-process: dataset versions and files inside data.roots, the viewer
 * role, and the stable error codes for paths outside the roots, unknown datasets and bad options.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../govern/auth/roles.js';
import type { DriftReport } from '../../../monitor/drift-compare.js';
import { DuckEngine, quoteLiteral } from '../../../store/duckdb/duck-engine.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

let t: TestKiln;
let root: string;
let outside: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kiln-drift-roots-'));
  outside = join(root, '..', `${root.split('/').pop()}-outside`);
  mkdirSync(join(root, 'data'));
  mkdirSync(outside);
  const duck = await DuckEngine.open();
  const copy = (sql: string, path: string) =>
    duck.run(`COPY (${sql}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  await copy(
    'SELECT i * 1.0 AS x, CAST(i % 3 AS VARCHAR) AS k FROM range(2000) t(i)',
    join(root, 'ref.parquet'),
  );
  await duck.run(
    `COPY (SELECT i * 1.0 + 1500 AS x, CAST(i % 2 AS VARCHAR) AS k FROM range(2000) t(i)) TO ${quoteLiteral(join(root, 'data', 'cur.csv'))} (HEADER)`,
  );
  await copy('SELECT 1.0 AS x', join(outside, 'secret.parquet'));
  duck.close();
  t = await createTestKiln({ env: { KILN_DATA_ROOTS: root } });
  await t.kiln.datasets.createVersion(SYSTEM_ACTOR, {
    dataset: 'sales',
    parquetPath: join(root, 'ref.parquet'),
    versionKey: 'k1',
    schema: [
      { name: 'x', type: 'DOUBLE' },
      { name: 'k', type: 'VARCHAR' },
    ],
    rowCount: 2000,
    profile: { row_count: 2000, column_count: 2, columns: [], created_at: '2026-11-26T00:00:00.000Z' },
    validation: null,
    lineage: { pipeline: 'sales', specDigest: 'abc', pipelineRunId: null, sources: [], steps: [] },
    pipelineRunId: null,
  });
});

afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function post(body: unknown, role: 'viewer' | null = 'viewer') {
  return t.http.app.inject({
    method: 'POST',
    url: '/api/v1/drift/compare',
    headers: role ? t.auth(role) : {},
    payload: body as Record<string, unknown>,
  });
}

describe('POST /api/v1/drift/compare', () => {
  it('compares a dataset version with a file inside data.roots, for a viewer', async () => {
    const res = await post({ reference: 'sales@1', current: join(root, 'data', 'cur.csv') });
    expect(res.statusCode).toBe(200);
    const r = res.json() as DriftReport;
    expect(r.reference).toMatchObject({ type: 'dataset', dataset: 'sales@1', rows: 2000 });
    expect(r.current).toMatchObject({ type: 'file', format: 'csv', rows: 2000 });
    expect(r.columns.map((c) => [c.column, c.kind, c.drifted])).toEqual([
      ['x', 'numeric', true],
      ['k', 'categorical', true],
    ]);
    expect(r.dataset_drift).toBe(true);
  });

  it('passes options through', async () => {
    const res = await post({
      reference: 'sales',
      current: 'sales@1',
      options: {
        columns: ['x'],
        tests: { x: 'ks' },
        drift_share: 1,
        correction: 'bonferroni',
        mode: 'sketch',
      },
    });
    expect(res.statusCode).toBe(200);
    const r = res.json() as DriftReport;
    expect(r.mode).toBe('sketch');
    expect(r.columns.map((c) => c.test)).toEqual(['ks']);
    expect(r.dataset_drift).toBe(false);
  });

  it('refuses files outside data.roots, even through ..', async () => {
    for (const current of [
      join(outside, 'secret.parquet'),
      join(root, '..', outside.split('/').pop() as string, 'secret.parquet'),
    ]) {
      const res = await post({ reference: 'sales@1', current });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('PATH_NOT_ALLOWED');
    }
  });

  it('answers with stable codes for unknown datasets, missing files, bad options and no token', async () => {
    expect((await post({ reference: 'nope@1', current: 'sales@1' })).json().code).toBe('DATASET_NOT_FOUND');
    expect((await post({ reference: 'sales@1', current: join(root, 'missing.csv') })).json().code).toBe(
      'SOURCE_NOT_FOUND',
    );
    const bad = await post({ reference: 'sales@1', current: 'sales@1', options: { drift_share: 2 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('DRIFT_INPUT_INVALID');
    const unknown = await post({ reference: 'sales@1', current: 'sales@1', options: { colour: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect((await post({ reference: 'sales@1', current: 'sales@1' }, null)).statusCode).toBe(401);
  });
});
