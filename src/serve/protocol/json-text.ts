/**
 * @module serve/protocol/json-text
 * Writes the JSON text pieces `JSON.stringify` gets wrong for inference responses: 64-bit integers
 * (bigint) as exact integer literals, non-finite floats as the strings "NaN", "Infinity" and
 * "-Infinity" (JSON has no literal for them; numpy and the Python clients read those strings back
 * as floats), and -0 as `-0`.
 */
import type { InferParameters } from '../tensor.js';

/** One float as JSON text: a number literal, or a quoted string for NaN/±Infinity. */
export function floatText(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (v === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** One parameter value as JSON text; bigints become exact integer literals. */
export function parameterValueText(v: string | number | boolean | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return floatText(v);
  return JSON.stringify(v);
}

/** A parameters object as JSON text. */
export function parametersText(parameters: InferParameters): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(parameters)) {
    parts.push(`${JSON.stringify(key)}:${parameterValueText(value)}`);
  }
  return `{${parts.join(',')}}`;
}
