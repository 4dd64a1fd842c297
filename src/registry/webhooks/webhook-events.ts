/**
 * @module registry/webhooks/webhook-events
 * What a webhook can subscribe to, what one delivery carries, and the job that sends it.
 * The event types are exactly the registry's ({@link RegistryEventType}); the body format is
 * documented in `docs/webhooks.md` and is a public contract: add fields, never rename them.
 */
import type { RegistryEventType } from '../registry-events.js';

/** Every event type a webhook may subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'model.created',
  'model_version.created',
  'model_version.deleted',
  'alias.moved',
  'alias.deleted',
  'monitor.alert',
] as const satisfies readonly RegistryEventType[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

// Fails to compile when the registry gains an event type that webhooks do not list.
type Unlisted = Exclude<RegistryEventType, WebhookEventType>;
const everyRegistryEventListed: Unlisted extends never ? true : Unlisted = true;
void everyRegistryEventListed;

export function isWebhookEventType(v: unknown): v is WebhookEventType {
  return typeof v === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(v);
}

/** The job type of one delivery attempt series. */
export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';

/** The JSON body POSTed to a receiver, in this key order. */
export interface WebhookDeliveryBody {
  /** The delivery id (also in `X-Kiln-Delivery`): the same on every retry, so receivers can dedupe. */
  readonly id: string;
  readonly type: WebhookEventType;
  /** When the event happened (ISO-8601 UTC). */
  readonly time: string;
  readonly model: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Payload of a `webhook.deliver` job. The body is kept as the exact text that is signed and sent. */
export interface WebhookDeliverPayload {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly type: WebhookEventType;
  readonly body: string;
}

/** Serialises a delivery body; the bytes of this string are what the signature covers. */
export function deliveryBodyText(body: WebhookDeliveryBody): string {
  return JSON.stringify({
    id: body.id,
    type: body.type,
    time: body.time,
    model: body.model,
    data: body.data,
  });
}

/** The payload, or null when `v` is not one (a job enqueued by something else, or corrupted). */
export function parseDeliverPayload(v: unknown): WebhookDeliverPayload | null {
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  if (typeof p.webhookId !== 'string' || typeof p.deliveryId !== 'string' || typeof p.body !== 'string')
    return null;
  if (!isWebhookEventType(p.type)) return null;
  return { webhookId: p.webhookId, deliveryId: p.deliveryId, type: p.type, body: p.body };
}
