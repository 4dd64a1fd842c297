/**
 * `kiln feedback` with `--url`: the CLI sends the file's bytes to a real server (a port on
 * 127.0.0.1) and prints what the server answers; the server never reads the client's path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackIngestResult, PerformanceReport } from '../../monitor/feedback/feedback-service.js';
import { createFeedbackWorkspace } from '../../monitor/feedback/test-support/feedback-workspace.js';
import { type BuiltHttpApp, buildHttpApp } from '../../server/http/http-app.js';
import { ALL_ROUTES } from '../../server/http/routes/index.js';
import { type Kiln, openKiln } from '../../server/open-kiln.js';
import { runCli } from '../run-cli.js';

let ws: string;
let cwd: string;
let token: string;
let kiln: Kiln;
let http: BuiltHttpApp;
let url: string;

beforeAll(async () => {
  ({ dir: ws, adminToken: token } = await createFeedbackWorkspace());
  cwd = mkdtempSync(join(tmpdir(), 'kiln-feedback-remote-'));
  writeFileSync(
    join(cwd, 'labels.ndjson'),
    '{"request_id":"r-0","label":1}\n{"request_id":"zz","label":0}\n',
  );
  writeFileSync(join(cwd, 'labels.txt'), 'request_id,label\n');
  const env = { KILN_LOG_LEVEL: 'silent' };
  kiln = await openKiln({ workspaceDir: ws, env, logger: pino({ level: 'silent' }) });
  http = await buildHttpApp({ services: kiln, routes: ALL_ROUTES, logger: false });
  url = await http.app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await http?.app.close();
  await kiln?.close();
  rmSync(ws, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

async function remote(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--url', url, '--token', token, ...argv], {
    env: {},
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

describe('kiln feedback --url', () => {
  it('uploads the file and prints the server’s summary; performance comes from the server', async () => {
    const r = await remote('--json', 'feedback', 'fraud', '--file', 'labels.ndjson');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout) as FeedbackIngestResult).toMatchObject({
      rows: 2,
      matched: 1,
      unknown: 1,
      unknown_sample: ['zz'],
    });
    const p = await remote('--json', 'feedback', 'performance', 'fraud');
    expect(p.code).toBe(0);
    expect((JSON.parse(p.stdout) as PerformanceReport).overall).toMatchObject({ rows: 4, labelled: 1 });
  });

  it('refuses a file whose format its name does not tell', async () => {
    const r = await remote('feedback', 'post', 'fraud', '--file', 'labels.txt');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error [INVALID_ARGUMENT]: --file: expected a .csv, .tsv, .parquet, .json, .ndjson or .jsonl file',
    );
  });
});
