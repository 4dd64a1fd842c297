/**
 * @module govern/network/pinned-request
 * Sends one HTTP(S) request to a URL that {@link OutboundPolicy.checkResolved} accepted, connecting
 * only to the addresses that were checked: the host name is not resolved again, so a DNS answer that
 * changes between the check and the connection (rebinding) cannot redirect the call. TLS still
 * verifies the certificate against the URL's host name. Redirects are never followed.
 */
import type { LookupAddress } from 'node:dns';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './outbound-policy.js';

export interface PinnedRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The whole exchange (connect, send, receive) must finish within this time. */
  readonly timeoutMs: number;
  /** Aborts the request early (e.g. the job was cancelled). */
  readonly signal?: AbortSignal;
}

export interface PinnedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The first bytes of the response body (UTF-8), for error messages; the rest is discarded. */
  readonly bodyStart: string;
}

const BODY_START_BYTES = 1024;

/**
 * Resolves with the response once its body has been read; rejects on a network error, on timeout
 * (an `AbortError`/`TimeoutError`) or when `signal` aborts.
 */
export function sendToCheckedTarget(target: CheckedTarget, req: PinnedRequest): Promise<PinnedResponse> {
  const signals = [AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])];
  const signal = AbortSignal.any(signals);
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  return new Promise<PinnedResponse>((resolve, reject) => {
    const outgoing = send(target.url, {
      method: req.method,
      headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      lookup: pinnedLookup(target),
      // A fresh connection each time: a pooled socket could have been opened for another check.
      agent: false,
      signal,
    });
    outgoing.on('error', (e) => reject(signal.aborted && signal.reason instanceof Error ? signal.reason : e));
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < BODY_START_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bodyStart: Buffer.concat(chunks).subarray(0, BODY_START_BYTES).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    outgoing.end(body);
  });
}

/** A `lookup` for node:net that answers with the checked addresses instead of asking DNS. */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  const all: LookupAddress[] = target.addresses.map((a) => ({ address: a.address, family: a.family }));
  return (_hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
    if (wanted.length === 0) {
      const err: NodeJS.ErrnoException = new Error(
        `no checked IPv${options.family} address for ${target.url.host}`,
      );
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    if (options.all) callback(null, wanted);
    else callback(null, wanted[0]!.address, wanted[0]!.family);
  };
}
