/**
 * @module ingest/steps/sql-step
 * `sql: <SELECT>`: the step's output is the query's result. The query reads `input` (the current
 * relation) and/or the source tables by name; see `sql-guard.ts` for what it may not read.
 */
import { assertSafeSelect } from './sql-guard.js';
import { createOutput, type StepContext } from './step.js';

export async function runSqlStep(ctx: StepContext, spec: { readonly sql: string }): Promise<null> {
  await assertSafeSelect(ctx, spec.sql, 'the query');
  // parenthesised, so a second statement cannot ride along
  await createOutput(ctx, `(${spec.sql})`);
  return null;
}
