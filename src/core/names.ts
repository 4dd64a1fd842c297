/**
 * @module core/names
 * The naming rule for everything a user names (models, aliases, tokens, deployments, datasets):
 * `^[A-Za-z][A-Za-z0-9._-]{0,127}$` and no `..`. Aliases additionally may not be all digits, so
 * `name@3` is always a version and `name@champion` always an alias. Names never become file paths.
 */
import { KilnError } from './errors.js';

const NAME_RE = /^[A-Za-z][A-Za-z0-9._-]{0,127}$/;

/** Throws INVALID_NAME, saying what is wrong, unless `value` is a valid name. */
export function assertName(value: unknown, field = 'name'): string {
  const problem = nameProblem(value);
  if (problem) {
    const shown =
      typeof value === 'string'
        ? JSON.stringify(value.length > 140 ? `${value.slice(0, 140)}…` : value)
        : String(value);
    throw new KilnError('INVALID_NAME', `${field}: ${problem}, got ${shown}`, {
      field,
      expected: 'letters, digits, ".", "_" or "-", starting with a letter, at most 128 characters, no ".."',
    });
  }
  return value as string;
}

export function assertAlias(value: unknown, field = 'alias'): string {
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    throw new KilnError(
      'INVALID_NAME',
      `${field}: must not be all digits (name@${value} means version ${value}), got "${value}"`,
      {
        field,
      },
    );
  }
  assertName(value, field);
  return value as string;
}

function nameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'expected a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > 128) return `must be at most 128 characters (has ${value.length})`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (/[/\\]/.test(value)) return 'must not contain path separators';
  if (value.includes('..')) return 'must not contain ".."';
  if (!/^[A-Za-z]/.test(value)) return 'must start with a letter';
  if (!NAME_RE.test(value)) return 'may contain only letters, digits, ".", "_" and "-"';
  return null;
}

/** A model reference: `name`, `name@3` (version) or `name@alias`. */
export type ModelRef =
  | { readonly name: string; readonly kind: 'latest' }
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string };

export function parseModelRef(ref: string, field = 'model'): ModelRef {
  const at = ref.indexOf('@');
  if (at < 0) return { name: assertName(ref, field), kind: 'latest' };
  const name = assertName(ref.slice(0, at), field);
  const rest = ref.slice(at + 1);
  if (/^\d+$/.test(rest)) {
    const version = Number(rest);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new KilnError('INVALID_ARGUMENT', `${field}: version must be a positive integer, got "${rest}"`, {
        field,
      });
    }
    return { name, kind: 'version', version };
  }
  return { name, kind: 'alias', alias: assertAlias(rest, `${field} alias`) };
}
