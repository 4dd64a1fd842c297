/**
 * @module ingest/steps/split-step
 * `split: {key, test_fraction, seed}`: adds a `split` column, 'train' or 'test', decided by Kiln's
 * own hash of the key so that the same key lands in the same split on any machine and in any run
 * (DuckDB's `hash()` is not stable across versions). Hash `kiln-md5-v1`:
 *
 *   h = md5(<seed> || ':' || CAST(key AS VARCHAR))   -- lowercase hex
 *   u = the first 8 hex digits of h, as an unsigned 32-bit integer
 *   split = 'test' when u / 2^32 < test_fraction, else 'train'
 *
 * A NULL key fails the step (its row would have no split). Later impute/scale/encode steps fit
 * their statistics on the 'train' rows only.
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import { createOutput, doubleLit, requireColumns, type StepContext, stepFailed, tempRef } from './step.js';

export const SPLIT_COLUMN = 'split';
export const SPLIT_HASH = 'kiln-md5-v1';

export interface SplitParams {
  readonly key: string;
  readonly seed: number;
  readonly test_fraction: number;
  readonly hash: typeof SPLIT_HASH;
}

/** The SQL expression giving 'train' / 'test' for a key column. */
export function splitExpression(key: string, seed: number, testFraction: number): string {
  const h = `md5('${seed}:' || CAST(${quoteIdent(key)} AS VARCHAR))`;
  const u = `CAST('0x' || substr(${h}, 1, 8) AS UBIGINT)`;
  return `CASE WHEN CAST(${u} AS DOUBLE) / CAST(4294967296 AS DOUBLE) < ${doubleLit(testFraction)} THEN 'test' ELSE 'train' END`;
}

export async function runSplitStep(
  ctx: StepContext,
  spec: { readonly key: string; readonly test_fraction: number; readonly seed: number },
): Promise<SplitParams> {
  requireColumns(ctx, [spec.key]);
  const nulls = await ctx.duck.query(
    `SELECT count(*) AS n FROM ${tempRef(ctx.input)} WHERE ${quoteIdent(spec.key)} IS NULL`,
  );
  const n = Number(nulls.rows[0].n);
  if (n > 0) {
    throw stepFailed(
      ctx,
      `the split key "${spec.key}" is NULL in ${n} row(s); those rows would have no split`,
      {
        column: spec.key,
        nullRows: n,
      },
    );
  }
  const expr = `${splitExpression(spec.key, spec.seed, spec.test_fraction)} AS ${quoteIdent(SPLIT_COLUMN)}`;
  const exists = ctx.columns.some((c) => c.name === SPLIT_COLUMN);
  await createOutput(
    ctx,
    exists
      ? `SELECT * REPLACE (${expr}) FROM ${tempRef(ctx.input)}`
      : `SELECT *, ${expr} FROM ${tempRef(ctx.input)}`,
  );
  return { key: spec.key, seed: spec.seed, test_fraction: spec.test_fraction, hash: SPLIT_HASH };
}
