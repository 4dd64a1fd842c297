/**
 * `kiln drift compare` through runCli, on files (no workspace needed) and on a dataset version of
 * a workspace: exit codes 0 / 1 / 2, --json, --html and the flags.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../monitor/drift-compare.js';
import { DuckEngine, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { runCli } from '../run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-drift-cli-'));
  const duck = await DuckEngine.open();
  const to = (sql: string, file: string, opts: string) =>
    duck.run(`COPY (${sql}) TO ${quoteLiteral(join(dir, file))} (${opts})`);
  await to(
    "SELECT i * 1.0 AS amount, CASE WHEN i % 4 = 0 THEN 'x' ELSE 'y' END AS k FROM range(3000) t(i)",
    'ref.parquet',
    'FORMAT parquet',
  );
  await to(
    "SELECT i * 1.0 AS amount, CASE WHEN i % 4 = 0 THEN 'x' ELSE 'y' END AS k FROM range(3000) t(i)",
    'same.csv',
    'HEADER',
  );
  await to(
    "SELECT i * 1.0 + 2000 AS amount, CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END AS k FROM range(3000) t(i)",
    'shifted.ndjson',
    'FORMAT json',
  );
  duck.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function kiln(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {},
    cwd: dir,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

describe('kiln drift compare', () => {
  it('exits 0 without dataset drift, printing a table', async () => {
    const r = await kiln('drift', 'compare', 'ref.parquet', 'same.csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no dataset drift: 0 of 2 columns drifted');
    expect(r.stdout).toMatch(/amount\s+numeric\s+wasserstein/);
  });

  it('exits 1 on dataset drift, with the JSON report on stdout and nothing on stderr', async () => {
    const r = await kiln('drift', 'compare', 'ref.parquet', 'shifted.ndjson', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as DriftReport;
    expect(report.dataset_drift).toBe(true);
    expect(report.columns.every((c) => c.drifted)).toBe(true);
  });

  it('writes the HTML report and honours the flags', async () => {
    const r = await kiln(
      'drift',
      'compare',
      'ref.parquet',
      'shifted.ndjson',
      '--html',
      'out/report.html',
      '--columns',
      'amount,k',
      '--drift-share',
      '1',
      '--correction',
      'bonferroni',
      '--test',
      'amount=ks',
      '--threshold',
      'k=0.5',
      '--json',
    );
    const report = JSON.parse(r.stdout) as DriftReport;
    // amount drifts; k (Jensen–Shannon about 0.2) stays under 0.5: a share of 0.5 < 1
    expect(report.columns.map((c) => c.drifted)).toEqual([true, false]);
    expect(r.code).toBe(0);
    expect(report.correction).toBe('bonferroni');
    expect(report.drift_share).toBe(1);
    expect(report.columns[0].test).toBe('ks');
    expect(report.columns[1].threshold).toBe(0.5);
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toContain('NO DATASET DRIFT');
    const sketch = await kiln(
      'drift',
      'compare',
      'ref.parquet',
      'same.csv',
      '--sketch',
      '--categorical',
      'amount',
      '--json',
    );
    expect(sketch.code).toBe(0);
    const s = JSON.parse(sketch.stdout) as DriftReport;
    expect(s.mode).toBe('sketch');
    expect(s.columns[0].kind).toBe('categorical');
  });

  it('exits 2 with a coded error for a missing file, bad flags and a dataset without a workspace', async () => {
    const missing = await kiln('drift', 'compare', 'ref.parquet', 'nope.csv');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error [SOURCE_NOT_FOUND]');
    const share = await kiln('drift', 'compare', 'ref.parquet', 'same.csv', '--drift-share', '7', '--json');
    expect(share.code).toBe(2);
    expect(JSON.parse(share.stderr).error.code).toBe('INVALID_ARGUMENT');
    const test = await kiln('drift', 'compare', 'ref.parquet', 'same.csv', '--test', 'k=ks');
    expect(test.code).toBe(2);
    expect(test.stderr).toContain('DRIFT_INPUT_INVALID');
    const ws = await kiln('drift', 'compare', 'sales@1', 'same.csv');
    expect(ws.code).toBe(2);
    expect(ws.stderr).toContain('WORKSPACE_NOT_FOUND');
  });
});
