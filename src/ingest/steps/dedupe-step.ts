/**
 * @module ingest/steps/dedupe-step
 * `dedupe: {key, keep, order_by}`: keeps one row per distinct `key`. With `order_by`, `keep: first`
 * keeps the row with the smallest order_by value and `last` the largest (NULLs are never
 * preferred); ties, and the case without `order_by`, fall back to input order (first or last row
 * seen). Surviving rows keep their input order.
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import { createOutput, requireColumns, type StepContext, tempRef } from './step.js';

export async function runDedupeStep(
  ctx: StepContext,
  spec: {
    readonly key: readonly string[];
    readonly keep: 'first' | 'last';
    readonly order_by?: readonly string[];
  },
): Promise<null> {
  requireColumns(ctx, [...spec.key, ...(spec.order_by ?? [])]);
  const dir = spec.keep === 'first' ? 'ASC' : 'DESC';
  const order = [
    ...(spec.order_by ?? []).map((c) => `${quoteIdent(c)} ${dir} NULLS LAST`),
    `__kiln_pos ${dir}`,
  ];
  const partition = spec.key.map(quoteIdent).join(', ');
  await createOutput(
    ctx,
    `SELECT * EXCLUDE (__kiln_pos, __kiln_rank) FROM (
       SELECT *, row_number() OVER (PARTITION BY ${partition} ORDER BY ${order.join(', ')}) AS __kiln_rank
       FROM (SELECT *, rowid AS __kiln_pos FROM ${tempRef(ctx.input)})
     ) WHERE __kiln_rank = 1 ORDER BY __kiln_pos`,
  );
  return null;
}
