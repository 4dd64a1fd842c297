/**
 * @module ingest/steps/filter-step
 * `filter: <boolean SQL expression>`: keeps the rows for which the expression is true (rows where it
 * is NULL are dropped, as in SQL). The expression must be BOOLEAN; `amount` alone is refused rather
 * than read as `amount <> 0`.
 */
import { assertSafeSelect } from './sql-guard.js';
import { createOutput, fromDuckError, type StepContext, stepFailed, tempRef } from './step.js';

export async function runFilterStep(ctx: StepContext, spec: { readonly expr: string }): Promise<null> {
  await assertSafeSelect(ctx, `SELECT (${spec.expr}) FROM input`, 'the filter expression');
  let type: string;
  try {
    const d = await ctx.duck.query(`DESCRIBE SELECT (${spec.expr}) AS v FROM ${tempRef(ctx.input)}`);
    type = String(d.rows[0].column_type);
  } catch (e) {
    throw fromDuckError(ctx, e);
  }
  if (type !== 'BOOLEAN') {
    throw stepFailed(
      ctx,
      `the filter expression has type ${type}; expected BOOLEAN (a comparison such as amount > 0)`,
    );
  }
  await createOutput(ctx, `SELECT * FROM ${tempRef(ctx.input)} WHERE (${spec.expr})`);
  return null;
}
