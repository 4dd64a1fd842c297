/**
 * @module monitor/drift-input/load-columns
 * Reads the columns a drift comparison needs from a DuckDB relation into typed columns:
 * - numeric columns are projected `CAST(col AS DOUBLE)` in one streamed query and copied chunk by
 *   chunk (DuckDB's 2048-row vectors, read through the vector accessors, never as row objects) into
 *   one Float64Array per column; NULL becomes NaN there and is counted in `nulls`, so NaN that was in
 *   the data stays distinguishable;
 * - categorical columns are counted by DuckDB (`CAST(col AS VARCHAR)`, `GROUP BY`, in parallel) and
 *   handed over as an array holding each category as often as it occurs. Row order is not kept:
 *   drift compares each column's distribution on its own, and a count is all the statistics read.
 *
 * Errors: SOURCE_UNREADABLE when DuckDB cannot read the relation, CAST_FAILED when a column
 * forced numeric holds a value that is not a number.
 */
import type { DuckDBListVector, DuckDBVector } from '@duckdb/node-api';
import { KilnError } from '../../core/errors.js';
import type { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { quoteIdent, toJsonValue } from '../../store/duckdb/duck-engine.js';
import type { ColumnKind } from '../drift/drift-stats.js';
import type { ColumnType } from './column-plan.js';

export interface NumericColumn {
  readonly name: string;
  readonly kind: 'numeric';
  /** One value per row; NULL is NaN here and counted in `nulls`. */
  readonly values: Float64Array;
  readonly nulls: number;
}

export interface CategoricalColumn {
  readonly name: string;
  readonly kind: 'categorical';
  /** One value per row (NULL as null), grouped by category: row order is not kept. */
  readonly values: (string | null)[];
  /** Rows per category (the null key counts NULLs), in descending count order. */
  readonly counts: ReadonlyMap<string | null, number>;
}

export type LoadedColumn = NumericColumn | CategoricalColumn;

export interface LoadedSide {
  readonly rows: number;
  readonly columns: LoadedColumn[];
}

export interface ColumnRequest {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** The columns of a relation with DuckDB's type names. SOURCE_UNREADABLE when DuckDB cannot read it. */
export async function describeRelation(
  engine: DuckEngine,
  relation: string,
  field: string,
): Promise<ColumnType[]> {
  const r = await duck(field, () => engine.query(`DESCRIBE SELECT * FROM ${relation}`));
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

/** Rows of a relation. */
export async function countRows(engine: DuckEngine, relation: string, field: string): Promise<number> {
  const r = await duck(field, () => engine.query(`SELECT count(*) AS n FROM ${relation}`));
  return Number(toJsonValue(r.rows[0]?.n) ?? 0);
}

/** Rows in which the column is not NULL. */
export async function countNonNull(
  engine: DuckEngine,
  relation: string,
  column: string,
  field: string,
): Promise<number> {
  const r = await duck(field, () =>
    engine.query(`SELECT count(${quoteIdent(column)}) AS n FROM ${relation}`),
  );
  return Number(toJsonValue(r.rows[0]?.n) ?? 0);
}

/** Loads the requested columns of one side (`field`: `reference` or `current`, for messages). */
export async function loadColumns(
  engine: DuckEngine,
  relation: string,
  requests: readonly ColumnRequest[],
  field: string,
): Promise<LoadedSide> {
  const numeric = requests.filter((r) => r.kind === 'numeric');
  const loaded = new Map<string, LoadedColumn>();
  let rows: number | null = null;
  if (numeric.length > 0) {
    const read = await readNumeric(engine, relation, numeric, field);
    rows = read.rows;
    for (const c of read.columns) loaded.set(c.name, c);
  }
  for (const r of requests) {
    if (r.kind !== 'categorical') continue;
    const counts = await categoryCounts(engine, relation, r.name, field);
    let total = 0;
    for (const n of counts.values()) total += n;
    rows ??= total;
    loaded.set(r.name, { name: r.name, kind: 'categorical', counts, values: expandCounts(counts, total) });
  }
  rows ??= await countRows(engine, relation, field);
  return { rows, columns: requests.map((r) => loaded.get(r.name) as LoadedColumn) };
}

/** Each category repeated as often as it occurs (references to one string, no copies). */
export function expandCounts(counts: ReadonlyMap<string | null, number>, total: number): (string | null)[] {
  const out = new Array<string | null>(total);
  let at = 0;
  for (const [value, n] of counts) {
    out.fill(value, at, at + n);
    at += n;
  }
  return out;
}

/** Category → rows, most frequent first (ties by value, nulls last), counted by DuckDB. */
export async function categoryCounts(
  engine: DuckEngine,
  relation: string,
  column: string,
  field: string,
): Promise<Map<string | null, number>> {
  const col = quoteIdent(column);
  const reader = await duck(field, () =>
    engine.connection.runAndReadAll(
      `SELECT CAST(${col} AS VARCHAR) AS v, count(*) AS n FROM ${relation} GROUP BY 1 ORDER BY n DESC, v NULLS LAST`,
    ),
  );
  const [values, counts] = reader.getColumnsJS() as [(string | null)[], bigint[]];
  const out = new Map<string | null, number>();
  for (let i = 0; i < values.length; i++) out.set(values[i], Number(counts[i]));
  return out;
}

async function readNumeric(
  engine: DuckEngine,
  relation: string,
  requests: readonly ColumnRequest[],
  field: string,
): Promise<{ rows: number; columns: NumericColumn[] }> {
  let capacity = 1 << 16;
  let arrays = requests.map(() => new Float64Array(capacity));
  let rows = 0;
  const { nulls } = await forEachDoubleChunk(engine, relation, requests, field, (chunk, n) => {
    if (rows + n > capacity) {
      while (rows + n > capacity) capacity *= 2;
      arrays = arrays.map((a) => {
        const grown = new Float64Array(capacity);
        grown.set(a.subarray(0, rows));
        return grown;
      });
    }
    for (let j = 0; j < chunk.length; j++) arrays[j].set(chunk[j], rows);
    rows += n;
  });
  return {
    rows,
    columns: requests.map((r, j) => ({
      name: r.name,
      kind: 'numeric',
      // A copy only when more than a quarter of the buffer would be wasted.
      values: capacity - rows > capacity / 4 ? arrays[j].slice(0, rows) : arrays[j].subarray(0, rows),
      nulls: nulls[j],
    })),
  };
}

/**
 * Streams `CAST(col AS DOUBLE)` of the requested columns chunk by chunk: `visit` gets one
 * Float64Array per column (NULL as NaN; the arrays are reused, copy what you keep) and the chunk's
 * row count. The columns travel packed in one LIST per row: reading one vector per chunk instead of
 * one per column halves the cost of crossing from DuckDB into JavaScript (measured: 1M rows × 20
 * columns). Returns the rows and the NULLs per column.
 */
export async function forEachDoubleChunk(
  engine: DuckEngine,
  relation: string,
  requests: readonly ColumnRequest[],
  field: string,
  visit: (columns: readonly Float64Array[], rows: number) => void,
): Promise<{ rows: number; nulls: number[] }> {
  const k = requests.length;
  const packed = requests.map((r) => `CAST(${quoteIdent(r.name)} AS DOUBLE)`).join(', ');
  const result = await duck(field, () =>
    engine.connection.stream(`SELECT [${packed}] AS v FROM ${relation}`),
  );
  const nulls = new Array<number>(k).fill(0);
  let buffers = requests.map(() => new Float64Array(2048));
  let rows = 0;
  for (;;) {
    const chunk = await duck(field, () => result.fetchChunk());
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    if (n > buffers[0].length) buffers = requests.map(() => new Float64Array(n));
    const views = buffers.map((b) => (b.length === n ? b : b.subarray(0, n)));
    // Row i's values sit at i·k … i·k + k − 1 of the list's child vector.
    const child = (chunk.getColumnVector(0) as DuckDBListVector).childVector;
    for (let j = 0; j < k; j++) nulls[j] += copyStrided(child, views[j], j, k, n);
    visit(views, n);
    rows += n;
  }
  return { rows, nulls };
}

/** Copies every k-th item of a DOUBLE vector from `start` into `out`; NULL becomes NaN. Returns the NULLs. */
function copyStrided(vector: DuckDBVector, out: Float64Array, start: number, k: number, n: number): number {
  let nulls = 0;
  for (let i = 0, at = start; i < n; i++, at += k) {
    const v = vector.getItem(at) as number | null;
    if (v === null) {
      out[i] = Number.NaN;
      nulls++;
    } else out[i] = v;
  }
  return nulls;
}

/** Runs a DuckDB call, turning its errors into SOURCE_UNREADABLE or CAST_FAILED with the side named. */
export async function duck<T>(field: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof KilnError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const code = /Conversion Error|Could not convert/i.test(message) ? 'CAST_FAILED' : 'SOURCE_UNREADABLE';
    throw new KilnError(code, `${field}: ${message.split('\n')[0]}`, { field }, { cause: e });
  }
}
