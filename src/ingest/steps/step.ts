/**
 * @module ingest/steps/step
 * The contract every transform step keeps: read the current relation (`ctx.input`, a TEMP table),
 * create `ctx.output` (a new TEMP table) and return its fitted parameters (JSON, or null for a
 * stateless step). Steps that name columns check them before running (COLUMN_NOT_FOUND, naming the
 * step, the column and the columns there are); other DuckDB failures become STEP_FAILED with the
 * step's index and DuckDB's message. A failing step leaves `ctx.output` uncreated.
 */
import { KilnError } from '../../core/errors.js';
import { type DuckEngine, quoteIdent } from '../../store/duckdb/duck-engine.js';
import { didYouMean } from '../pipeline/did-you-mean.js';

export interface StepColumn {
  readonly name: string;
  readonly type: string;
}

export interface StepContext {
  readonly duck: DuckEngine;
  /** 0-based position in `steps`. */
  readonly index: number;
  /** `pipelines/t.yaml:12 steps[3].cast`: the prefix of every message about this step. */
  readonly where: string;
  /** Name of the TEMP table holding the step's input. */
  readonly input: string;
  /** Name of the TEMP table the step creates. */
  readonly output: string;
  readonly columns: readonly StepColumn[];
  /** Relations an sql step may read besides `input`: the source tables. */
  readonly sources: readonly string[];
  /**
   * SQL predicate choosing the rows statistics are fitted on: `"split" = 'train'` once a split
   * step has run (so test rows never leak into fitted parameters), else null (all rows).
   */
  readonly fitFilter: string | null;
}

/** Runs one step; resolves to its fitted parameters (null when it fits nothing). */
export type StepRunner<S> = (ctx: StepContext, spec: S) => Promise<unknown>;

/** `temp."name"`: how steps refer to their input and output tables. */
export function tempRef(table: string): string {
  return `temp.${quoteIdent(table)}`;
}

/** Throws COLUMN_NOT_FOUND for the first of `names` the input does not have. */
export function requireColumns(ctx: StepContext, names: readonly string[]): void {
  const have = ctx.columns.map((c) => c.name);
  for (const name of names) {
    if (!have.includes(name)) throw columnNotFound(ctx, name);
  }
}

export function columnNotFound(ctx: StepContext, name: string): KilnError {
  const have = ctx.columns.map((c) => c.name);
  const hint = didYouMean(name, have);
  return new KilnError(
    'COLUMN_NOT_FOUND',
    `${ctx.where}: column "${name}" not found${hint ? ` (did you mean "${hint}"?)` : ''}; available columns: ${have.join(', ')}`,
    { step: ctx.index, column: name, available: have },
  );
}

export function columnType(ctx: StepContext, name: string): string {
  const c = ctx.columns.find((col) => col.name === name);
  if (!c) throw columnNotFound(ctx, name);
  return c.type;
}

export function stepFailed(
  ctx: StepContext,
  message: string,
  details: Record<string, unknown> = {},
): KilnError {
  return new KilnError('STEP_FAILED', `${ctx.where}: ${message}`, { step: ctx.index, ...details });
}

/** A DuckDB error as COLUMN_NOT_FOUND (binder: unknown column) or STEP_FAILED. */
export function fromDuckError(ctx: StepContext, e: unknown): KilnError {
  if (e instanceof KilnError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const missing = /Referenced column "([^"]+)" not found/.exec(message);
  if (missing) return columnNotFound(ctx, missing[1]);
  return stepFailed(ctx, message.split('\n')[0].trim(), { duckdb: message.split('\n')[0].trim() });
}

/** `CREATE TEMP TABLE output AS <select>`, with DuckDB errors translated. */
export async function createOutput(ctx: StepContext, select: string): Promise<void> {
  try {
    await ctx.duck.run(`CREATE TEMP TABLE ${quoteIdent(ctx.output)} AS ${select}`);
  } catch (e) {
    throw fromDuckError(ctx, e);
  }
}

/** The input's columns as a select list, with some replaced by expressions (`expr AS "col"`). */
export function selectList(ctx: StepContext, replace: ReadonlyMap<string, string> = new Map()): string {
  return ctx.columns.map((c) => replace.get(c.name) ?? quoteIdent(c.name)).join(', ');
}

/** A finite JS number as an exact DuckDB DOUBLE (a bare `0.1` would be a DECIMAL). */
export function doubleLit(n: number): string {
  return `CAST('${String(n)}' AS DOUBLE)`;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

/** Rows statistics are fitted on: the WHERE clause (with a leading space) or ''. */
export function fitWhere(ctx: StepContext, extra?: string): string {
  const parts = [ctx.fitFilter, extra].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '';
}
