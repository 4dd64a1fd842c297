/**
 * @module ingest/steps/label-step
 * `label: {name, expr}`: adds (or replaces, in place) the column `name` with the value of a SQL
 * expression over the row, typically the training target (`chargeback = 1`).
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import { assertSafeSelect } from './sql-guard.js';
import { createOutput, type StepContext, tempRef } from './step.js';

export async function runLabelStep(
  ctx: StepContext,
  spec: { readonly name: string; readonly expr: string },
): Promise<null> {
  await assertSafeSelect(ctx, `SELECT (${spec.expr}) FROM input`, 'the label expression');
  const exists = ctx.columns.some((c) => c.name === spec.name);
  const col = quoteIdent(spec.name);
  const select = exists
    ? `SELECT * REPLACE ((${spec.expr}) AS ${col}) FROM ${tempRef(ctx.input)}`
    : `SELECT *, (${spec.expr}) AS ${col} FROM ${tempRef(ctx.input)}`;
  await createOutput(ctx, select);
  return null;
}
