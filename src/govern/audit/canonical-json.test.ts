import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** A double from its IEEE 754 bit pattern, so the inputs do not depend on decimal parsing. */
function double(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalJson (RFC 8785)', () => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their required JSON text.
  const numbers: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(numbers)('writes the double %s as %s', (hex, expected) => {
    expect(canonicalJson(double(hex))).toBe(expected);
  });

  it('writes the decimal literals of the brief as ECMAScript does', () => {
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e-7)).toBe('1e-7');
    // biome-ignore lint/correctness/noPrecisionLoss: the RFC's input has more digits than a double keeps
    expect(canonicalJson(333333333.33333329)).toBe('333333333.3333333');
    expect(canonicalJson(4.5)).toBe('4.5');
    expect(canonicalJson(0.002)).toBe('0.002');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s with a message naming where it was', (_name, n) => {
    expect(() => canonicalJson({ a: [1, n] })).toThrow(/\$\.a\[1\].*NaN or Infinity/);
    expect(() => canonicalJson(n)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('serialises the RFC 8785 §3.2.2 example exactly', () => {
    const input = {
      // biome-ignore lint/correctness/noPrecisionLoss: the RFC's input has more digits than a double keeps
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units, as in RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // U+1F600 is the pair D83D DE00, so it sorts before U+FB33 by code units (not by code point).
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('escapes only what JCS escapes, with lowercase hex and the short forms', () => {
    const all = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(canonicalJson(all)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    // DEL, the line/paragraph separators, "/" and non-ASCII stay literal.
    expect(canonicalJson('\u007f\u2028\u2029/é😀')).toBe('"\u007f\u2028\u2029/é😀"');
    expect(canonicalJson('"\\')).toBe('"\\"\\\\"');
  });

  it('refuses lone surrogates in strings and in member names, but accepts pairs', () => {
    expect(() => canonicalJson('a\ud800')).toThrow(/lone UTF-16 surrogate/);
    expect(() => canonicalJson('\udc00b')).toThrow(/lone UTF-16 surrogate/);
    expect(() => canonicalJson('\ude00\ud83d')).toThrow(/lone UTF-16 surrogate/);
    expect(() => canonicalJson({ 'k\udbff': 1 })).toThrow(/\$\.k.*lone UTF-16 surrogate/);
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });

  it('omits undefined members, writes no whitespace and nests', () => {
    expect(canonicalJson({ b: undefined, a: { d: [1, { f: 'x', e: null }], c: true } })).toBe(
      '{"a":{"c":true,"d":[1,{"e":null,"f":"x"}]}}',
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson(null)).toBe('null');
  });

  it('honours toJSON as JSON.stringify does', () => {
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.000Z') })).toBe(
      '{"at":"2026-01-02T03:04:05.000Z"}',
    );
    expect(canonicalJson({ k: { toJSON: (key: string) => `key=${key}` } })).toBe('{"k":"key=k"}');
  });

  it('refuses values JSON cannot carry instead of changing them', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/\$\.self.*cycle/);
    expect(() => canonicalJson([1, undefined])).toThrow(/\$\[1\].*undefined/);
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    expect(() => canonicalJson([1, , 3])).toThrow(/\$\[1\].*undefined/);
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f.*function/);
    expect(() => canonicalJson(Symbol('s'))).toThrow(/symbol/);
    expect(() => canonicalJson(new Map([[1, 2]]))).toThrow(/Map/);
    expect(() => canonicalJson(undefined)).toThrow(/undefined/);
  });

  it('writes a shared (non-cyclic) object each time it appears', () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
