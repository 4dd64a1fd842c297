/**
 * @module registry/webhooks/webhook-signature
 * The `X-Kiln-Signature` header: `sha256=` followed by the lower-case hex HMAC-SHA256 of the exact
 * request body bytes, keyed with the webhook's secret (its UTF-8 bytes, as shown at creation; the
 * secret text is the key, it is not base64-decoded). Receivers recompute it over the raw body, before
 * any JSON parsing, and compare in constant time; `docs/webhooks.md` shows how in Node and Python.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_RE = /^sha256=([0-9a-fA-F]{64})$/;

/** `sha256=<hex HMAC-SHA256(secret, body)>`; a string body is taken as UTF-8. */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * True when `header` is the signature of `body` under `secret`. A missing or malformed header is
 * false, never an exception. The comparison takes the same time wherever the digests differ.
 */
export function verifyWebhookSignature(
  secret: string,
  body: Buffer | string,
  header: string | null | undefined,
): boolean {
  const m = typeof header === 'string' ? HEADER_RE.exec(header.trim()) : null;
  if (!m) return false;
  const given = Buffer.from(m[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}
