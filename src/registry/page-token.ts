/**
 * @module registry/page-token
 * Opaque tokens for keyset pagination. A token carries the sort key of the last item served and a
 * fingerprint of the filter it was made for, so it is refused with any other filter. It is
 * base64url JSON `{"v":1,"k":[…],"f":"<16 hex>"}`: opaque to clients by contract, not by secrecy.
 * It is not signed — a client that forges one can only choose where its next page starts within
 * its own filter, which it could do with the filter itself; access checks apply to every request.
 */
import { createHash } from 'node:crypto';
import { invalid, KilnError } from '../core/errors.js';

/** The version written into tokens; tokens of any other version are refused. */
export const PAGE_TOKEN_VERSION = 1;
/** Longest token accepted (and made), in characters. */
export const MAX_PAGE_TOKEN_LENGTH = 1024;

/** A keyset position: the sort-key values of the last item served, in sort order. */
export type PageKey = readonly (string | number)[];

export interface PageTokenInput {
  /** The keyset position, e.g. `[modelName, version]`. */
  readonly k: PageKey;
  /** The filter text the page was made for; only its fingerprint goes into the token. */
  readonly f: string;
}

/**
 * The fingerprint binding a token to its filter: the first 16 hex digits of the SHA-256 of the
 * text. Callers should pass the canonical text (`formatFilter(parseFilter(raw))`) both when making
 * and when reading tokens, so spacing and quoting do not matter.
 */
export function filterFingerprint(filterText: string): string {
  return createHash('sha256').update(filterText, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Makes the token for the page after `k`. Throws INTERNAL if `k` holds anything but strings and
 * finite numbers, or if the token would be longer than {@link MAX_PAGE_TOKEN_LENGTH} (it would be
 * refused when it came back).
 */
export function encodePageToken(input: PageTokenInput): string {
  if (!isPageKey(input.k))
    throw new KilnError('INTERNAL', 'page token: the key must be a list of strings and finite numbers');
  const json = JSON.stringify({ v: PAGE_TOKEN_VERSION, k: input.k, f: filterFingerprint(input.f) });
  const token = Buffer.from(json, 'utf8').toString('base64url');
  if (token.length > MAX_PAGE_TOKEN_LENGTH) {
    throw new KilnError(
      'INTERNAL',
      `page token: ${token.length} characters, over the ${MAX_PAGE_TOKEN_LENGTH} allowed`,
    );
  }
  return token;
}

/**
 * Reads a token made by {@link encodePageToken} for `filterText` (the same text, canonical as
 * above). Throws INVALID_PAGE_TOKEN for a token that is too long, not base64url, not the expected
 * JSON, of another version, or made for a different filter.
 */
export function decodePageToken(token: string, filterText: string): { k: PageKey } {
  if (typeof token !== 'string' || token.length === 0) throw bad('expected a non-empty string');
  if (token.length > MAX_PAGE_TOKEN_LENGTH)
    throw bad(`expected at most ${MAX_PAGE_TOKEN_LENGTH} characters, got ${token.length}`);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw bad('not a token this server made (it is not base64url)');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a token this server made (it does not decode)');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw bad('not a token this server made');
  const { v, k, f } = payload as { v?: unknown; k?: unknown; f?: unknown };
  if (v !== PAGE_TOKEN_VERSION)
    throw bad(`made by a different server version (token version ${JSON.stringify(v ?? null)})`);
  if (!isPageKey(k) || typeof f !== 'string') throw bad('not a token this server made');
  if (f !== filterFingerprint(filterText))
    throw bad('it was made for a different filter; start again without a page token');
  return { k };
}

function isPageKey(k: unknown): k is PageKey {
  return (
    Array.isArray(k) && k.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))
  );
}

function bad(reason: string): KilnError {
  return new KilnError('INVALID_PAGE_TOKEN', `page_token: ${reason}`, { field: 'page_token' });
}

export interface PageSizeOptions {
  readonly default: number;
  readonly max: number;
  /** The name used in error messages. */
  readonly field?: string;
}

/**
 * Reads a page size from a query parameter or a number: absent (`undefined`, `null`, `''`) gives
 * the default; otherwise a whole number from 1 to `max` (strings must be plain digits). Anything
 * else is INVALID_ARGUMENT naming the field.
 */
export function parsePageSize(v: unknown, options: PageSizeOptions = { default: 100, max: 1000 }): number {
  const field = options.field ?? 'page_size';
  if (v === undefined || v === null || v === '') return options.default;
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > options.max) {
    throw invalid(field, `a whole number from 1 to ${options.max}`, v);
  }
  return n;
}
