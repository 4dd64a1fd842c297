/**
 * @module monitor/feedback/feedback-upload
 * Feedback sent as a request body (the REST route, and the CLI with `--url`): the bytes are
 * written to a private staging file under `.kiln/feedback/.incoming/` with the extension of their
 * format, read from there with the checks a data file gets, and removed afterwards. The format
 * comes from `?format=` or the content type: `text/csv`, `text/tab-separated-values`,
 * `application/json` (an array of objects, or NDJSON), `application/x-ndjson`,
 * `application/vnd.apache.parquet`; `application/octet-stream` needs `?format=`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid, KilnError } from '../../core/errors.js';
import { STATE_DIR } from '../../workspace/find-workspace.js';
import { FEEDBACK_DIR } from './feedback-segments.js';

export const FEEDBACK_FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'parquet'] as const;
export type FeedbackFormat = (typeof FEEDBACK_FORMATS)[number];

const BY_CONTENT_TYPE: Readonly<Record<string, FeedbackFormat>> = {
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
};

/** The batch's format: `format` when given, else from the content type. */
export function feedbackFormat(contentType: string | undefined, format: string | undefined): FeedbackFormat {
  if (format !== undefined) {
    if (!(FEEDBACK_FORMATS as readonly string[]).includes(format)) {
      throw invalid('format', `one of ${FEEDBACK_FORMATS.join(', ')}`, format);
    }
    return format as FeedbackFormat;
  }
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const found = BY_CONTENT_TYPE[type];
  if (!found) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `content-type: expected ${Object.keys(BY_CONTENT_TYPE).join(', ')} (or any type with ?format=${FEEDBACK_FORMATS.join('|')}), got ${type || 'none'}`,
      { field: 'content-type' },
    );
  }
  return found;
}

/** The format a file name implies (for the CLI sending a file), or null. */
export function formatOfPath(path: string): FeedbackFormat | null {
  const m = /\.(csv|tsv|json|ndjson|jsonl|parquet)$/i.exec(path);
  if (!m) return null;
  const ext = m[1]!.toLowerCase();
  return ext === 'jsonl' ? 'ndjson' : (ext as FeedbackFormat);
}

/**
 * Writes `bytes` to a staging file, runs `fn` with its path and folder, and removes the file
 * whatever happens.
 */
export async function withStagedFeedback<T>(
  workspaceDir: string,
  bytes: Buffer,
  format: FeedbackFormat,
  fn: (path: string, dir: string) => Promise<T>,
): Promise<T> {
  const dir = join(workspaceDir, STATE_DIR, FEEDBACK_DIR, '.incoming');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${randomBytes(8).toString('hex')}.${format}`);
  await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
  try {
    return await fn(path, dir);
  } catch (e) {
    // The staging file's name means nothing to the client: speak of the request body.
    if (!(e instanceof KilnError) || !e.message.includes(path)) throw e;
    const inJson = JSON.stringify(path).slice(1, -1);
    const details = JSON.parse(JSON.stringify(e.details).replaceAll(inJson, 'the request body'));
    throw new KilnError(e.code, e.message.replaceAll(path, 'the request body'), details, { cause: e });
  } finally {
    await rm(path, { force: true });
  }
}
