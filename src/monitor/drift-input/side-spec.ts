/**
 * @module monitor/drift-input/side-spec
 * What one side of a drift comparison names: a dataset version (`name`, `name@N`, `name@latest`)
 * or a data file, told apart by the file extension (`.csv`, `.tsv`, `.parquet`, `.pq`, `.json`,
 * `.ndjson`, `.jsonl`, optionally followed by `.gz` for the text formats). A text with a path
 * separator but no known extension is refused rather than guessed at.
 */
import { invalid, KilnError } from '../../core/errors.js';
import type { DatasetRef } from '../../ingest/datasets/dataset-ref.js';
import { parseDatasetRef } from '../../ingest/datasets/dataset-ref.js';

export type DriftFileFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'ndjson';

export type SideSpec =
  | { readonly kind: 'dataset'; readonly text: string; readonly ref: DatasetRef }
  | { readonly kind: 'file'; readonly text: string; readonly path: string; readonly format: DriftFileFormat };

const FORMATS: readonly (readonly [string, DriftFileFormat])[] = [
  ['.csv', 'csv'],
  ['.csv.gz', 'csv'],
  ['.tsv', 'tsv'],
  ['.tsv.gz', 'tsv'],
  ['.parquet', 'parquet'],
  ['.pq', 'parquet'],
  ['.json', 'json'],
  ['.json.gz', 'json'],
  ['.ndjson', 'ndjson'],
  ['.ndjson.gz', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.jsonl.gz', 'ndjson'],
];

/** Every extension a file side may have. */
export const DRIFT_FILE_EXTENSIONS: readonly string[] = FORMATS.map(([ext]) => ext);

/** The format a path's extension names, or null. */
export function fileFormatOf(path: string): DriftFileFormat | null {
  const lower = path.toLowerCase();
  for (const [ext, format] of FORMATS) if (lower.endsWith(ext)) return format;
  return null;
}

/**
 * Parses one side. Throws DRIFT_INPUT_INVALID for an empty value or a path with an unknown
 * extension, and INVALID_NAME / INVALID_ARGUMENT for a malformed dataset reference.
 */
export function parseSide(text: unknown, field: string): SideSpec {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalid(field, 'a dataset reference (name@N) or a data file path', text, 'DRIFT_INPUT_INVALID');
  }
  const format = fileFormatOf(text);
  if (format) return { kind: 'file', text, path: text, format };
  if (text.includes('/') || text.includes('\\')) {
    throw new KilnError(
      'DRIFT_INPUT_INVALID',
      `${field}: "${text}" looks like a path but has no known data file extension; expected one of ${DRIFT_FILE_EXTENSIONS.join(', ')}`,
      { field, value: text, expected: DRIFT_FILE_EXTENSIONS },
    );
  }
  return { kind: 'dataset', text, ref: parseDatasetRef(text, field) };
}
