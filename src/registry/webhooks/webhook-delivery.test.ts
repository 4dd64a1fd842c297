import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { Actor } from '../../govern/auth/roles.js';
import { type HostLookup, OutboundPolicy } from '../../govern/network/outbound-policy.js';
import {
  type LocalHttpServer,
  startLocalHttpServer,
} from '../../govern/network/test-support/local-http-server.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { allTestStoreFactories } from '../../store/test-support/test-databases.js';
import { RecordingAuditLog } from './test-support/recording-audit-log.js';
import { RecordingJobQueue } from './test-support/recording-job-queue.js';
import { WebhookDeliveryError } from './webhook-delivery.js';
import type { WebhookDeliverPayload } from './webhook-events.js';
import { WebhookService, type WebhookServiceOptions } from './webhook-service.js';
import { verifyWebhookSignature } from './webhook-signature.js';

const ALICE: Actor = { name: 'alice', role: 'engineer' };
const LOCAL = 'http://127.0.0.1:*';

/** `hooks.test` → 127.0.0.1, `meta.test` → the metadata address; anything else does not resolve. */
const lookup: HostLookup = async (hostname) => {
  if (hostname === 'hooks.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'meta.test') return [{ address: '169.254.169.254', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

async function failureOf(p: Promise<unknown>): Promise<WebhookDeliveryError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WebhookDeliveryError);
  return e as WebhookDeliveryError;
}

for (const factory of allTestStoreFactories()) {
  describe(`webhook delivery on ${factory.name}`, () => {
    let server: LocalHttpServer;
    let store: MetadataStore;
    let jobs: RecordingJobQueue;

    beforeAll(async () => {
      server = await startLocalHttpServer();
    });
    afterAll(async () => {
      await server.close();
      await factory.cleanup();
    });
    beforeEach(async () => {
      store = await factory.create();
      jobs = new RecordingJobQueue();
      server.received.length = 0;
      server.respond((_req, res) => res.end('ok'));
    });

    function makeService(allow: string[], options: WebhookServiceOptions = {}): WebhookService {
      const policy = new OutboundPolicy(allow, { lookup });
      return new WebhookService(store, new RecordingAuditLog(), jobs, policy, new ManualClock(), options);
    }

    /** Creates a webhook, emits one alias.moved event for it, returns the secret and the recorded job. */
    async function emitOne(service: WebhookService, url: string) {
      const created = await service.create(ALICE, { url, events: ['alias.moved'] });
      await store.transaction((trx) =>
        service.emit(trx, {
          type: 'alias.moved',
          model: 'fraud',
          data: { alias: 'prod', version: 4, previous: 3 },
        }),
      );
      const recorded = jobs.enqueued.at(-1)!;
      return { created, recorded, payload: recorded.payload as WebhookDeliverPayload };
    }

    it('POSTs the signed body, which the receiver verifies', async () => {
      const service = makeService([LOCAL]);
      service.register(jobs);
      const { created, recorded, payload } = await emitOne(service, `${server.origin}/hooks/kiln`);

      expect(await jobs.run(recorded)).toEqual({ delivered: true, status: 200 });

      expect(server.received).toHaveLength(1);
      const got = server.received[0]!;
      expect(got.method).toBe('POST');
      expect(got.path).toBe('/hooks/kiln');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['x-kiln-event']).toBe('alias.moved');
      expect(got.headers['x-kiln-delivery']).toBe(payload.deliveryId);
      expect(got.body.toString('utf8')).toBe(payload.body);
      expect(JSON.parse(got.body.toString('utf8'))).toMatchObject({
        id: payload.deliveryId,
        type: 'alias.moved',
        model: 'fraud',
        data: { alias: 'prod', version: 4, previous: 3 },
      });
      const header = got.headers['x-kiln-signature'] as string;
      expect(verifyWebhookSignature(created.secret, got.body, header)).toBe(true);
      expect(header).toBe(`sha256=${createHmac('sha256', created.secret).update(got.body).digest('hex')}`);
      expect(verifyWebhookSignature('not-the-secret-at-all', got.body, header)).toBe(false);
    });

    it('throws on a 500 so the queue retries, then succeeds with the same delivery', async () => {
      const service = makeService([LOCAL]);
      service.register(jobs);
      const { recorded } = await emitOne(service, `${server.origin}/flaky`);
      let calls = 0;
      server.respond((_req, res) => {
        calls += 1;
        res.statusCode = calls === 1 ? 500 : 200;
        res.end(calls === 1 ? 'database is down' : 'ok');
      });

      const first = await failureOf(jobs.run(recorded));
      expect(first.retryable).toBe(true);
      expect(first.status).toBe(500);
      expect(first.message).toMatch(/answered 500: database is down$/);
      expect(await jobs.run(recorded)).toEqual({ delivered: true, status: 200 });

      expect(server.received).toHaveLength(2);
      const [a, b] = server.received;
      expect(b!.headers['x-kiln-delivery']).toBe(a!.headers['x-kiln-delivery']);
      expect(b!.headers['x-kiln-signature']).toBe(a!.headers['x-kiln-signature']);
      expect(b!.body.equals(a!.body)).toBe(true);
    });

    it('fails for good when the URL is no longer allowed', async () => {
      const before = makeService([LOCAL]);
      const { payload } = await emitOne(before, `${server.origin}/hooks`);
      const after = makeService(['https://*.example.com']);

      const e = await failureOf(after.deliver(payload));
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/is not allowed: no network\.allow pattern matches it/);
      expect(server.received).toEqual([]);
    });

    it('fails for good when the host name now resolves to a metadata address', async () => {
      const service = makeService(['http://*.test:*']);
      const { payload } = await emitOne(service, 'http://meta.test:8080/');
      const e = await failureOf(service.deliver(payload));
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/resolves to 169\.254\.169\.254/);
    });

    it('retries when the host name does not resolve', async () => {
      const service = makeService(['http://*.test:*']);
      const { payload } = await emitOne(service, 'http://nowhere.test:8080/');
      const e = await failureOf(service.deliver(payload));
      expect(e.retryable).toBe(true);
      expect(e.message).toMatch(/cannot resolve nowhere\.test .*ENOTFOUND/);
    });

    it('connects to the address that was checked, not to a fresh DNS answer', async () => {
      const service = makeService(['http://hooks.test:*']);
      const { payload } = await emitOne(service, `http://hooks.test:${server.port}/pinned`);
      expect(await service.deliver(payload)).toEqual({ delivered: true, status: 200 });
      expect(server.received[0]!.headers.host).toBe(`hooks.test:${server.port}`);
    });

    it('gives up quietly when the webhook was deleted meanwhile', async () => {
      const service = makeService([LOCAL]);
      const { created, payload } = await emitOne(service, `${server.origin}/hooks`);
      await service.delete(ALICE, created.id);
      expect(await service.deliver(payload)).toEqual({
        skipped: true,
        reason: `webhook ${created.id} was deleted`,
      });
      expect(server.received).toEqual([]);
    });

    it('stops retrying when the receiver answers 410 Gone', async () => {
      const service = makeService([LOCAL]);
      const { payload } = await emitOne(service, `${server.origin}/gone`);
      server.respond((_req, res) => {
        res.statusCode = 410;
        res.end();
      });
      const e = await failureOf(service.deliver(payload));
      expect(e).toMatchObject({ retryable: false, status: 410 });
    });

    it('counts a redirect as a retryable failure and does not follow it', async () => {
      for (const options of [{}, { fetch: globalThis.fetch }]) {
        server.received.length = 0;
        const service = makeService([LOCAL], options);
        const { payload } = await emitOne(service, `${server.origin}/old`);
        server.respond((req, res) => {
          if (req.path === '/old') {
            res.writeHead(308, { location: `${server.origin}/new` });
            res.end();
          } else res.end('ok');
        });
        const e = await failureOf(service.deliver(payload));
        expect(e).toMatchObject({ retryable: true, status: 308 });
        expect(e.message).toMatch(/answered 308 \(redirects are not followed\)/);
        expect(server.received.map((r) => r.path)).toEqual(['/old']);
      }
    });

    it('delivers through an injected fetch with the same headers', async () => {
      const service = makeService([LOCAL], { fetch: globalThis.fetch });
      const { created, payload } = await emitOne(service, `${server.origin}/via-fetch`);
      expect(await service.deliver(payload)).toEqual({ delivered: true, status: 200 });
      const got = server.received[0]!;
      expect(got.headers['x-kiln-delivery']).toBe(payload.deliveryId);
      expect(
        verifyWebhookSignature(created.secret, got.body, got.headers['x-kiln-signature'] as string),
      ).toBe(true);
    });

    it('retries when the receiver does not answer in time', async () => {
      const service = makeService([LOCAL], { timeoutMs: 200 });
      const { payload } = await emitOne(service, `${server.origin}/slow`);
      server.respond(() => {
        // never answers
      });
      const e = await failureOf(service.deliver(payload));
      expect(e.retryable).toBe(true);
      expect(e.message).toMatch(/failed: no answer within 200 ms/);
    });

    it('retries when nothing listens', async () => {
      const gone = await startLocalHttpServer();
      await gone.close();
      const service = makeService([LOCAL]);
      const { payload } = await emitOne(service, `${gone.origin}/`);
      const e = await failureOf(service.deliver(payload));
      expect(e.retryable).toBe(true);
      expect(e.message).toMatch(/ECONNREFUSED/);
    });

    it('fails for good on a payload that is not a delivery', async () => {
      const service = makeService([LOCAL]);
      const e = await failureOf(service.deliver({ webhookId: 'x' }));
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/malformed job payload/);
    });
  });
}
