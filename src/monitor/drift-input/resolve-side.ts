/**
 * @module monitor/drift-input/resolve-side
 * Turns a side of a drift comparison into the DuckDB relation that reads it:
 * - a dataset version → `read_parquet(<its verified local file>)` through the {@link DatasetService};
 * - a file → `read_parquet` / `read_csv` / `read_json` by extension. When `allowedRoots` is given (a
 *   request through the API: `data.roots`), the file must resolve inside one of them after symlinks
 *   (PATH_NOT_ALLOWED otherwise, SOURCE_NOT_FOUND when missing) — the check is `resolveDataPath`'s,
 *   the one pipeline sources use;
 * - `{ relation }` → used as given: a table, a view or a table function on the caller's engine.
 *   Only programmatic callers may pass one; the API never does.
 */
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { KilnError } from '../../core/errors.js';
import type { DatasetService } from '../../ingest/datasets/dataset-service.js';
import { resolveDataPath } from '../../ingest/paths/resolve-data-path.js';
import { quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { DriftFileFormat, SideSpec } from './side-spec.js';
import { parseSide } from './side-spec.js';

/** A side as callers give it: `name@N`, a file path, or a DuckDB relation on the caller's engine. */
export type DriftSideInput = string | { readonly relation: string; readonly label?: string };

export interface ResolveSideContext {
  /** Needed for dataset references; DRIFT_INPUT_INVALID without it. */
  readonly datasets?: DatasetService;
  /** `data.roots`: when given, files must resolve inside one of these folders. */
  readonly allowedRoots?: readonly string[];
  /** Folder relative file paths are resolved against (default: the process's working directory). */
  readonly baseDir?: string;
}

/** Where a side's rows came from, as the report shows it. */
export interface SideSource {
  readonly label: string;
  readonly type: 'dataset' | 'file' | 'relation';
  /** `name@N` of a dataset side. */
  readonly dataset?: string;
  /** Absolute path of a file side. */
  readonly path?: string;
  readonly format?: DriftFileFormat;
}

export interface ResolvedSide {
  readonly source: SideSource;
  /** SQL usable after FROM. */
  readonly relation: string;
}

/** Resolves one side (`field` is `reference` or `current`, used in messages). */
export async function resolveSide(
  input: DriftSideInput,
  field: string,
  context: ResolveSideContext = {},
): Promise<ResolvedSide> {
  if (typeof input === 'object' && input !== null && typeof input.relation === 'string') {
    return { relation: input.relation, source: { label: input.label ?? input.relation, type: 'relation' } };
  }
  const spec: SideSpec = parseSide(input, field);
  if (spec.kind === 'dataset') {
    if (!context.datasets) {
      throw new KilnError(
        'DRIFT_INPUT_INVALID',
        `${field}: "${spec.text}" is a dataset reference, but no workspace is open to resolve it; give a data file path instead`,
        { field, value: spec.text },
      );
    }
    const { version, path } = await context.datasets.parquetPath(spec.ref);
    return {
      relation: `read_parquet(${quoteLiteral(path)})`,
      source: { label: version.ref, type: 'dataset', dataset: version.ref },
    };
  }
  const baseDir = context.baseDir ?? process.cwd();
  const path = context.allowedRoots
    ? await allowedFile(spec.path, baseDir, context.allowedRoots, field)
    : await existingFile(resolve(baseDir, spec.path), spec.path, field);
  return {
    relation: relationFor(path, spec.format),
    source: { label: spec.text, type: 'file', path, format: spec.format },
  };
}

async function allowedFile(
  path: string,
  baseDir: string,
  roots: readonly string[],
  field: string,
): Promise<string> {
  const files = await resolveDataPath(path, { baseDir, allowedRoots: roots, field });
  if (files.length !== 1) {
    throw new KilnError(
      'DRIFT_INPUT_INVALID',
      `${field}: expected one file, "${path}" names ${files.length}`,
      {
        field,
        path,
      },
    );
  }
  return files[0].path;
}

async function existingFile(absolute: string, shown: string, field: string): Promise<string> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(absolute);
  } catch {
    throw new KilnError('SOURCE_NOT_FOUND', `${field}: no such file "${shown}" (resolved to ${absolute})`, {
      field,
      path: shown,
    });
  }
  if (!stat.isFile()) {
    throw new KilnError('SOURCE_NOT_FOUND', `${field}: "${shown}" is not a file`, { field, path: shown });
  }
  return absolute;
}

/** The DuckDB table function that reads a file of this format. */
export function relationFor(path: string, format: DriftFileFormat): string {
  const lit = quoteLiteral(path);
  switch (format) {
    case 'parquet':
      return `read_parquet(${lit})`;
    case 'csv':
      return `read_csv(${lit}, header = true)`;
    case 'tsv':
      return `read_csv(${lit}, header = true, delim = '\t')`;
    case 'json':
      return `read_json(${lit})`;
    case 'ndjson':
      return `read_json(${lit}, format = 'newline_delimited')`;
  }
}
