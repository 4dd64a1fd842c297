/**
 * @module ingest/sources/source
 * The contract every source loader keeps: load one spec source into a DuckDB TEMP table named after
 * its key, and report what was read (files with their digests, or the query) for lineage. A loader
 * that fails leaves no table behind and throws a KilnError: SOURCE_NOT_FOUND, SOURCE_UNREADABLE,
 * SOURCE_UNREACHABLE, CAST_FAILED or PATH_NOT_ALLOWED.
 */
import type { DuckEngine } from '../../store/duckdb/duck-engine.js';
import type { SpecLocation } from '../pipeline/spec-types.js';

export interface SourceContext {
  readonly duck: DuckEngine;
  /** Folder relative source paths are resolved against (the spec file's folder). */
  readonly baseDir: string;
  /** `data.roots` when the run came through the API: files must resolve inside them. */
  readonly allowedRoots?: readonly string[];
  /** Where `url_env` is looked up. Library code never reads `process.env` itself. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface SourceFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface LoadedSource {
  readonly name: string;
  readonly type: 'csv' | 'parquet' | 'json' | 'postgres';
  /** The files read (file sources) or null (postgres). */
  readonly files: readonly SourceFile[] | null;
  /** The query run (postgres). */
  readonly query?: string;
  readonly rowCount: number;
}

/** `pipelines/t.yaml:4 sources.raw`: the prefix of every message about a source. */
export function sourceWhere(location: SpecLocation, name: string): string {
  return `${location.file}:${location.line} sources.${name}`;
}

/** The first line of a DuckDB error message (the rest is DuckDB's own advice, often misleading here). */
export function duckFirstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].trim();
}
