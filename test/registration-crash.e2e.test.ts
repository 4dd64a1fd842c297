/**
 * A registration killed midway: `kiln models register` of a ~300 MB file is SIGKILLed as soon as
 * its PENDING version is committed, while the bytes are being copied into the artifact store.
 * Afterwards no version is READY that should not be, the content-addressed store holds only whole
 * blobs, the next registration works and takes the next number, the audit log verifies, and the
 * next `kiln serve` fails the stale PENDING version.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, FRAUD_DIR, initWorkspace, sha256Hex } from './support/kiln-workspace.js';
import {
  killLeftoverChildren,
  makeTempDir,
  runKiln,
  runKilnJson,
  spawnKiln,
  startServe,
  waitForExit,
  waitUntil,
} from './support/run-kiln.js';

interface Version {
  version: number;
  status: string;
  statusMessage: string;
  digest: string | null;
}

const root = makeTempDir('crash');
const ws = join(root, 'ws');
const bigFile = join(root, 'big.onnx');
const BIG_MIB = 300;

beforeAll(async () => {
  mkdirSync(ws);
  await initWorkspace(ws);
  // Random bytes: the copy and hashing cannot be skipped, and should the kill come too late the
  // inspection refuses the file (FAILED), so the test can never pass by accident with a READY one.
  const chunk = randomBytes(1024 * 1024);
  const fd = openSync(bigFile, 'w');
  try {
    for (let i = 0; i < BIG_MIB; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
});

afterAll(() => {
  killLeftoverChildren();
  rmSync(root, { recursive: true, force: true });
});

function versionsOf(model: string): Promise<{ items: Version[] }> {
  return runKilnJson<{ items: Version[] }>(['models', 'versions', model], { cwd: ws });
}

/** Every blob under sha256/ must be whole: its bytes hash to its file name. Returns the names. */
function checkBlobs(): string[] {
  const dir = join(ws, '.kiln', 'artifacts', 'sha256');
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const prefix of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, prefix))) {
      expect(name.slice(0, 2)).toBe(prefix);
      expect(sha256Hex(readFileSync(join(dir, prefix, name))), `blob ${name}`).toBe(name);
      names.push(name);
    }
  }
  return names.sort();
}

async function auditVerifies(): Promise<void> {
  const r = await runKiln(['audit', 'verify'], { cwd: ws });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^audit log OK: \d+ events/);
}

describe('a registration killed midway', () => {
  const fraudDigest = sha256Hex(readFileSync(join(FRAUD_DIR, 'model.onnx')));
  const torchDigest = sha256Hex(readFileSync(join(FIXTURE_MODELS, 'torch_mlp.onnx')));

  it('leaves a PENDING version, never a READY one, and only whole blobs in the artifact store', {
    timeout: 60_000,
  }, async () => {
    const first = await runKiln(['models', 'register', 'fraud', join(FRAUD_DIR, 'model.onnx')], { cwd: ws });
    expect(first.code, first.stderr).toBe(0);

    const db = new Database(join(ws, '.kiln', 'kiln.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare<[], { status: string }>(
        "select status from model_versions where model_name = 'fraud' and version = 2",
      );
      const registering = spawnKiln(['models', 'register', 'fraud', bigFile], { cwd: ws });
      const status = await waitUntil(
        () => {
          if (registering.child.exitCode !== null)
            throw new Error(`the registration ended before it was killed:\n${registering.stderr()}`);
          return row.get()?.status;
        },
        'the PENDING version to be committed',
        30_000,
        5,
      );
      registering.child.kill('SIGKILL');
      expect(status).toBe('PENDING');
      const killed = await waitForExit(registering, 10_000, 'the killed registration');
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).toBe('');
    } finally {
      db.close();
    }

    const versions = (await versionsOf('fraud')).items;
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'READY'],
      [2, 'PENDING'],
    ]);
    expect(versions.some((v) => v.status === 'READY' && v.version !== 1)).toBe(false);
    await runKiln(['--json', 'models', 'show', 'fraud@2'], { cwd: ws }).then((r) => {
      expect(JSON.parse(r.stdout)).toMatchObject({
        version: 2,
        status: 'PENDING',
        statusMessage: 'registering',
      });
    });
    // The bare name resolves to the newest READY version, not the dead one.
    const out = join(root, 'latest.onnx');
    expect(await runKilnJson(['models', 'download', 'fraud', '-o', out], { cwd: ws })).toMatchObject({
      version: 1,
      sha256: fraudDigest,
    });
    expect(sha256Hex(readFileSync(out))).toBe(fraudDigest);

    // A partial copy may remain in tmp/, never under its digest's name.
    const blobs = checkBlobs();
    expect(blobs).toContain(fraudDigest);
    const tmp = join(ws, '.kiln', 'artifacts', 'tmp');
    for (const f of existsSync(tmp) ? readdirSync(tmp) : []) expect(f).toMatch(/\.part$/);

    await auditVerifies();
  });

  it('the next registration works and takes the next version number', async () => {
    const v = await runKilnJson<Version>(
      ['models', 'register', 'fraud', join(FIXTURE_MODELS, 'torch_mlp.onnx')],
      { cwd: ws },
    );
    expect(v).toMatchObject({ version: 3, status: 'READY', digest: torchDigest });
    expect((await versionsOf('fraud')).items.map((x) => [x.version, x.status])).toEqual([
      [1, 'READY'],
      [2, 'PENDING'],
      [3, 'READY'],
    ]);
    expect(checkBlobs()).toEqual(expect.arrayContaining([fraudDigest, torchDigest]));
    await auditVerifies();
  });

  it('kiln serve leaves a fresh PENDING version alone and fails one older than 10 minutes', {
    timeout: 60_000,
  }, async () => {
    // A PENDING registration may be alive in another process: the server must not fail it at once.
    let server = await startServe({ cwd: ws });
    expect((await server.stop('SIGTERM')).code).toBe(0);
    expect((await versionsOf('fraud')).items.find((v) => v.version === 2)?.status).toBe('PENDING');

    // Ten minutes pass (the row is backdated; no Kiln process is running).
    const db = new Database(join(ws, '.kiln', 'kiln.db'));
    try {
      const old = new Date(Date.now() - 11 * 60 * 1000).toISOString();
      const changed = db
        .prepare("update model_versions set created_at = ? where model_name = 'fraud' and version = 2")
        .run(old);
      expect(changed.changes).toBe(1);
    } finally {
      db.close();
    }

    server = await startServe({ cwd: ws });
    const stopped = await server.stop('SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('marked interrupted registrations FAILED');

    const versions = (await versionsOf('fraud')).items;
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'READY'],
      [2, 'FAILED'],
      [3, 'READY'],
    ]);
    expect(versions[1]?.statusMessage).toBe('registration interrupted before it completed');
    const failed = await runKilnJson<{ events: { actor: string; resource: string }[] }>(
      ['audit', 'log', '--action', 'model_version.fail'],
      { cwd: ws },
    );
    expect(failed.events).toEqual([expect.objectContaining({ actor: 'system', resource: 'model/fraud/2' })]);
    await auditVerifies();
    // The server answers for the dead registration only once.
    server = await startServe({ cwd: ws });
    expect((await server.stop('SIGTERM')).stderr).not.toContain('marked interrupted registrations FAILED');
  });
});
