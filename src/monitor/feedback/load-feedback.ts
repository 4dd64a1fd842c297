/**
 * @module monitor/feedback/load-feedback
 * Reads one feedback batch into the DuckDB table `feedback_in`: a data file (CSV/TSV, Parquet,
 * JSON/NDJSON, with the same checks a pipeline source gets) or rows given in code. The batch must
 * have the key column and `label`; a `row` column, when present, is the row index within the
 * request. Keys compare as text, so a CSV whose key column DuckDB would read as a number (losing
 * leading zeros: `007` → 7) is read again with the key as VARCHAR.
 */
import { extname, isAbsolute, resolve } from 'node:path';
import { invalid, KilnError } from '../../core/errors.js';
import { loadDataFile } from '../../ingest/load-file.js';
import type { CsvSourceSpec } from '../../ingest/pipeline/spec-types.js';
import { loadSource } from '../../ingest/sources/index.js';
import { type DuckEngine, quoteIdent } from '../../store/duckdb/duck-engine.js';

export const FEEDBACK_TABLE = 'feedback_in';
export const LABEL_COLUMN = 'label';
export const ROW_COLUMN = 'row';
/** Rows given in code (`{rows}`) are capped; larger batches go through a file. */
export const MAX_INLINE_ROWS = 1_000_000;

/** A feedback batch: a data file, or rows (objects with the key column, `label` and maybe `row`). */
export type FeedbackInput =
  | { readonly path: string }
  | { readonly rows: readonly Readonly<Record<string, unknown>>[] };

export interface LoadFeedbackOptions {
  /** The column holding the join key (`request_id`, or a logged column). */
  readonly key: string;
  /** Folder a relative path resolves against. */
  readonly baseDir: string;
  /** `data.roots` for files named through the API. */
  readonly allowedRoots?: readonly string[];
}

export interface LoadedFeedback {
  readonly rows: number;
  /** Column name → DuckDB type, in file order. */
  readonly columns: ReadonlyMap<string, string>;
}

export async function loadFeedback(
  duck: DuckEngine,
  input: FeedbackInput,
  options: LoadFeedbackOptions,
): Promise<LoadedFeedback> {
  if ('path' in input) {
    if (typeof input.path !== 'string' || input.path === '') throw invalid('path', 'a file path', input.path);
    await loadFile(duck, input.path, options);
  } else {
    await loadRows(duck, input.rows, options.key);
  }
  const columns = new Map((await duck.describe(FEEDBACK_TABLE)).map((c) => [c.name, c.type]));
  const missing = [options.key, LABEL_COLUMN].filter((c) => !columns.has(c));
  if (missing.length > 0) {
    const found = [...columns.keys()];
    throw new KilnError(
      'INVALID_ARGUMENT',
      `feedback: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(' and ')}; ` +
        `expected "${options.key}" (the key) and "${LABEL_COLUMN}", found ${found.length ? found.map((c) => `"${c}"`).join(', ') : 'no columns'}`,
      { field: 'columns', missing, found },
    );
  }
  const r = await duck.query(`SELECT count(*) AS n FROM ${quoteIdent(FEEDBACK_TABLE)}`);
  return { rows: Number(r.rows[0]?.n ?? 0), columns };
}

async function loadFile(duck: DuckEngine, path: string, options: LoadFeedbackOptions): Promise<void> {
  try {
    await loadFileAsIs(duck, path, options);
  } catch (e) {
    // A source's messages start with its place in a pipeline spec, which a feedback file has not.
    if (!(e instanceof KilnError)) throw e;
    const prefix = `${path}:0 sources.${FEEDBACK_TABLE}: `;
    if (!e.message.startsWith(prefix)) throw e;
    throw new KilnError(e.code, `feedback: ${e.message.slice(prefix.length)}`, e.details, { cause: e });
  }
}

async function loadFileAsIs(duck: DuckEngine, path: string, options: LoadFeedbackOptions): Promise<void> {
  const load = {
    baseDir: options.baseDir,
    ...(options.allowedRoots ? { allowedRoots: options.allowedRoots } : {}),
  };
  await loadDataFile(duck, path, FEEDBACK_TABLE, load);
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.tsv') return;
  const described = await duck.describe(FEEDBACK_TABLE);
  const key = described.find((c) => c.name === options.key);
  if (!key || key.type === 'VARCHAR') return;
  // Read again with the key as text and every other column as detected (types come from DuckDB).
  const columns: Record<string, string> = {};
  for (const c of described) columns[c.name] = c.name === options.key ? 'VARCHAR' : c.type;
  await duck.run(`DROP TABLE IF EXISTS temp.${quoteIdent(FEEDBACK_TABLE)}`);
  const abs = isAbsolute(path) ? path : resolve(options.baseDir, path);
  const spec: CsvSourceSpec = {
    type: 'csv',
    location: { file: path, line: 0 },
    path: [abs],
    options: { header: true, skip: 0, columns, ...(ext === '.tsv' ? { delimiter: '\t' } : {}) },
  };
  await loadSource({ duck, env: {}, ...load }, FEEDBACK_TABLE, spec);
}

/** Rows from code: the key as text, `row` as an integer, `label` typed by what the values are. */
async function loadRows(
  duck: DuckEngine,
  rows: readonly Readonly<Record<string, unknown>>[],
  key: string,
): Promise<void> {
  if (!Array.isArray(rows)) throw invalid('rows', 'an array of objects', rows);
  if (rows.length > MAX_INLINE_ROWS) {
    throw invalid('rows', `at most ${MAX_INLINE_ROWS} rows (send larger batches as a file)`, rows.length);
  }
  const names = new Set<string>();
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw invalid(`rows[${i}]`, 'an object', r);
    for (const k of Object.keys(r)) names.add(k);
  });
  const present = [key, ROW_COLUMN, LABEL_COLUMN].filter((c) => names.has(c) || rows.length === 0);
  const labels = rows.map((r) => r[LABEL_COLUMN]).filter((v) => v !== null && v !== undefined);
  const labelType = labels.every((v) => typeof v === 'number')
    ? 'DOUBLE'
    : labels.every((v) => typeof v === 'boolean')
      ? 'BOOLEAN'
      : 'VARCHAR';
  const typeOf = (c: string) => (c === LABEL_COLUMN ? labelType : c === ROW_COLUMN ? 'BIGINT' : 'VARCHAR');
  // An empty batch still gets the columns it names, so the column check reads like a file's.
  const cols = rows.length === 0 ? [] : present;
  const defs = cols.length > 0 ? cols : ['_empty'];
  await duck.run(
    `CREATE TEMP TABLE ${quoteIdent(FEEDBACK_TABLE)} (${defs
      .map((c) => `${quoteIdent(c)} ${cols.length > 0 ? typeOf(c) : 'VARCHAR'}`)
      .join(', ')})`,
  );
  if (rows.length === 0) return;
  const values: (string | number | boolean | null)[] = [];
  rows.forEach((r, i) => {
    for (const c of cols) values.push(cell(r[c], c, i, typeOf(c)));
  });
  // Bound parameters, in chunks that keep each statement small.
  const perChunk = Math.max(1, Math.floor(30_000 / cols.length));
  for (let start = 0; start < rows.length; start += perChunk) {
    const n = Math.min(perChunk, rows.length - start);
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    await duck.run(
      `INSERT INTO ${quoteIdent(FEEDBACK_TABLE)} VALUES ${Array.from({ length: n }, () => tuple).join(', ')}`,
      values.slice(start * cols.length, (start + n) * cols.length),
    );
  }
}

function cell(v: unknown, column: string, i: number, type: string): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  const field = `rows[${i}].${column}`;
  if (type === 'BIGINT') {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(field, 'an integer', v);
    return v;
  }
  if (type === 'DOUBLE') return v as number;
  if (type === 'BOOLEAN') return v as boolean;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  throw invalid(field, 'a string, number or boolean', v);
}
