/**
 * A webhook delivery that is still pending when the server stops is made after it restarts: the
 * receiver (an HTTP server in this test, on 127.0.0.1) refuses the first attempts with 503, the
 * server is killed (SIGKILL, a crash) or stopped (SIGTERM), the receiver recovers, and the next
 * `kiln serve` delivers the same event, signed as docs/webhooks.md describes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAUD_DIR, initWorkspace } from './support/kiln-workspace.js';
import {
  killLeftoverChildren,
  makeTempDir,
  runKiln,
  runKilnJson,
  type ServeProcess,
  startServe,
  waitUntil,
} from './support/run-kiln.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly answered: number;
}

interface Job {
  id: string;
  type: string;
  status: string;
  attempts: number;
  error: string | null;
  payload: { deliveryId?: string };
}

/** Records every request and answers with the current `status`. */
class Receiver {
  status = 503;
  readonly received: Received[] = [];
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = this.status;
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks), answered });
        res.statusCode = answered;
        res.end();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  deliveriesOf(id: string): Received[] {
    return this.received.filter((r) => r.headers['x-kiln-delivery'] === id);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const root = makeTempDir('webhook');
const ws = join(root, 'ws');
const env = {
  KILN_NETWORK_ALLOW: 'http://127.0.0.1:*',
  KILN_JOBS_POLL_INTERVAL_MS: '50',
  KILN_JOBS_LEASE_MS: '1000',
};
const receiver = new Receiver();
let token = '';
let secret = '';
let server: ServeProcess | undefined;

beforeAll(async () => {
  mkdirSync(ws);
  token = await initWorkspace(ws, env);
  const hookUrl = await receiver.listen();
  for (let i = 0; i < 2; i++) {
    const r = await runKiln(['models', 'register', 'fraud', join(FRAUD_DIR, 'model.onnx')], { cwd: ws, env });
    expect(r.code, r.stderr).toBe(0);
  }
  const hook = await runKilnJson<{ id: string; url: string; events: string[]; secret: string }>(
    ['webhooks', 'create', hookUrl, '--event', 'alias.moved'],
    { cwd: ws, env },
  );
  expect(hook).toMatchObject({ url: hookUrl, events: ['alias.moved'] });
  expect(hook.secret.length).toBeGreaterThanOrEqual(16);
  secret = hook.secret;
});

afterAll(async () => {
  killLeftoverChildren();
  await receiver.close();
  rmSync(root, { recursive: true, force: true });
});

/** Moves `fraud@champion` through the running server; returns the delivery id of the first (refused) attempt. */
async function moveAliasAndSeeItRefused(version: number): Promise<string> {
  const before = receiver.received.length;
  const r = await runKiln(
    ['--url', server!.url, '--token', token, 'models', 'alias', 'fraud', 'champion', String(version)],
    { cwd: ws, env },
  );
  expect(r.code, r.stderr).toBe(0);
  const attempt = await waitUntil(() => receiver.received[before], 'the first delivery attempt', 20_000);
  expect(attempt.answered).toBe(503);
  const id = attempt.headers['x-kiln-delivery'];
  expect(typeof id).toBe('string');
  return id as string;
}

/** Checks the delivered request as a receiver following docs/webhooks.md would. */
function expectSignedDelivery(r: Received, deliveryId: string, data: Record<string, unknown>): void {
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  expect(r.headers['x-kiln-event']).toBe('alias.moved');
  const header = String(r.headers['x-kiln-signature']);
  const m = /^sha256=([0-9a-f]{64})$/.exec(header);
  expect(m, header).not.toBeNull();
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(r.body).digest();
  expect(timingSafeEqual(Buffer.from(m![1]!, 'hex'), expected)).toBe(true);
  expect(JSON.parse(r.body.toString('utf8'))).toMatchObject({
    id: deliveryId,
    type: 'alias.moved',
    model: 'fraud',
    data,
  });
}

async function jobOf(deliveryId: string, opts: { url?: string } = {}): Promise<Job | undefined> {
  const remote = opts.url ? ['--url', opts.url, '--token', token] : [];
  const r = await runKilnJson<{ jobs: Job[] }>([...remote, 'jobs', 'list', '--type', 'webhook.deliver'], {
    cwd: ws,
    env,
  });
  return r.jobs.find((j) => j.payload.deliveryId === deliveryId);
}

describe('webhook deliveries across a server restart', () => {
  it('a delivery refused before a crash (SIGKILL) is made, signed, after the restart', {
    timeout: 60_000,
  }, async () => {
    receiver.status = 503;
    server = await startServe({ cwd: ws, env });
    const deliveryId = await moveAliasAndSeeItRefused(1);
    const killed = await server.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    server = undefined;
    expect(receiver.deliveriesOf(deliveryId).every((r) => r.answered === 503)).toBe(true);

    receiver.status = 200;
    server = await startServe({ cwd: ws, env });
    const delivered = await waitUntil(
      () => receiver.deliveriesOf(deliveryId).find((r) => r.answered === 200),
      'the delivery after the restart',
      20_000,
    );
    expectSignedDelivery(delivered, deliveryId, { alias: 'champion', version: 1, previous: null });

    const job = await waitUntil(async () => {
      const j = await jobOf(deliveryId, { url: server!.url });
      return j?.status === 'succeeded' ? j : undefined;
    }, 'the delivery job to be marked succeeded');
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.received.filter((r) => r.headers['x-kiln-event'] !== 'alias.moved')).toEqual([]);
  });

  it('a delivery refused before a graceful stop (SIGTERM) is kept queued and made after the restart', {
    timeout: 60_000,
  }, async () => {
    receiver.status = 503;
    server ??= await startServe({ cwd: ws, env });
    const deliveryId = await moveAliasAndSeeItRefused(2);
    const stopped = await server.stop('SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(0);
    server = undefined;

    // While no server runs, the job waits for its next attempt, with the refusal recorded.
    const waiting = await jobOf(deliveryId);
    expect(waiting).toBeDefined();
    expect(['queued', 'running']).toContain(waiting!.status);
    expect(waiting!.attempts).toBeGreaterThanOrEqual(1);
    const refusals = receiver.deliveriesOf(deliveryId);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals.every((r) => r.answered === 503)).toBe(true);

    receiver.status = 200;
    server = await startServe({ cwd: ws, env });
    const delivered = await waitUntil(
      () => receiver.deliveriesOf(deliveryId).find((r) => r.answered === 200),
      'the delivery after the restart',
      20_000,
    );
    expectSignedDelivery(delivered, deliveryId, { alias: 'champion', version: 2, previous: 1 });
    await waitUntil(
      async () => (await jobOf(deliveryId, { url: server!.url }))?.status === 'succeeded',
      'the job to succeed',
    );

    const stoppedAgain = await server.stop('SIGTERM');
    expect(stoppedAgain.code, stoppedAgain.stderr).toBe(0);
    server = undefined;
    const all = await runKilnJson<{ jobs: Job[] }>(['jobs', 'list', '--type', 'webhook.deliver'], {
      cwd: ws,
      env,
    });
    expect(all.jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
  });
});
