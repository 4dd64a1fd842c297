/**
 * @module registry/webhooks/webhook-delivery
 * One attempt to deliver one webhook event: the body of a `webhook.deliver` job. It reloads the
 * webhook (a deleted webhook ends the job quietly), checks its URL again against the outbound policy
 * with DNS resolution (the policy may have changed since the webhook was created), POSTs the signed
 * body without following redirects, and reports the outcome so that the job queue retries or not:
 *
 * - 2xx: delivered;
 * - 410 Gone, a URL the policy now refuses, a malformed job payload: failed for good
 *   ({@link WebhookDeliveryError} with `retryable = false`, which the job queue honours);
 * - any other status (3xx included), a timeout, a network or DNS error: thrown, retried with
 *   exponential backoff while attempts remain.
 */
import { isKilnError } from '../../core/errors.js';
import type { CheckedTarget, OutboundPolicy } from '../../govern/network/outbound-policy.js';
import { sendToCheckedTarget } from '../../govern/network/pinned-request.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { parseDeliverPayload, type WebhookDeliverPayload } from './webhook-events.js';
import { signWebhookBody } from './webhook-signature.js';

/** What a delivery job resolves with (its result, as JSON). */
export type DeliveryResult =
  | { readonly delivered: true; readonly status: number }
  | { readonly skipped: true; readonly reason: string };

/** A failed attempt. `retryable = false` tells the job queue to fail the job without more attempts. */
export class WebhookDeliveryError extends Error {
  readonly retryable: boolean;
  /** The receiver's HTTP status, when it answered. */
  readonly status: number | null;

  constructor(message: string, options: { retryable: boolean; status?: number | null; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'WebhookDeliveryError';
    this.retryable = options.retryable;
    this.status = options.status ?? null;
  }
}

export interface DeliveryDeps {
  readonly store: MetadataStore;
  readonly outbound: OutboundPolicy;
  readonly timeoutMs: number;
  /** Sends with this instead of the pinned node:http client; it resolves the host name again itself. */
  readonly fetch?: typeof fetch | undefined;
}

const USER_AGENT = 'Kiln-Webhooks/1';

/** Runs one delivery attempt; see the module comment for what throws and what is retried. */
export async function deliverWebhook(
  deps: DeliveryDeps,
  rawPayload: unknown,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  const payload = parseDeliverPayload(rawPayload);
  if (!payload) {
    throw new WebhookDeliveryError(
      'webhook.deliver: malformed job payload (needs webhookId, deliveryId, type, body)',
      {
        retryable: false,
      },
    );
  }
  const row = await deps.store.db
    .selectFrom('webhooks')
    .select(['url', 'secret'])
    .where('id', '=', payload.webhookId)
    .executeTakeFirst();
  if (!row) return { skipped: true, reason: `webhook ${payload.webhookId} was deleted` };

  const what = `webhook ${payload.webhookId} delivery ${payload.deliveryId}`;
  let target: CheckedTarget;
  try {
    target = await deps.outbound.checkResolved(row.url);
  } catch (e) {
    const refused = isKilnError(e) && e.code === 'URL_NOT_ALLOWED';
    throw new WebhookDeliveryError(`${what}: ${(e as Error).message}`, { retryable: !refused, cause: e });
  }

  const headers = deliveryHeaders(payload, row.secret);
  let status: number;
  let bodyStart: string;
  try {
    ({ status, bodyStart } = deps.fetch
      ? await sendWithFetch(deps.fetch, target.url, headers, payload.body, deps.timeoutMs, signal)
      : await sendToCheckedTarget(target, {
          method: 'POST',
          headers,
          body: payload.body,
          timeoutMs: deps.timeoutMs,
          signal,
        }));
  } catch (e) {
    const why =
      (e as Error).name === 'TimeoutError' ? `no answer within ${deps.timeoutMs} ms` : (e as Error).message;
    throw new WebhookDeliveryError(`${what} to ${target.url.href} failed: ${why}`, {
      retryable: true,
      cause: e,
    });
  }
  if (status >= 200 && status < 300) return { delivered: true, status };
  const said = bodyStart.trim() === '' ? '' : `: ${bodyStart.trim().slice(0, 200)}`;
  if (status === 410) {
    throw new WebhookDeliveryError(`${what}: ${target.url.href} answered 410 Gone; not retrying${said}`, {
      retryable: false,
      status,
    });
  }
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  throw new WebhookDeliveryError(`${what}: ${target.url.href} answered ${status}${redirect}${said}`, {
    retryable: true,
    status,
  });
}

/** The headers of a delivery; the signature covers the exact body bytes sent. */
export function deliveryHeaders(payload: WebhookDeliverPayload, secret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-kiln-event': payload.type,
    'x-kiln-delivery': payload.deliveryId,
    'x-kiln-signature': signWebhookBody(secret, payload.body),
  };
}

async function sendWithFetch(
  fetchFn: typeof fetch,
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ status: number; bodyStart: string }> {
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  const res = await fetchFn(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.any(signals),
  });
  const text = await res.text().catch(() => '');
  return { status: res.status, bodyStart: text.slice(0, 1024) };
}
