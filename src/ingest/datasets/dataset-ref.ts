/**
 * @module ingest/datasets/dataset-ref
 * Dataset references: `name` (the latest version) or `name@N`.
 */
import { KilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';

export interface DatasetRef {
  readonly name: string;
  /** Undefined: the latest version. */
  readonly version?: number;
}

export function parseDatasetRef(text: unknown, field = 'dataset'): DatasetRef {
  if (typeof text !== 'string' || text.length === 0) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `${field}: expected name or name@version, got ${JSON.stringify(text)}`,
      {
        field,
      },
    );
  }
  const at = text.indexOf('@');
  if (at < 0) return { name: assertName(text, field) };
  const name = assertName(text.slice(0, at), field);
  const rest = text.slice(at + 1);
  if (rest === 'latest') return { name };
  const version = Number(rest);
  if (!/^\d+$/.test(rest) || !Number.isSafeInteger(version) || version < 1) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `${field}: expected a positive version number or "latest" after "@", got "${rest}"`,
      { field, value: text },
    );
  }
  return { name, version };
}

export function formatDatasetRef(name: string, version: number): string {
  return `${name}@${version}`;
}
