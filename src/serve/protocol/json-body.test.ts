import { describe, expect, it } from 'vitest';
import { parseJsonBody, parseLosslessJson } from './json-body.js';
import { kilnErrorOf } from './test-support/wire.js';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('parseJsonBody', () => {
  it('reads integer literals past 2^53 as exact bigints, smaller ones as numbers', () => {
    const v = parseJsonBody(
      utf8('[9223372036854775807, -9007199254740993, 9007199254740991, 1234567890123456, 1.5]'),
      'body',
    );
    expect(v).toEqual([9223372036854775807n, -9007199254740993n, 9007199254740991, 1234567890123456, 1.5]);
  });

  it('leaves long digit runs in fractions, exponents and strings alone', () => {
    const v = parseJsonBody(
      utf8('{"a":0.30000000000000004,"b":1e-1234567890123456,"c":"12345678901234567890"}'),
      'body',
    );
    expect(v).toEqual({ a: 0.30000000000000004, b: 0, c: '12345678901234567890' });
  });

  it("reads Python's NaN, Infinity and -Infinity tokens", () => {
    expect(parseJsonBody(utf8('[NaN, Infinity, -Infinity, 1]'), 'body')).toEqual([
      Number.NaN,
      Infinity,
      -Infinity,
      1,
    ]);
  });

  it('ignores a byte-order mark', () => {
    expect(parseJsonBody(utf8('\uFEFF{"a":1}'), 'body')).toEqual({ a: 1 });
  });

  it('refuses bytes that are not UTF-8 with INVALID_JSON', () => {
    const e = kilnErrorOf(() => parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]), 'request body'));
    expect(e.code).toBe('INVALID_JSON');
    expect(e.message).toBe('request body: not valid UTF-8');
  });

  it('refuses text that is not JSON, saying where', () => {
    const e = kilnErrorOf(() => parseJsonBody(utf8('{"inputs": [1, 2,]}'), 'request body'));
    expect(e.code).toBe('INVALID_JSON');
    expect(e.message).toBe('request body: not valid JSON: expected a value at position 17, got "]}"');
    expect(kilnErrorOf(() => parseJsonBody(utf8(''), 'body')).message).toContain('got the end');
    expect(kilnErrorOf(() => parseJsonBody(utf8('{"a":1} x'), 'body')).message).toContain(
      'expected the end of the text',
    );
  });

  it('parses nesting 100,000 levels deep on both roads without exhausting the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(Array.isArray(parseJsonBody(utf8(deep), 'body'))).toBe(true);
    const deepBig = `${'['.repeat(100_000)}12345678901234567890${']'.repeat(100_000)}`;
    let v: unknown = parseJsonBody(utf8(deepBig), 'body');
    for (let i = 0; i < 100_000; i++) v = (v as unknown[])[0];
    expect(v).toBe(12345678901234567890n);
  });

  it('keeps "__proto__" as an own key without touching the prototype', () => {
    const v = parseLosslessJson('{"__proto__": {"polluted": true}, "big": 99999999999999999}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseLosslessJson', () => {
  it('agrees with JSON.parse on valid JSON', () => {
    const samples = [
      '{"a":[1,-2.5e3,true,false,null,"x\\"y\\\\z\\u00e9\\n"],"b":{},"c":[],"d":{"e":[[]]}}',
      ' [ 0 , -0 , 1E2 , 1e-2 , "" , "日本" ] ',
      '"just a string"',
      '42',
      '{"dup":1,"dup":2}',
    ];
    for (const s of samples) expect(parseLosslessJson(s)).toEqual(JSON.parse(s));
  });

  it('refuses what JSON.parse refuses', () => {
    const bad = [
      '{',
      '[1,]',
      '{"a" 1}',
      '{a:1}',
      '01',
      '"\\x"',
      '"tab\there"',
      "'single'",
      '[1 2]',
      '{"a":1,}',
      'tru',
      '-',
    ];
    for (const s of bad) {
      expect(() => JSON.parse(s)).toThrow();
      expect(kilnErrorOf(() => parseLosslessJson(s)).code).toBe('INVALID_JSON');
    }
  });
});
