/**
 * @module monitor/inference-log/inference-log-reader
 * Finds a deployment's inference-log segments for a time window and gives the monitor a DuckDB
 * table expression over them. Rows are selected by `received_at` (UTC, `from` inclusive, `to`
 * exclusive); a segment stamped before `from` holds no row received at or after it, so such files
 * are not even opened.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import { quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { inferenceLogDir, segmentTime } from './segment-paths.js';

export interface InferenceLogQuery {
  readonly deployment: string;
  /** Only this model version's segments. */
  readonly version?: number;
  readonly from?: Date;
  readonly to?: Date;
}

export interface InferenceLogFiles {
  /** Absolute paths, oldest segment first. */
  readonly files: string[];
  /**
   * A DuckDB table expression over the files with the window applied (usable after FROM), or null
   * when there is no segment: `(SELECT * FROM read_parquet([...], union_by_name = true) WHERE …)`.
   */
  readonly relation: string | null;
}

export async function readInferenceLog(
  workspaceDir: string,
  query: InferenceLogQuery,
): Promise<InferenceLogFiles> {
  const deployment = assertName(query.deployment, 'deployment');
  const from = checkDate(query.from, 'from');
  const to = checkDate(query.to, 'to');
  if (query.version !== undefined && (!Number.isSafeInteger(query.version) || query.version < 1)) {
    throw invalid('version', 'a positive integer', query.version);
  }
  const root = join(inferenceLogDir(workspaceDir), deployment);
  const found: { path: string; at: number }[] = [];
  for (const v of await list(root)) {
    if (!/^v\d+$/.test(v) || (query.version !== undefined && v !== `v${query.version}`)) continue;
    for (const day of await list(join(root, v))) {
      for (const name of await list(join(root, v, day))) {
        const at = segmentTime(name);
        if (at === null || (from && at < from.getTime())) continue;
        found.push({ path: join(root, v, day, name), at });
      }
    }
  }
  found.sort((a, b) => a.at - b.at || a.path.localeCompare(b.path));
  const files = found.map((f) => f.path);
  if (files.length === 0) return { files, relation: null };
  const where = [
    ...(from ? [`received_at >= ${timestamp(from)}`] : []),
    ...(to ? [`received_at < ${timestamp(to)}`] : []),
  ];
  const scan = `SELECT * FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)`;
  return { files, relation: `(${scan}${where.length ? ` WHERE ${where.join(' AND ')}` : ''})` };
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return [];
    throw e;
  }
}

function checkDate(d: Date | undefined, field: string): Date | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw invalid(field, 'a valid date', d);
  return d;
}

/** A TIMESTAMP literal in UTC (the log's `received_at` is UTC without a zone). */
function timestamp(d: Date): string {
  return `TIMESTAMP ${quoteLiteral(d.toISOString().replace('T', ' ').replace('Z', ''))}`;
}
