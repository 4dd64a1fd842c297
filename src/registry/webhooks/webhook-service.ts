/**
 * @module registry/webhooks/webhook-service
 * Webhooks: HTTP endpoints told about registry events. A webhook has a URL (checked against
 * `network.allow`), the event types it wants, an optional model filter and a signing secret shown
 * once at creation. Creating and deleting are audited (`webhook.create`, `webhook.delete`, resource
 * `webhook/<id>`).
 *
 * Deliveries use the outbox pattern: the registry calls {@link WebhookService.emit} inside the
 * transaction that changes its state, and emit enqueues one `webhook.deliver` job per matching
 * webhook in that same transaction, so a delivery exists if and only if the change commits. The jobs
 * are run by the handler {@link WebhookService.register} installs (see `webhook-delivery.ts`),
 * at least once each: receivers dedupe on the delivery id. `docs/webhooks.md` is the user's guide.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { KilnError } from '../../core/errors.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { Actor } from '../../govern/auth/roles.js';
import type { OutboundPolicy } from '../../govern/network/outbound-policy.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { Database, WebhooksTable } from '../../store/schema.js';
import type { RegistryEvent, RegistryEventSink } from '../registry-events.js';
import { type DeliveryResult, deliverWebhook } from './webhook-delivery.js';
import {
  deliveryBodyText,
  isWebhookEventType,
  WEBHOOK_DELIVER_JOB,
  type WebhookDeliverPayload,
  type WebhookEventType,
} from './webhook-events.js';
import { parseWebhookInput } from './webhook-input.js';

/** Attempts per delivery: with 1 s doubling (1 + 2 + … + 1024 s), retries span about 34 minutes. */
export const DELIVERY_MAX_ATTEMPTS = 12;
export const DELIVERY_BACKOFF_MS = 1000;
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookServiceOptions {
  /** Time allowed to one delivery attempt, connect to last byte (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * Sends deliveries with this instead of the built-in client. The built-in client connects only to
   * the addresses the outbound policy checked; a `fetch` resolves the host name again by itself.
   */
  readonly fetch?: typeof fetch;
}

/** A webhook as listed: never its secret. */
export interface WebhookInfo {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** Only events of this model are sent; null for every model. */
  readonly model: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface CreatedWebhook extends WebhookInfo {
  /** The signing secret: returned by `create` only. */
  readonly secret: string;
}

export interface CreateWebhookInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly model?: string | null | undefined;
  /** At least 16 characters; generated (32 random bytes, base64url) when omitted. */
  readonly secret?: string | undefined;
}

export class WebhookService implements RegistryEventSink {
  readonly #store: MetadataStore;
  readonly #audit: AuditLog;
  readonly #jobs: JobQueue;
  readonly #outbound: OutboundPolicy;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch | undefined;

  constructor(
    store: MetadataStore,
    audit: AuditLog,
    jobs: JobQueue,
    outbound: OutboundPolicy,
    clock: Clock,
    options: WebhookServiceOptions = {},
  ) {
    this.#store = store;
    this.#audit = audit;
    this.#jobs = jobs;
    this.#outbound = outbound;
    this.#clock = clock;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.#fetch = options.fetch;
  }

  /**
   * Stores a webhook and returns it with its secret (the only time the secret is shown).
   * URL_NOT_ALLOWED when the URL is outside `network.allow`; INVALID_ARGUMENT for unknown or no
   * event types or a short secret; INVALID_NAME / MODEL_NOT_FOUND for a bad model filter.
   */
  async create(actor: Actor, input: CreateWebhookInput): Promise<CreatedWebhook> {
    const { url, events, model, secret } = parseWebhookInput(input, this.#outbound);
    const row: WebhooksTable = {
      id: randomUUID(),
      url,
      secret: secret ?? randomBytes(32).toString('base64url'),
      events_json: JSON.stringify(events),
      model_name: model,
      created_by: actor.name,
      created_at: this.#clock.now().toISOString(),
    };
    await this.#store.transaction(async (trx) => {
      if (model !== null) {
        const found = await trx
          .selectFrom('models')
          .select('name')
          .where('name', '=', model)
          .executeTakeFirst();
        if (!found) throw new KilnError('MODEL_NOT_FOUND', `no registered model named "${model}"`, { model });
      }
      await trx.insertInto('webhooks').values(row).execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'webhook.create',
        resource: `webhook/${row.id}`,
        details: { url, events, model },
      });
    });
    await this.#audit.flushCheckpointFile();
    return { ...toInfo(row), secret: row.secret };
  }

  /** Every webhook, oldest first, without secrets. */
  async list(): Promise<WebhookInfo[]> {
    const rows = await this.#store.db
      .selectFrom('webhooks')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toInfo);
  }

  /** WEBHOOK_NOT_FOUND when there is none by that id. */
  async get(id: string): Promise<WebhookInfo> {
    const row = await this.#store.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(id);
    return toInfo(row);
  }

  /**
   * Deletes a webhook and returns what it was; deliveries already enqueued for it end quietly when
   * they run. WEBHOOK_NOT_FOUND when there is none by that id.
   */
  async delete(actor: Actor, id: string): Promise<WebhookInfo> {
    const info = await this.#store.transaction(async (trx) => {
      const row = await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(id);
      await trx.deleteFrom('webhooks').where('id', '=', id).execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'webhook.delete',
        resource: `webhook/${id}`,
      });
      return toInfo(row);
    });
    await this.#audit.flushCheckpointFile();
    return info;
  }

  /**
   * Enqueues, inside `trx`, one delivery job per webhook subscribed to `event.type` whose model
   * filter is null or `event.model`. Called by the registry within the transaction of the change;
   * if that transaction rolls back, no delivery exists.
   */
  async emit(trx: Transaction<Database>, event: RegistryEvent): Promise<void> {
    if (!isWebhookEventType(event.type)) return;
    const rows = await trx
      .selectFrom('webhooks')
      .selectAll()
      .where((eb) => eb.or([eb('model_name', 'is', null), eb('model_name', '=', event.model)]))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const time = this.#clock.now().toISOString();
    for (const row of rows) {
      if (!eventsOf(row).includes(event.type)) continue;
      const deliveryId = randomUUID();
      const payload: WebhookDeliverPayload = {
        webhookId: row.id,
        deliveryId,
        type: event.type,
        body: deliveryBodyText({
          id: deliveryId,
          type: event.type,
          time,
          model: event.model,
          data: event.data,
        }),
      };
      await this.#jobs.enqueue(WEBHOOK_DELIVER_JOB, payload, {
        trx,
        maxAttempts: DELIVERY_MAX_ATTEMPTS,
        backoffMs: DELIVERY_BACKOFF_MS,
      });
    }
  }

  /** Installs the `webhook.deliver` handler on `jobs` (the queue that runs this process's jobs). */
  register(jobs: JobQueue = this.#jobs): void {
    jobs.register(WEBHOOK_DELIVER_JOB, (payload, ctx) => this.deliver(payload, ctx.signal));
  }

  /** One delivery attempt of a `webhook.deliver` job payload; see `webhook-delivery.ts`. */
  deliver(payload: unknown, signal?: AbortSignal): Promise<DeliveryResult> {
    return deliverWebhook(
      { store: this.#store, outbound: this.#outbound, timeoutMs: this.#timeoutMs, fetch: this.#fetch },
      payload,
      signal,
    );
  }
}

function eventsOf(row: WebhooksTable): WebhookEventType[] {
  const parsed: unknown = JSON.parse(row.events_json);
  return Array.isArray(parsed) ? parsed.filter(isWebhookEventType) : [];
}

function toInfo(row: WebhooksTable): WebhookInfo {
  return {
    id: row.id,
    url: row.url,
    events: eventsOf(row),
    model: row.model_name,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function notFound(id: string): KilnError {
  return new KilnError('WEBHOOK_NOT_FOUND', `no webhook with id "${id}"`, { id });
}
