/**
 * @module ingest/lineage/sinks/http-lineage-sink
 * POSTs each event as JSON to an OpenLineage HTTP endpoint — Marquez's `POST /api/v1/lineage` —
 * through Kiln's outbound allow-list: the URL is checked when the sink is made (so a URL missing
 * from `network.allow` fails at start-up) and again, with DNS resolution, before every request,
 * which then connects only to the checked addresses and never follows redirects.
 *
 * Failures, all KilnErrors: URL_NOT_ALLOWED (refused by the policy); UNAVAILABLE for a network or
 * DNS error, no answer within `timeoutMs` (default 5 s), or a non-2xx answer (`details.status`,
 * and the first bytes of the body in the message). Nothing is retried: the NDJSON file is the
 * durable record.
 */
import { invalid, KilnError } from '../../../core/errors.js';
import { maskUrl, type OutboundPolicy } from '../../../govern/network/outbound-policy.js';
import { sendToCheckedTarget } from '../../../govern/network/pinned-request.js';
import type { LineageSink } from '../lineage-sink.js';
import type { OpenLineageRunEvent } from '../openlineage-types.js';

/** Marquez's (and the OpenLineage HTTP transport's default) endpoint. */
export const LINEAGE_ENDPOINT = '/api/v1/lineage';
export const DEFAULT_LINEAGE_TIMEOUT_MS = 5_000;
const USER_AGENT = 'Kiln-Lineage/1';

export interface HttpLineageSinkOptions {
  /** The server's base URL (`http://marquez:5000`); the endpoint is appended unless already there. */
  readonly url: string;
  readonly outbound: OutboundPolicy;
  /** For the whole exchange; default 5000. */
  readonly timeoutMs?: number;
  /** Extra headers, e.g. `authorization` for a backend that needs a key. Never logged. */
  readonly headers?: Readonly<Record<string, string>>;
}

export class HttpLineageSink implements LineageSink {
  readonly url: string;
  readonly name: string;
  readonly #outbound: OutboundPolicy;
  readonly #timeoutMs: number;
  readonly #headers: Readonly<Record<string, string>>;

  /** URL_NOT_ALLOWED when the policy refuses the URL; INVALID_ARGUMENT for a bad timeout. */
  constructor(options: HttpLineageSinkOptions) {
    this.url = endpointUrl(options.url);
    options.outbound.check(this.url);
    const timeoutMs = options.timeoutMs ?? DEFAULT_LINEAGE_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
      throw invalid('timeoutMs', 'an integer number of milliseconds, 1…60000', timeoutMs);
    }
    this.#outbound = options.outbound;
    this.#timeoutMs = timeoutMs;
    this.#headers = { ...(options.headers ?? {}) };
    this.name = `http:${this.url}`;
  }

  async emit(event: OpenLineageRunEvent): Promise<void> {
    const target = await this.#outbound.checkResolved(this.url);
    let status: number;
    let bodyStart: string;
    try {
      ({ status, bodyStart } = await sendToCheckedTarget(target, {
        method: 'POST',
        headers: { ...this.#headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
        body: JSON.stringify(event),
        timeoutMs: this.#timeoutMs,
      }));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why =
        err.name === 'TimeoutError' || err.name === 'AbortError'
          ? `no answer within ${this.#timeoutMs} ms`
          : err.message;
      throw new KilnError(
        'UNAVAILABLE',
        `lineage POST to ${this.url} failed: ${why}`,
        { url: this.url, ...(err.code ? { code: err.code } : {}) },
        { cause: e },
      );
    }
    if (status >= 200 && status < 300) return;
    const said = bodyStart.trim() === '' ? '' : `: ${bodyStart.trim().slice(0, 200)}`;
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    throw new KilnError('UNAVAILABLE', `lineage endpoint ${this.url} answered ${status}${redirect}${said}`, {
      url: this.url,
      status,
    });
  }
}

/** `base` + `/api/v1/lineage` (kept when `base` already ends with it), without query or fragment. */
export function endpointUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new KilnError(
      'URL_NOT_ALLOWED',
      `lineage.url ${JSON.stringify(base)} is not a valid absolute URL`,
      {
        url: base,
        reason: 'invalid-url',
      },
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalid('lineage.url', 'a base URL without query or fragment', maskUrl(url));
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(LINEAGE_ENDPOINT) ? path : `${path}${LINEAGE_ENDPOINT}`;
  return url.href;
}
