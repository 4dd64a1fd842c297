/**
 * @module ingest/load-file
 * Loads one data file (CSV/TSV, Parquet, JSON or NDJSON, chosen by extension) into a DuckDB
 * table with the same checks a pipeline source gets: strict CSV parsing, UTF-8, empty files,
 * and — for paths arriving through the API — `data.roots`.
 */
import { extname } from 'node:path';
import { KilnError } from '../core/errors.js';
import type { DuckEngine } from '../store/duckdb/duck-engine.js';
import type { SourceSpec } from './pipeline/spec-types.js';
import { type LoadedSource, loadSource } from './sources/index.js';

const EXTENSIONS: Readonly<Record<string, 'csv' | 'tsv' | 'parquet' | 'json'>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.parquet': 'parquet',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
};

/** True when `target` names a data file by its extension (else it is a dataset reference). */
export function isDataFilePath(target: string): boolean {
  return Object.hasOwn(EXTENSIONS, extname(target).toLowerCase());
}

export interface LoadFileOptions {
  readonly baseDir: string;
  readonly allowedRoots?: readonly string[];
}

export async function loadDataFile(
  duck: DuckEngine,
  path: string,
  table: string,
  options: LoadFileOptions,
): Promise<LoadedSource> {
  const kind = EXTENSIONS[extname(path).toLowerCase()];
  if (!kind) {
    throw new KilnError(
      'SOURCE_UNREADABLE',
      `${path}: expected a file ending in ${Object.keys(EXTENSIONS).join(', ')}, got "${extname(path) || 'no extension'}"`,
      { path },
    );
  }
  const location = { file: path, line: 0 };
  const spec: SourceSpec =
    kind === 'parquet'
      ? { type: 'parquet', location, path: [path] }
      : kind === 'json'
        ? { type: 'json', location, path: [path], format: 'auto' }
        : {
            type: 'csv',
            location,
            path: [path],
            options: { header: true, skip: 0, ...(kind === 'tsv' ? { delimiter: '\t' } : {}) },
          };
  return loadSource(
    {
      duck,
      baseDir: options.baseDir,
      env: {},
      ...(options.allowedRoots ? { allowedRoots: options.allowedRoots } : {}),
    },
    table,
    spec,
  );
}
