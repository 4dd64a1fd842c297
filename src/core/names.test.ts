import { describe, expect, it } from 'vitest';
import { assertAlias, assertName, parseModelRef } from './names.js';

describe('names', () => {
  it('accepts names that follow the rule', () => {
    for (const ok of ['fraud', 'Fraud_v2', 'a', 'a.b-c_d', `a${'b'.repeat(127)}`])
      expect(assertName(ok)).toBe(ok);
  });

  it.each([
    ['', 'must not be empty'],
    ['../etc', 'must not contain path separators'],
    ['a/b', 'path separators'],
    ['a\\b', 'path separators'],
    ['a..b', '".."'],
    ['a\u0000b', 'control characters'],
    ['a\nb', 'control characters'],
    ['1abc', 'must start with a letter'],
    ['-abc', 'must start with a letter'],
    ['a b', 'may contain only'],
    ['ünï', 'must start with a letter'],
    [`a${'b'.repeat(128)}`, 'at most 128'],
  ])('refuses %j (%s)', (bad, why) => {
    expect(() => assertName(bad)).toThrowError(
      expect.objectContaining({ code: 'INVALID_NAME', message: expect.stringContaining(why) }),
    );
  });

  it('refuses all-digit aliases, saying why', () => {
    expect(() => assertAlias('3')).toThrowError(/must not be all digits/);
    expect(assertAlias('champion')).toBe('champion');
  });

  it('parses model references', () => {
    expect(parseModelRef('fraud')).toEqual({ name: 'fraud', kind: 'latest' });
    expect(parseModelRef('fraud@3')).toEqual({ name: 'fraud', kind: 'version', version: 3 });
    expect(parseModelRef('fraud@champion')).toEqual({ name: 'fraud', kind: 'alias', alias: 'champion' });
    expect(() => parseModelRef('fraud@0')).toThrow(/positive integer/);
    expect(() => parseModelRef('fr/aud@1')).toThrow(/path separators/);
    expect(() => parseModelRef('fraud@../x')).toThrow();
  });
});
