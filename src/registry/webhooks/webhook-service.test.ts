import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { KilnError } from '../../core/errors.js';
import type { Actor } from '../../govern/auth/roles.js';
import { OutboundPolicy } from '../../govern/network/outbound-policy.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { allTestStoreFactories } from '../../store/test-support/test-databases.js';
import { RecordingAuditLog } from './test-support/recording-audit-log.js';
import { RecordingJobQueue } from './test-support/recording-job-queue.js';
import { WEBHOOK_DELIVER_JOB, type WebhookDeliverPayload } from './webhook-events.js';
import { DELIVERY_BACKOFF_MS, DELIVERY_MAX_ATTEMPTS, WebhookService } from './webhook-service.js';

const ALICE: Actor = { name: 'alice', role: 'engineer' };
const NOW = '2026-03-01T12:00:00.000Z';

async function addModel(store: MetadataStore, name: string): Promise<void> {
  await store.db
    .insertInto('models')
    .values({ name, description: '', owner: 'o', tags_json: '{}', created_at: NOW, updated_at: NOW })
    .execute();
}

for (const factory of allTestStoreFactories()) {
  describe(`WebhookService on ${factory.name}`, () => {
    afterAll(() => factory.cleanup());
    let store: MetadataStore;
    let audit: RecordingAuditLog;
    let jobs: RecordingJobQueue;
    let service: WebhookService;

    beforeEach(async () => {
      store = await factory.create();
      audit = new RecordingAuditLog();
      jobs = new RecordingJobQueue();
      const policy = new OutboundPolicy(['https://*.example.com', 'http://127.0.0.1:*']);
      service = new WebhookService(store, audit, jobs, policy, new ManualClock(NOW));
    });

    describe('create / list / get / delete', () => {
      it('stores a webhook, returns a generated secret once, and audits it', async () => {
        const created = await service.create(ALICE, {
          url: 'https://ci.example.com/hooks',
          events: ['model_version.created', 'alias.moved'],
        });
        expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(created).toMatchObject({
          url: 'https://ci.example.com/hooks',
          events: ['model_version.created', 'alias.moved'],
          model: null,
          createdBy: 'alice',
          createdAt: NOW,
        });
        const listed = await service.list();
        expect(listed).toEqual([
          {
            id: created.id,
            url: 'https://ci.example.com/hooks',
            events: ['model_version.created', 'alias.moved'],
            model: null,
            createdBy: 'alice',
            createdAt: NOW,
          },
        ]);
        expect(JSON.stringify(listed)).not.toContain(created.secret);
        expect(await service.get(created.id)).toEqual(listed[0]);
        const row = await store.db.selectFrom('webhooks').selectAll().executeTakeFirstOrThrow();
        expect(row.secret).toBe(created.secret);
        expect(audit.events).toHaveLength(1);
        expect(audit.events[0]).toMatchObject({
          actor: 'alice',
          action: 'webhook.create',
          resource: `webhook/${created.id}`,
          details: {
            url: 'https://ci.example.com/hooks',
            events: ['model_version.created', 'alias.moved'],
            model: null,
          },
        });
        expect(audit.events[0]!.trx).not.toBeNull();
        expect(JSON.stringify(audit.events[0]!.details)).not.toContain(created.secret);
        expect(audit.flushes).toBe(1);
      });

      it('keeps a given secret and gives each webhook its own generated one', async () => {
        const given = await service.create(ALICE, {
          url: 'http://127.0.0.1:9000/',
          events: ['alias.moved'],
          secret: 'a-secret-of-my-own-choosing',
        });
        expect(given.secret).toBe('a-secret-of-my-own-choosing');
        const a = await service.create(ALICE, { url: 'http://127.0.0.1:9000/', events: ['alias.moved'] });
        const b = await service.create(ALICE, { url: 'http://127.0.0.1:9000/', events: ['alias.moved'] });
        expect(a.secret).not.toBe(b.secret);
        expect(a.id).not.toBe(b.id);
      });

      it('refuses a URL outside the allow-list and stores nothing', async () => {
        for (const url of [
          'https://evil.example.org/',
          'http://169.254.169.254/latest/meta-data',
          'http://2852039166/',
        ]) {
          await expect(service.create(ALICE, { url, events: ['alias.moved'] })).rejects.toMatchObject({
            code: 'URL_NOT_ALLOWED',
          });
        }
        expect(await service.list()).toEqual([]);
        expect(audit.events).toEqual([]);
      });

      it('checks the model filter against the registry', async () => {
        await expect(
          service.create(ALICE, { url: 'http://127.0.0.1:9000/', events: ['alias.moved'], model: 'fraud' }),
        ).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
        expect(await service.list()).toEqual([]);
        await addModel(store, 'fraud');
        const w = await service.create(ALICE, {
          url: 'http://127.0.0.1:9000/',
          events: ['alias.moved'],
          model: 'fraud',
        });
        expect(w.model).toBe('fraud');
      });

      it('deletes with an audit event; WEBHOOK_NOT_FOUND for an unknown id', async () => {
        const w = await service.create(ALICE, { url: 'http://127.0.0.1:9000/', events: ['alias.moved'] });
        const deleted = await service.delete({ name: 'bob', role: 'admin' }, w.id);
        expect(deleted.id).toBe(w.id);
        expect(await service.list()).toEqual([]);
        expect(audit.events.map((e) => [e.actor, e.action, e.resource])).toEqual([
          ['alice', 'webhook.create', `webhook/${w.id}`],
          ['bob', 'webhook.delete', `webhook/${w.id}`],
        ]);
        const again = await service.delete(ALICE, w.id).catch((e: unknown) => e);
        expect(again).toBeInstanceOf(KilnError);
        expect(again).toMatchObject({ code: 'WEBHOOK_NOT_FOUND', message: `no webhook with id "${w.id}"` });
        await expect(service.get(w.id)).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
        expect(audit.events).toHaveLength(2);
      });
    });

    describe('emit', () => {
      it('enqueues one delivery per subscribed webhook whose model filter matches, in the given trx', async () => {
        await addModel(store, 'fraud');
        await addModel(store, 'churn');
        const all = await service.create(ALICE, {
          url: 'http://127.0.0.1:9000/all',
          events: ['model_version.created'],
        });
        const fraud = await service.create(ALICE, {
          url: 'http://127.0.0.1:9000/fraud',
          events: ['model_version.created', 'alias.moved'],
          model: 'fraud',
        });
        await service.create(ALICE, {
          url: 'http://127.0.0.1:9000/churn',
          events: ['model_version.created'],
          model: 'churn',
        });
        await service.create(ALICE, { url: 'http://127.0.0.1:9000/aliases', events: ['alias.moved'] });

        let usedTrx: unknown;
        await store.transaction(async (trx) => {
          usedTrx = trx;
          await service.emit(trx, { type: 'model_version.created', model: 'fraud', data: { version: 3 } });
        });

        expect(jobs.enqueued.map((e) => (e.payload as WebhookDeliverPayload).webhookId).sort()).toEqual(
          [all.id, fraud.id].sort(),
        );
        for (const e of jobs.enqueued) {
          expect(e.type).toBe(WEBHOOK_DELIVER_JOB);
          expect(e.options.trx).toBe(usedTrx);
          expect(e.options.maxAttempts).toBe(DELIVERY_MAX_ATTEMPTS);
          expect(e.options.backoffMs).toBe(DELIVERY_BACKOFF_MS);
          const p = e.payload as WebhookDeliverPayload;
          expect(p.type).toBe('model_version.created');
          expect(JSON.parse(p.body)).toEqual({
            id: p.deliveryId,
            type: 'model_version.created',
            time: NOW,
            model: 'fraud',
            data: { version: 3 },
          });
          // The key order of the body is part of the contract.
          expect(Object.keys(JSON.parse(p.body))).toEqual(['id', 'type', 'time', 'model', 'data']);
        }
        const deliveryIds = jobs.enqueued.map((e) => (e.payload as WebhookDeliverPayload).deliveryId);
        expect(new Set(deliveryIds).size).toBe(2);
        const rows = await store.db.selectFrom('jobs').select(['type', 'max_attempts']).execute();
        expect(rows).toEqual([
          { type: WEBHOOK_DELIVER_JOB, max_attempts: DELIVERY_MAX_ATTEMPTS },
          { type: WEBHOOK_DELIVER_JOB, max_attempts: DELIVERY_MAX_ATTEMPTS },
        ]);
      });

      it('enqueues nothing for an event nobody subscribed to', async () => {
        await service.create(ALICE, { url: 'http://127.0.0.1:9000/', events: ['alias.moved'] });
        await store.transaction((trx) => service.emit(trx, { type: 'model.created', model: 'x', data: {} }));
        expect(jobs.enqueued).toEqual([]);
      });

      it('leaves no delivery behind when the transaction rolls back', async () => {
        await service.create(ALICE, { url: 'http://127.0.0.1:9000/', events: ['alias.moved'] });
        await expect(
          store.transaction(async (trx) => {
            await service.emit(trx, {
              type: 'alias.moved',
              model: 'fraud',
              data: { alias: 'prod', version: 2 },
            });
            throw new Error('the alias move failed after the event');
          }),
        ).rejects.toThrow('the alias move failed');
        expect(jobs.enqueued).toHaveLength(1);
        expect(jobs.enqueued[0]!.options.trx).toBeDefined();
        expect(await store.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
      });
    });
  });
}
