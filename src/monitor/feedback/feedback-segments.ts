/**
 * @module monitor/feedback/feedback-segments
 * Where ground-truth labels are kept: one Parquet segment per accepted feedback file, under
 * `.kiln/feedback/<deployment>/<yyyymmddThhmmss.mmmZ>-<rand>.parquet`, never rewritten. A segment
 * is written to a hidden temporary name in the same folder and renamed into place, so a reader
 * sees a whole segment or none. Every segment has the columns of {@link FEEDBACK_COLUMNS}.
 *
 * A label supersedes an earlier one for the same key (`key_column`, `key`, `row`): the latest
 * `received_at` wins, then the greater `batch` (the segment's name). No database migration is
 * involved; the files are the store.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckEngine, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { STATE_DIR } from '../../workspace/find-workspace.js';

export const FEEDBACK_DIR = 'feedback';

/** The columns of a feedback segment, in order, with their DuckDB types. */
export const FEEDBACK_COLUMNS = [
  ['key', 'VARCHAR'],
  ['key_column', 'VARCHAR'],
  ['row', 'INTEGER'],
  ['label_num', 'DOUBLE'],
  ['label_text', 'VARCHAR'],
  ['received_at', 'TIMESTAMP'],
  ['batch', 'VARCHAR'],
] as const;

const SEGMENT_RE = /^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]+\.parquet$/;

/** `<workspace>/.kiln/feedback/<deployment>` (the deployment name was checked by the caller). */
export function feedbackDir(workspaceDir: string, deployment: string): string {
  return join(workspaceDir, STATE_DIR, FEEDBACK_DIR, deployment);
}

/** A new segment's name (without folder) for the time it is written. */
export function newSegmentName(atMs: number): string {
  const iso = new Date(atMs).toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, 19).replaceAll(':', '')}${iso.slice(19)}`;
  return `${stamp}-${randomBytes(6).toString('hex')}.parquet`;
}

/** A deployment's feedback segments (absolute paths), oldest first; none when the folder is absent. */
export async function listFeedbackSegments(workspaceDir: string, deployment: string): Promise<string[]> {
  const dir = feedbackDir(workspaceDir, deployment);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
  return names
    .filter((n) => SEGMENT_RE.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Writes `select` (which must yield {@link FEEDBACK_COLUMNS}) as a new segment of `dir`: COPY to a
 * hidden temporary file, then rename. Returns the segment's absolute path.
 */
export async function writeFeedbackSegment(
  duck: DuckEngine,
  select: string,
  dir: string,
  name: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.tmp`);
  try {
    await duck.run(`COPY (${select}) TO ${quoteLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    await rename(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
  return target;
}

/** Every stored label of the segments (a DuckDB table expression), superseded ones included. */
export function allLabelsSql(files: readonly string[]): string {
  const cols = FEEDBACK_COLUMNS.map(([n]) => `"${n}"`).join(', ');
  return `(SELECT ${cols} FROM read_parquet([${files.map(quoteLiteral).join(', ')}]))`;
}

/** The current label per (`key_column`, `key`, `row`): the latest wins (a DuckDB table expression). */
export function latestLabelsSql(files: readonly string[]): string {
  return (
    `(SELECT * FROM ${allLabelsSql(files)} QUALIFY row_number() OVER ` +
    '(PARTITION BY key_column, "key", "row" ORDER BY received_at DESC, batch DESC) = 1)'
  );
}
