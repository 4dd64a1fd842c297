/**
 * Secrets never reach the logs, even at `KILN_LOG_LEVEL=trace`: `kiln serve` handles authenticated
 * requests (good, bad and malformed tokens), creates tokens and webhooks through the API and runs a
 * failing webhook delivery; afterwards neither its stdout nor its stderr holds any token or webhook
 * secret. The local CLI's own log output (stderr) is checked the same way.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAUD_DIR, readCredentials } from './support/kiln-workspace.js';
import {
  type KilnResult,
  killLeftoverChildren,
  makeTempDir,
  runKiln,
  startServe,
  waitUntil,
} from './support/run-kiln.js';

const root = makeTempDir('logs');
const ws = join(root, 'ws');
const env = {
  KILN_LOG_LEVEL: 'trace',
  KILN_NETWORK_ALLOW: 'http://127.0.0.1:*',
  KILN_JOBS_POLL_INTERVAL_MS: '50',
};
/** Every secret seen during the test; none may appear in any log. */
const secrets: string[] = [];
let adminToken = '';
/** Output of every Kiln process whose logs are checked. */
const logs: { what: string; text: string }[] = [];

/** A receiver that always refuses, so deliveries are signed, sent and retried. */
let refused = 0;
const refuser = createServer((_req, res) => {
  refused++;
  res.statusCode = 500;
  res.end('no');
});

function keep(what: string, r: KilnResult): KilnResult {
  logs.push({ what, text: r.stdout + r.stderr });
  return r;
}

beforeAll(async () => {
  mkdirSync(ws);
  await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
  const init = keep('kiln init', await runKiln(['init'], { cwd: ws, env }));
  expect(init.code, init.stderr).toBe(0);
  adminToken = readCredentials(ws).token;
  secrets.push(adminToken);
  const reg = await runKiln(['models', 'register', 'fraud', join(FRAUD_DIR, 'model.onnx')], { cwd: ws, env });
  expect(reg.code, reg.stderr).toBe(0);
});

afterAll(async () => {
  killLeftoverChildren();
  refuser.closeAllConnections();
  await new Promise<void>((resolve) => refuser.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe('logs at trace level', () => {
  it('kiln serve logs requests but no token or webhook secret', { timeout: 60_000 }, async () => {
    const server = await startServe({ cwd: ws, env });
    const api = (path: string, init: RequestInit & { token?: string; authorization?: string } = {}) => {
      const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      if (init.authorization) headers.authorization = init.authorization;
      if (init.body) headers['content-type'] = 'application/json';
      return fetch(`${server.url}${path}`, { ...init, headers });
    };

    expect((await api('/api/v1/models', { token: adminToken })).status).toBe(200);
    const bogus = `kiln_${'x'.repeat(43)}`;
    secrets.push(bogus);
    expect((await api('/api/v1/models', { token: bogus })).status).toBe(401);
    expect((await api('/api/v1/models', { authorization: `Token ${adminToken}` })).status).toBe(401);
    expect((await api('/api/v1/models', { authorization: adminToken })).status).toBe(401);

    const created = await api('/api/v1/tokens', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ name: 'ci', role: 'deployer' }),
    });
    expect(created.status).toBe(201);
    const ciToken = ((await created.json()) as { token: string }).token;
    secrets.push(ciToken);
    expect((await api('/api/v1/models/fraud', { token: ciToken })).status).toBe(200);
    expect((await api('/api/v1/tokens', { token: ciToken })).status).toBe(403);
    // A token created with the CLI through the server: printed once to the CLI's stdout, never logged.
    const viaCli = await runKiln(
      [
        '--url',
        server.url,
        '--token',
        adminToken,
        '--json',
        'tokens',
        'create',
        '--name',
        'cli',
        '--role',
        'viewer',
      ],
      {
        cwd: ws,
        env,
      },
    );
    expect(viaCli.code, viaCli.stderr).toBe(0);
    secrets.push((JSON.parse(viaCli.stdout) as { token: string }).token);
    expect(viaCli.stderr).not.toContain(adminToken);

    const hookUrl = `http://127.0.0.1:${(refuser.address() as AddressInfo).port}/hook`;
    const givenSecret = 'given-webhook-secret-0123456789abcdef';
    secrets.push(givenSecret);
    const withGiven = await api('/api/v1/webhooks', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ url: hookUrl, events: ['alias.moved'], secret: givenSecret }),
    });
    expect(withGiven.status).toBe(201);
    const generated = await api('/api/v1/webhooks', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ url: hookUrl, events: ['alias.moved'] }),
    });
    expect(generated.status).toBe(201);
    secrets.push(((await generated.json()) as { secret: string }).secret);
    // A too-short secret is refused; the refusal must not be logged with the value either.
    const shortSecret = 'short-secret';
    expect(
      (
        await api('/api/v1/webhooks', {
          method: 'POST',
          token: adminToken,
          body: JSON.stringify({ url: hookUrl, events: ['alias.moved'], secret: shortSecret }),
        })
      ).status,
    ).toBe(400);
    secrets.push(shortSecret);

    // Signed deliveries are attempted (and refused by the receiver) while the server runs.
    const moved = await api('/api/v1/models/fraud/aliases/champion', {
      method: 'PUT',
      token: ciToken,
      body: JSON.stringify({ version: 1 }),
    });
    expect(moved.status).toBe(200);
    await waitUntil(() => refused >= 2, 'both deliveries to be attempted');

    const stopped = await server.stop('SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(0);
    logs.push({ what: 'kiln serve', text: stopped.stdout + stopped.stderr });

    // The logs are not empty: requests, including the token and webhook creations, were logged.
    expect(stopped.stderr).toContain('/api/v1/tokens');
    expect(stopped.stderr).toContain('/api/v1/webhooks');
    expect(stopped.stderr).toContain('"statusCode":401');
  });

  it('the local CLI logs no secret on stderr, and prints a new token only on stdout', async () => {
    const r = keep(
      'kiln tokens create',
      await runKiln(['--json', 'tokens', 'create', '--name', 'local', '--role', 'viewer'], { cwd: ws, env }),
    );
    expect(r.code, r.stderr).toBe(0);
    const token = (JSON.parse(r.stdout) as { token: string }).token;
    secrets.push(token);
    // The check below finds a secret where one is meant to be.
    expect(secretsIn(r.stdout)).toEqual([token]);
    logs.pop();
    logs.push({ what: 'kiln tokens create (stderr)', text: r.stderr });
    keep('kiln webhooks list', await runKiln(['webhooks', 'list'], { cwd: ws, env }));
    keep('kiln jobs list', await runKiln(['--json', 'jobs', 'list'], { cwd: ws, env }));
  });

  it('no log holds any token or secret, whole or without its kiln_ prefix', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    expect(logs.map((l) => l.what)).toContain('kiln serve');
    for (const { what, text } of logs)
      expect(
        secretsIn(text).map((s) => `${s.slice(0, 8)}…`),
        what,
      ).toEqual([]);
  });
});

function secretsIn(text: string): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(s.replace(/^kiln_/, '')));
}
