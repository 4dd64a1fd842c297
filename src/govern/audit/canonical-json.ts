/**
 * @module govern/audit/canonical-json
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte-exact serialisation per JSON value, so a
 * hash or a signature over it can be recomputed by anyone from the value alone.
 *
 * - object members are sorted by their names' UTF-16 code units (JavaScript's default string order);
 * - numbers are written as ECMAScript's `Number.prototype.toString` writes them (`JSON.stringify` of
 *   a finite number is exactly that; `-0` becomes `0`);
 * - strings are escaped minimally: `"` `\\` and U+0000–U+001F only, with the short forms `\b \t \n \f
 *   \r` and lowercase `\u00xx` otherwise, which is what `JSON.stringify` does for well-formed text;
 * - no whitespace.
 *
 * JCS restricts input to I-JSON (RFC 7493), so values JSON cannot carry faithfully are refused
 * rather than silently changed: NaN and ±Infinity, lone UTF-16 surrogates (in strings and member
 * names), bigint, functions, symbols, `undefined` array elements, Maps, Sets and cycles.
 * `undefined` object members are omitted and `toJSON()` is honoured, as `JSON.stringify` does.
 */
import { KilnError } from '../../core/errors.js';

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Serialises `value` as RFC 8785 canonical JSON.
 * @param name What to call `value` in error messages (paths read `name.key[0]`); default `$`.
 * @throws KilnError INVALID_ARGUMENT naming the path of the first value JSON cannot represent.
 */
export function canonicalJson(value: unknown, name = '$'): string {
  return write(value, '', name, new Set());
}

/** `key` is the member name or array index, passed to `toJSON` as `JSON.stringify` passes it. */
function write(value: unknown, key: string, path: string, ancestors: Set<object>): string {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return writeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `${value} (JSON has no NaN or Infinity)`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, path, ancestors);
    default:
      throw refuse(path, `a ${typeof value}`);
  }
}

function writeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw refuse(path, 'a cycle');
  if (value instanceof Map || value instanceof Set) throw refuse(path, `a ${value.constructor.name}`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // An index loop, not map(): map() skips the holes of a sparse array.
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined) throw refuse(`${path}[${i}]`, 'undefined');
        items.push(write(item, String(i), `${path}[${i}]`, ancestors));
      }
      return `[${items.join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      const memberPath = `${path}.${key}`;
      members.push(`${writeString(key, memberPath)}:${write(member, key, memberPath, ancestors)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function writeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw refuse(path, 'a string with a lone UTF-16 surrogate (not valid Unicode)');
  return JSON.stringify(s);
}

function refuse(path: string, what: string): KilnError {
  return new KilnError('INVALID_ARGUMENT', `${path}: expected a JSON value, got ${what}`, {
    field: path,
    expected: 'a JSON value (RFC 8785 / I-JSON)',
    got: what,
  });
}
