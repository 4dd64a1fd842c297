/**
 * @module serve/protocol/json-body
 * Parses a request's JSON text without losing what `JSON.parse` loses:
 *
 * - integer literals past ±2^53 (64-bit ids, hashes) come back as exact `bigint`s; integers within
 *   ±2^53 and every other number come back as JS numbers;
 * - the tokens `NaN`, `Infinity` and `-Infinity`, which Python's `json.dumps` writes by default,
 *   are read as those numbers.
 *
 * The common case takes the fast road: when the text has no run of 16 or more digits that could be
 * a large integer, `JSON.parse` reads it. Otherwise, or when `JSON.parse` refuses the text, a
 * small iterative parser (an explicit stack, so nesting depth costs heap, never call stack) reads
 * it. Text that is not UTF-8 or not JSON gives INVALID_JSON.
 */
import { KilnError } from '../../core/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** A run of ≥16 digits that is not part of a fraction or exponent: possibly an unsafe integer. */
const MAYBE_BIG_INTEGER = /(?<![\d.eE+])\d{16,}(?![\d.eE])/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses UTF-8 JSON text (a leading byte-order mark is ignored).
 * @param what names the text in errors: `request body`, `JSON header`.
 * @throws KilnError INVALID_JSON with the position of the first error.
 */
export function parseJsonBody(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new KilnError('INVALID_JSON', `${what}: not valid UTF-8`, { field: what, reason: 'invalid_utf8' });
  }
  if (!MAYBE_BIG_INTEGER.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Fall through: the lenient parser accepts NaN/Infinity and words the error itself.
    }
  }
  return parseLosslessJson(text, what);
}

type Frame = { readonly array: unknown[] } | { readonly object: Record<string, unknown>; key: string };

/** The iterative parser behind {@link parseJsonBody}; exported for tests. */
export function parseLosslessJson(text: string, what = 'JSON text'): unknown {
  let i = 0;
  const stack: Frame[] = [];
  const fail = (expected: string): never => {
    const got = i >= text.length ? 'the end' : JSON.stringify(text.slice(i, i + 12));
    throw new KilnError(
      'INVALID_JSON',
      `${what}: not valid JSON: expected ${expected} at position ${i}, got ${got}`,
      {
        field: what,
        reason: 'invalid_json',
        position: i,
      },
    );
  };
  const skip = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.test(text);
    i = WHITESPACE.lastIndex;
  };
  const readString = (): string => {
    if (text.charCodeAt(i) !== 0x22) fail('a string');
    let j = i + 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(j);
      if (Number.isNaN(c)) fail('a closing quote');
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        j += 2;
      } else j += 1;
    }
    const token = text.slice(i, j + 1);
    let s: string;
    if (!escaped && !hasControlCharacter(token)) s = token.slice(1, -1);
    else {
      try {
        s = JSON.parse(token) as string; // exact escape handling, refuses control characters
      } catch {
        return fail('a valid string');
      }
    }
    i = j + 1;
    return s;
  };
  const readKey = (): string => {
    skip();
    const key = readString();
    skip();
    if (text.charCodeAt(i) !== 0x3a) fail('":"');
    i += 1;
    return key;
  };

  for (;;) {
    skip();
    let value: unknown;
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      i += 1;
      skip();
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(i) === close) {
        i += 1;
        value = c === 0x7b ? {} : [];
      } else {
        stack.push(c === 0x7b ? { object: {}, key: readKey() } : { array: [] });
        continue;
      }
    } else if (c === 0x22) value = readString();
    else value = readScalar();

    // Attach the finished value to its parents, closing every container that ends here.
    for (;;) {
      const top = stack.at(-1);
      if (top === undefined) {
        skip();
        if (i !== text.length) fail('the end of the text');
        return value;
      }
      if ('array' in top) top.array.push(value);
      else
        Object.defineProperty(top.object, top.key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      skip();
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i += 1;
        if ('object' in top) top.key = readKey();
        break;
      }
      if (d !== ('array' in top ? 0x5d : 0x7d)) fail(`"," or "${'array' in top ? ']' : '}'}"`);
      i += 1;
      value = 'array' in top ? top.array : top.object;
      stack.pop();
    }
  }

  function readScalar(): unknown {
    for (const [word, v] of LITERALS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail('a value');
    const token = m[0];
    i += token.length;
    if (token.length >= 16 && !/[.eE]/.test(token)) {
      const big = BigInt(token);
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    return Number(token);
  }
}

/** JSON strings may not hold raw characters below U+0020. */
function hasControlCharacter(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) < 0x20) return true;
  return false;
}

const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];
