/**
 * @module registry/webhooks/webhook-input
 * Validation of a webhook creation request, field by field, before anything is stored. Messages name
 * the field, what was expected and what came; a given secret is never echoed back.
 */
import { invalid, KilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import type { OutboundPolicy } from '../../govern/network/outbound-policy.js';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.js';

export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;
export const MAX_URL_LENGTH = 2048;

export interface ValidWebhookInput {
  /** The URL as the WHATWG parser normalised it. */
  readonly url: string;
  /** Distinct, in the order given. */
  readonly events: readonly WebhookEventType[];
  readonly model: string | null;
  /** Undefined when one is to be generated. */
  readonly secret: string | undefined;
}

/**
 * Checks `url` against the outbound policy (without DNS: the host may not resolve yet; deliveries
 * check again with resolution), the event types against {@link WEBHOOK_EVENT_TYPES}, the model
 * filter against the naming rule and the secret's length.
 */
export function parseWebhookInput(
  input: {
    readonly url: unknown;
    readonly events: unknown;
    readonly model?: unknown;
    readonly secret?: unknown;
  },
  outbound: OutboundPolicy,
): ValidWebhookInput {
  if (typeof input.url !== 'string' || input.url === '')
    throw invalid('url', 'an http or https URL', input.url);
  if (input.url.length > MAX_URL_LENGTH) {
    throw invalid('url', `at most ${MAX_URL_LENGTH} characters`, `${input.url.length} characters`);
  }
  const url = outbound.check(input.url).href;
  return {
    url,
    events: parseEvents(input.events),
    model: parseModel(input.model),
    secret: parseSecret(input.secret),
  };
}

function parseEvents(v: unknown): WebhookEventType[] {
  const expected = `a non-empty list of ${WEBHOOK_EVENT_TYPES.join(', ')}`;
  if (!Array.isArray(v) || v.length === 0) throw invalid('events', expected, v);
  const events: WebhookEventType[] = [];
  v.forEach((e: unknown, i) => {
    if (!isWebhookEventType(e)) throw invalid(`events[${i}]`, `one of ${WEBHOOK_EVENT_TYPES.join(', ')}`, e);
    if (!events.includes(e)) events.push(e);
  });
  return events;
}

function parseModel(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return assertName(v, 'model');
}

function parseSecret(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const expected = `a string of ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters`;
  if (typeof v !== 'string') throw invalid('secret', expected, typeof v);
  if (v.length < MIN_SECRET_LENGTH || v.length > MAX_SECRET_LENGTH) {
    throw new KilnError('INVALID_ARGUMENT', `secret: expected ${expected}, got ${v.length} characters`, {
      field: 'secret',
      expected,
    });
  }
  return v;
}
