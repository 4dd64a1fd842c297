/**
 * @module monitor/reports/json-safe
 * JSON has no NaN and no Infinity (`JSON.stringify` silently writes `null` for them). A drift
 * report must survive a JSON round trip unchanged, so before it leaves Kiln every ±Infinity becomes
 * the string `"Infinity"` / `"-Infinity"` (the only infinite statistic is the chi-squared statistic
 * of a category the reference never saw), and a NaN anywhere is a bug: INTERNAL, with its path.
 */
import { KilnError } from '../../core/errors.js';

export type JsonInfinity = 'Infinity' | '-Infinity';

/** `T` with every number possibly replaced by {@link JsonInfinity}. */
export type JsonSafe<T> = T extends number
  ? number | JsonInfinity
  : T extends readonly (infer U)[]
    ? JsonSafe<U>[]
    : T extends object
      ? { [K in keyof T]: JsonSafe<T[K]> }
      : T;

/** A deep copy of plain data with ±Infinity as strings; typed arrays become arrays. INTERNAL on NaN. */
export function toJsonSafe<T>(value: T, path = '$'): JsonSafe<T> {
  return walk(value, path) as JsonSafe<T>;
}

function walk(value: unknown, path: string): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) {
      throw new KilnError('INTERNAL', `drift report: NaN at ${path}`, { path });
    }
    if (value === Number.POSITIVE_INFINITY) return 'Infinity';
    if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return walk(Array.from(value as unknown as ArrayLike<number>), path);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = walk(v, `${path}.${k}`);
  return out;
}
