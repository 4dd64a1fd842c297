/**
 * Personal data never reaches the disk: a real `kiln serve` logs the requests of three deployments
 * of a string model (configured with `kiln deploy create/update --log-inputs --pii …`), requests
 * carry known e-mail addresses and phone numbers, the server is stopped gracefully, and then every
 * byte of every file under the workspace — the SQLite database and its WAL, the audit files, the
 * keys, the inference-log segments — is searched for them, raw and (for Parquet) decoded. The
 * values that are not PII must be found in the log, so the search is shown to look in the right
 * place.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine, quoteLiteral } from '../src/store/duckdb/duck-engine.js';
import { FIXTURE_MODELS, initWorkspace } from './support/kiln-workspace.js';
import {
  type KilnResult,
  killLeftoverChildren,
  makeTempDir,
  runKiln,
  startServe,
} from './support/run-kiln.js';

const root = makeTempDir('inference-log-pii');
const ws = join(root, 'ws');
let token = '';
let serveOutput: KilnResult;

const PII = ['alice.pii@example.com', '+1-555-0100-77', 'bob.pii@example.com', 'dora.pii@example.com'];
const PUBLIC = 'carol.public@example.com';

async function kiln(args: string[]): Promise<string> {
  const r = await runKiln(args, { cwd: ws, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kiln ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

beforeAll(async () => {
  mkdirSync(ws);
  token = await initWorkspace(ws);
  await kiln(['models', 'register', 'echo', join(FIXTURE_MODELS, 'bytes_identity.onnx')]);
  // hashed: the default mode; the subject key is one of the PII columns.
  await kiln([
    'deploy',
    'create',
    'pii-hash',
    '--model',
    'echo@1',
    '--log-inputs',
    '--pii',
    'TEXT,TEXT_OUT',
    '--subject-key',
    'TEXT',
    '--retention',
    '30d',
  ]);
  // dropped: created without PII settings, then updated.
  await kiln(['deploy', 'create', 'pii-drop', '--model', 'echo@1']);
  await kiln([
    'deploy',
    'update',
    'pii-drop',
    '--log-inputs',
    '--pii',
    'TEXT,TEXT_OUT',
    '--pii-mode',
    'drop',
    '--subject-key',
    'TEXT',
    '--retention',
    '12h',
  ]);
  await kiln(['deploy', 'create', 'plain', '--model', 'echo@1', '--log-inputs']);
  const server = await startServe({ cwd: ws, timeoutMs: 60_000 });
  const infer = async (deployment: string, id: string, values: string[]) => {
    const r = await fetch(`${server.url}/v2/models/${deployment}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        id,
        inputs: [{ name: 'TEXT', shape: [values.length], datatype: 'BYTES', data: values }],
      }),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`infer ${deployment}: ${r.status} ${text}`);
    return JSON.parse(text) as { outputs: { data: string[] }[] };
  };
  const echoed = await infer('pii-hash', 'req-hash-1', [PII[0]!, PII[1]!]);
  expect(echoed.outputs[0]?.data).toEqual([PII[0], PII[1]]);
  await infer('pii-hash', 'req-hash-2', [PII[3]!]);
  await infer('pii-drop', 'req-drop-1', [PII[2]!]);
  await infer('plain', 'req-plain-1', [PUBLIC]);
  serveOutput = await server.stop('SIGTERM', 30_000);
}, 180_000);

afterAll(() => {
  killLeftoverChildren();
  rmSync(root, { recursive: true, force: true });
});

describe('inference log and PII', () => {
  it('stopped cleanly and shows the settings in deploy show', async () => {
    expect(serveOutput.code, serveOutput.stderr).toBe(0);
    const shown = JSON.parse(await kiln(['--json', 'deploy', 'show', 'pii-drop'])) as { settings: object };
    expect(shown.settings).toMatchObject({
      log_inputs: true,
      pii: ['TEXT', 'TEXT_OUT'],
      pii_mode: 'drop',
      subject_key: 'TEXT',
      retention: '12h',
    });
    const text = await kiln(['deploy', 'show', 'pii-hash']);
    expect(text).toMatch(/pii:\s+TEXT, TEXT_OUT \(hash\)/);
  });

  it('finds no PII value in any byte of any file under the workspace, nor in the server output', () => {
    const files = walk(ws);
    expect(files.some((f) => f.endsWith('kiln.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    const hits: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const value of PII)
        if (bytes.includes(Buffer.from(value, 'utf8'))) hits.push(`${relative(ws, file)}: ${value}`);
    }
    expect(hits).toEqual([]);
    // The same search does see strings in the segments: the non-PII value is found in the raw bytes.
    const plain = files.filter((f) => f.includes('/inference-log/plain/') && f.endsWith('.parquet'));
    expect(plain.some((f) => readFileSync(f).includes(Buffer.from(PUBLIC, 'utf8')))).toBe(true);
    for (const value of PII) {
      expect(serveOutput.stdout).not.toContain(value);
      expect(serveOutput.stderr).not.toContain(value);
    }
  });

  it('holds the PII values nowhere in the decoded segments, while the other values are there', async () => {
    const segments = walk(ws).filter((f) => f.endsWith('.parquet'));
    const duck = await DuckEngine.open();
    try {
      const decoded = new Map<string, Record<string, unknown>[]>();
      for (const f of segments) {
        const r = await duck.queryJson(
          `SELECT * FROM read_parquet(${quoteLiteral(f)}) ORDER BY request_id, "row"`,
        );
        const dep = relative(join(ws, '.kiln', 'inference-log'), f).split('/')[0]!;
        decoded.set(dep, [...(decoded.get(dep) ?? []), ...r.rows]);
      }
      const all = JSON.stringify([...decoded.values()]);
      for (const value of PII) expect(all).not.toContain(value);

      // The salt was created on first use, under .kiln/keys/; the hashes are HMAC-SHA256 with it.
      const salt = Buffer.from(
        readFileSync(join(ws, '.kiln', 'keys', 'inference-log-salt'), 'utf8').trim(),
        'hex',
      );
      const hash = (v: string) => createHmac('sha256', salt).update(v).digest('hex');
      const pick = (rows: Record<string, unknown>[] | undefined, keys: string[]) =>
        (rows ?? []).map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

      expect(pick(decoded.get('pii-hash'), ['request_id', 'row', 'subject_id', 'TEXT', 'TEXT_OUT'])).toEqual([
        {
          request_id: 'req-hash-1',
          row: 0,
          subject_id: hash(PII[0]!),
          TEXT: hash(PII[0]!),
          TEXT_OUT: hash(PII[0]!),
        },
        {
          request_id: 'req-hash-1',
          row: 1,
          subject_id: hash(PII[1]!),
          TEXT: hash(PII[1]!),
          TEXT_OUT: hash(PII[1]!),
        },
        {
          request_id: 'req-hash-2',
          row: 0,
          subject_id: hash(PII[3]!),
          TEXT: hash(PII[3]!),
          TEXT_OUT: hash(PII[3]!),
        },
      ]);
      const dropped = decoded.get('pii-drop') ?? [];
      expect(dropped).toHaveLength(1);
      expect(Object.keys(dropped[0]!)).not.toContain('TEXT');
      expect(Object.keys(dropped[0]!)).not.toContain('TEXT_OUT');
      expect(dropped[0]).toMatchObject({
        request_id: 'req-drop-1',
        subject_id: hash(PII[2]!),
        model: 'echo',
        version: 1,
      });

      expect(pick(decoded.get('plain'), ['request_id', 'TEXT', 'TEXT_OUT', 'subject_id'])).toEqual([
        { request_id: 'req-plain-1', TEXT: PUBLIC, TEXT_OUT: PUBLIC, subject_id: null },
      ]);
    } finally {
      duck.close();
    }
  });
});
