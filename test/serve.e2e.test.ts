/**
 * `kiln serve` as a real server on 127.0.0.1, and the CLI in remote mode (`--url`) against it:
 * open health and API documentation, authentication, registration through the server, and a
 * SIGTERM that arrives while an upload is still streaming in.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, type ClientRequest, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWorkspace, sha256Hex } from './support/kiln-workspace.js';
import {
  killLeftoverChildren,
  makeTempDir,
  REPO_DIR,
  runKiln,
  type ServeProcess,
  startServe,
  waitForExit,
  waitUntil,
} from './support/run-kiln.js';

const root = makeTempDir('serve');
const ws = join(root, 'ws');
const elsewhere = join(root, 'elsewhere');
let token = '';
let server: ServeProcess;

beforeAll(async () => {
  mkdirSync(ws);
  mkdirSync(elsewhere);
  token = await initWorkspace(ws);
  server = await startServe({ cwd: ws });
});

afterAll(() => {
  killLeftoverChildren();
  rmSync(root, { recursive: true, force: true });
});

describe('kiln serve', () => {
  it('reports its URL on 127.0.0.1 and serves health and the API documentation without a token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
    const docs = await fetch(`${server.url}/api/docs/json`);
    expect(docs.status).toBe(200);
    const spec = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/models', '/api/v1/uploads', '/api/v1/health']),
    );

    const closed = await fetch(`${server.url}/api/v1/models`);
    expect(closed.status).toBe(401);
    expect(await closed.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('serves the CLI in remote mode: --url with --token or KILN_TOKEN, from a folder with no workspace', async () => {
    const remote = ['--url', server.url, '--token', token];
    const reg = await runKiln(
      [
        ...remote,
        '--json',
        'models',
        'register',
        'fraud',
        join(REPO_DIR, 'examples/fraud/model.onnx'),
        '--description',
        'registered over HTTP',
        '--features',
        join(REPO_DIR, 'examples/fraud/features.json'),
      ],
      { cwd: elsewhere },
    );
    expect(reg.code, reg.stderr).toBe(0);
    expect(JSON.parse(reg.stdout)).toMatchObject({
      model: 'fraud',
      version: 1,
      status: 'READY',
      createdBy: 'admin',
    });

    const [list, viaEnv, local] = await Promise.all([
      runKiln([...remote, 'models', 'list'], { cwd: elsewhere }),
      runKiln(['--url', server.url, '--json', 'models', 'versions', 'fraud'], {
        cwd: elsewhere,
        env: { KILN_TOKEN: token },
      }),
      // The local CLI reads the same workspace the server wrote to.
      runKiln(['--json', 'models', 'show', 'fraud@1'], { cwd: ws }),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^fraud\s+1\s/m);
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(JSON.parse(viaEnv.stdout).items).toEqual([
      expect.objectContaining({ version: 1, status: 'READY' }),
    ]);
    expect(JSON.parse(local.stdout)).toMatchObject({ description: 'registered over HTTP', status: 'READY' });
  });

  it('refuses the CLI without a token, even in a workspace folder (local credentials are not sent to a URL)', async () => {
    const [plain, json, wrong] = await Promise.all([
      runKiln(['--url', server.url, 'models', 'list'], { cwd: ws }),
      runKiln(['--url', server.url, '--json', 'models', 'list'], { cwd: ws }),
      runKiln(['--url', server.url, '--json', 'models', 'list'], {
        cwd: ws,
        env: { KILN_TOKEN: 'kiln_wrong' },
      }),
    ]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('UNAUTHENTICATED');
    for (const r of [json, wrong]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr).error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('drains and exits 0 on a SIGTERM sent the moment it reports its URL', async () => {
    const second = await startServe({ cwd: ws });
    const exit = await second.stop('SIGTERM');
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).toContain('SIGTERM: draining and shutting down');
  });

  it('on SIGTERM stops accepting, finishes an upload that is streaming in, and exits 0', async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const agent = new Agent({ keepAlive: true });
    const uploads = join(ws, '.kiln', 'uploads');
    let answered = false;
    let pending: ClientRequest | undefined;
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/api/v1/uploads`,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/octet-stream',
            'content-length': String(body.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            answered = true;
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, 1024 * 1024));
      // The rest is sent once the server has been told to stop (below).
      pending = req;
    });
    // The handler is streaming the upload to disk: the request is in flight.
    await waitUntil(() => {
      const files = existsSync(uploads) ? readdirSync(uploads).filter((f) => f.startsWith('up_')) : [];
      return files.some((f) => (statSync(join(uploads, f), { throwIfNoEntry: false })?.size ?? 0) > 0);
    }, 'the upload to start arriving');

    server.child.kill('SIGTERM');
    await waitUntil(
      () => server.stderr().includes('SIGTERM: draining and shutting down'),
      'the server to start draining',
    );
    // New connections are no longer served normally while the old request drains.
    const late = await fetch(`${server.url}/api/v1/health`, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(5000),
    }).then(
      (r) => r.status,
      (e: Error) => (e.name === 'TimeoutError' ? 'no answer' : 'refused'),
    );
    expect([503, 'refused']).toContain(late);
    expect(server.child.exitCode).toBeNull();
    expect(answered).toBe(false);

    pending!.end(body.subarray(1024 * 1024));
    const res = await response;
    expect(res.status, res.body).toBe(201);
    const staged = JSON.parse(res.body) as { upload_id: string; sha256: string; size_bytes: number };
    expect(staged).toMatchObject({ sha256: sha256Hex(body), size_bytes: body.length });

    // A keep-alive client must not hold the server open once its request is answered.
    const exit = await waitForExit(server, 10_000, 'kiln serve to exit after draining');
    agent.destroy();
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toContain('shutdown failed');
    expect(sha256Hex(readFileSync(join(uploads, staged.upload_id)))).toBe(staged.sha256);
  });
});
