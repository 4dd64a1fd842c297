/**
 * `kiln feedback` through runCli on a real workspace (local mode): the short form
 * `kiln feedback fraud --file labels.csv`, the long form `kiln feedback post`, `--key`, `--json`,
 * `kiln feedback performance` with windows, and the exit codes of bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackIngestResult, PerformanceReport } from '../../monitor/feedback/feedback-service.js';
import { listFeedbackSegments } from '../../monitor/feedback/feedback-segments.js';
import { createFeedbackWorkspace } from '../../monitor/feedback/test-support/feedback-workspace.js';
import { runCli } from '../run-cli.js';

let ws: string;
let cwd: string;

beforeAll(async () => {
  ({ dir: ws } = await createFeedbackWorkspace());
  cwd = mkdtempSync(join(tmpdir(), 'kiln-feedback-cwd-'));
  writeFileSync(join(cwd, 'labels.csv'), 'request_id,label\nr-0,1\nr-1,0\nghost,1\n');
  writeFileSync(join(cwd, 'orders.csv'), 'order_id,label\no-2,1\no-3,0\n');
  writeFileSync(join(cwd, 'nolabel.csv'), 'request_id,outcome\nr-0,1\n');
}, 60_000);

afterAll(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

async function kiln(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { KILN_HOME: ws, KILN_LOG_LEVEL: 'silent' },
    cwd,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

describe('kiln feedback', () => {
  it('posts labels with the short form and prints the summary', async () => {
    const r = await kiln('feedback', 'fraud', '--file', 'labels.csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'fraud: 3 labels stored (key request_id): 2 matched, 1 unknown, 0 duplicates dropped, 0 superseded',
    );
    expect(r.stdout).toContain('unknown request_ids (kept: they join once those requests are logged): ghost');
    expect(await listFeedbackSegments(ws, 'fraud')).toHaveLength(1);
  });

  it('posts with the long form, --key and --json (options before or after the deployment)', async () => {
    const r = await kiln('--json', 'feedback', 'post', '--key', 'order_id', 'fraud', '--file', 'orders.csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as FeedbackIngestResult;
    expect(result).toMatchObject({ key: 'order_id', rows: 2, matched: 2, unknown: 0 });
    expect(await listFeedbackSegments(ws, 'fraud')).toHaveLength(2);
  });

  it('prints performance per window, and the JSON report with --json', async () => {
    const r = await kiln(
      'feedback',
      'performance',
      'fraud',
      '--window',
      '1h',
      '--from',
      '2026-03-01T00:00:00Z',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fraud: classification on "y" ≥ 0.5');
    expect(r.stdout).toMatch(
      /2026-03-01T00:00:00\.000Z\s+2026-03-01T01:00:00\.000Z\s+2\s+2\s+2\s+1\s+1\s+1\s+1\s+1/,
    );
    expect(r.stdout).toMatch(/overall\s+4\s+4\s+4\s+1\s+1\s+1\s+1\s+1\s+0\.5/);
    const j = await kiln('feedback', 'performance', 'fraud', '--json', '--threshold', '0.8');
    const report = JSON.parse(j.stdout) as PerformanceReport;
    expect(report.threshold).toBe(0.8);
    expect(report.overall.confusion).toEqual({ tp: 1, fp: 0, tn: 2, fn: 1 });
    expect(report.overall.metrics).toMatchObject({ roc_auc: 1, recall: 0.5 });
  });

  it('exits 1 with the error code for bad input, 2 for a missing --file', async () => {
    const missing = await kiln('feedback', 'fraud', '--file', 'nolabel.csv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error [INVALID_ARGUMENT]: feedback: missing column "label"');
    const unknownDeployment = await kiln('feedback', 'ghost', '--file', 'labels.csv');
    expect(unknownDeployment.code).toBe(1);
    expect(unknownDeployment.stderr).toContain('error [DEPLOYMENT_NOT_FOUND]');
    const noFile = await kiln('feedback', 'fraud');
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("required option '--file <path>' not specified");
    const notThere = await kiln('feedback', 'fraud', '--file', 'absent.csv');
    expect(notThere.code).toBe(1);
    expect(notThere.stderr).toContain('error [SOURCE_NOT_FOUND]');
    const badWindow = await kiln('feedback', 'performance', 'fraud', '--window', 'soon');
    expect(badWindow.code).toBe(1);
    expect(badWindow.stderr).toContain('window: expected a duration like 15m, 1h, 1d or 1w, got "soon"');
    const help = await kiln('feedback');
    expect(help.code).toBe(2);
    expect(help.stderr).toContain(
      'error: missing the deployment: kiln feedback <deployment> --file labels.csv',
    );
  });
});
