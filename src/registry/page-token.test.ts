import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import {
  decodePageToken,
  encodePageToken,
  filterFingerprint,
  MAX_PAGE_TOKEN_LENGTH,
  parsePageSize,
} from './page-token.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return (e as KilnError).code;
  }
  throw new Error('expected a KilnError');
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const b64 = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

describe('page tokens', () => {
  const filter = 'name ^= "fr" AND tag.team = "risk"';

  it('round-trips the keyset position with the same filter', () => {
    const token = encodePageToken({ k: ['fraud', 3], f: filter });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, filter)).toEqual({ k: ['fraud', 3] });
    const unicode = encodePageToken({ k: ['modèle-ü', 0, -1.5], f: '' });
    expect(decodePageToken(unicode, '')).toEqual({ k: ['modèle-ü', 0, -1.5] });
  });

  it('is base64url JSON with a version, the key and the first 16 hex of the SHA-256 of the filter', () => {
    const token = encodePageToken({ k: ['fraud', 3], f: filter });
    const expectedHash = createHash('sha256').update(filter).digest('hex').slice(0, 16);
    expect(filterFingerprint(filter)).toBe(expectedHash);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).toEqual({
      v: 1,
      k: ['fraud', 3],
      f: expectedHash,
    });
  });

  it('refuses a token used with a different filter', () => {
    const token = encodePageToken({ k: ['fraud', 3], f: filter });
    expect(codeOf(() => decodePageToken(token, 'name ^= "fr"'))).toBe('INVALID_PAGE_TOKEN');
    expect(messageOf(() => decodePageToken(token, ''))).toBe(
      'page_token: it was made for a different filter; start again without a page token',
    );
  });

  it('refuses garbage', () => {
    for (const garbage of [
      '',
      'not a token!',
      '====',
      'aGVsbG8',
      b64('[1,2]'),
      b64('null'),
      b64('"x"'),
      'eyJ2IjoxLCJr',
    ]) {
      expect(codeOf(() => decodePageToken(garbage, filter))).toBe('INVALID_PAGE_TOKEN');
    }
    expect(codeOf(() => decodePageToken(42 as unknown as string, filter))).toBe('INVALID_PAGE_TOKEN');
  });

  it('refuses well-formed JSON of the wrong shape', () => {
    const f = filterFingerprint(filter);
    for (const json of [
      `{"v":1,"f":"${f}"}`,
      `{"v":1,"k":"fraud","f":"${f}"}`,
      `{"v":1,"k":[{"a":1}],"f":"${f}"}`,
      `{"v":1,"k":[null],"f":"${f}"}`,
      `{"v":1,"k":["fraud"]}`,
      `{"v":1,"k":["fraud"],"f":7}`,
    ]) {
      expect(codeOf(() => decodePageToken(b64(json), filter))).toBe('INVALID_PAGE_TOKEN');
    }
  });

  it('refuses a token of another version', () => {
    const f = filterFingerprint(filter);
    expect(messageOf(() => decodePageToken(b64(`{"v":2,"k":["fraud",3],"f":"${f}"}`), filter))).toBe(
      'page_token: made by a different server version (token version 2)',
    );
    expect(codeOf(() => decodePageToken(b64(`{"k":["fraud",3],"f":"${f}"}`), filter))).toBe(
      'INVALID_PAGE_TOKEN',
    );
  });

  it('refuses tokens over 1 KiB before decoding them, and will not make one', () => {
    const long = b64(`{"v":1,"k":["${'x'.repeat(800)}"],"f":"${filterFingerprint(filter)}"}`);
    expect(long.length).toBeGreaterThan(MAX_PAGE_TOKEN_LENGTH);
    expect(messageOf(() => decodePageToken(long, filter))).toBe(
      `page_token: expected at most 1024 characters, got ${long.length}`,
    );
    expect(codeOf(() => encodePageToken({ k: ['x'.repeat(800)], f: filter }))).toBe('INTERNAL');
    const fits = encodePageToken({ k: ['x'.repeat(700)], f: filter });
    expect(fits.length).toBeLessThanOrEqual(MAX_PAGE_TOKEN_LENGTH);
    expect(decodePageToken(fits, filter).k[0]).toHaveLength(700);
  });

  it('will not encode a key that is not strings and finite numbers', () => {
    expect(codeOf(() => encodePageToken({ k: [Number.NaN], f: '' }))).toBe('INTERNAL');
    expect(codeOf(() => encodePageToken({ k: [{}] as unknown as string[], f: '' }))).toBe('INTERNAL');
  });
});

describe('parsePageSize', () => {
  it('gives the default when absent', () => {
    expect(parsePageSize(undefined)).toBe(100);
    expect(parsePageSize(null)).toBe(100);
    expect(parsePageSize('')).toBe(100);
    expect(parsePageSize(undefined, { default: 20, max: 50 })).toBe(20);
  });

  it('accepts whole numbers from 1 to max, as numbers or digit strings', () => {
    expect(parsePageSize(1)).toBe(1);
    expect(parsePageSize('250')).toBe(250);
    expect(parsePageSize(1000)).toBe(1000);
    expect(parsePageSize('50', { default: 20, max: 50 })).toBe(50);
  });

  it('refuses anything else with INVALID_ARGUMENT naming the field', () => {
    for (const bad of [
      0,
      -1,
      1001,
      1.5,
      '1.5',
      '0',
      '-3',
      ' 10',
      '1e2',
      '0x10',
      'ten',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      [10],
      {},
    ]) {
      expect(codeOf(() => parsePageSize(bad))).toBe('INVALID_ARGUMENT');
    }
    expect(messageOf(() => parsePageSize('1001'))).toBe(
      'page_size: expected a whole number from 1 to 1000, got "1001"',
    );
    expect(messageOf(() => parsePageSize(51, { default: 20, max: 50, field: 'limit' }))).toBe(
      'limit: expected a whole number from 1 to 50, got 51',
    );
  });
});
