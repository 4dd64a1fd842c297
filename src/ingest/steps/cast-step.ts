/**
 * @module ingest/steps/cast-step
 * `cast: {column: TYPE}`: converts columns to DuckDB types, in place. A value that does not
 * convert fails the step with CAST_FAILED naming the column, the value and its row number (1-based,
 * in the step's input order), found with `TRY_CAST(v AS T) IS NULL AND v IS NOT NULL`.
 */
import { KilnError } from '../../core/errors.js';
import { quoteIdent, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { createOutput, requireColumns, selectList, type StepContext, tempRef } from './step.js';

export async function runCastStep(
  ctx: StepContext,
  spec: { readonly columns: Readonly<Record<string, string>> },
): Promise<null> {
  const entries = Object.entries(spec.columns);
  requireColumns(
    ctx,
    entries.map(([c]) => c),
  );
  // find the first offending value before casting, so the error can name it
  for (const [column, type] of entries) {
    const col = quoteIdent(column);
    const bad = await ctx.duck.query(
      `SELECT rowid + 1 AS row_number, CAST(${col} AS VARCHAR) AS value FROM ${tempRef(ctx.input)}
       WHERE ${col} IS NOT NULL AND TRY_CAST(${col} AS ${type}) IS NULL ORDER BY rowid LIMIT 1`,
    );
    if (bad.rows.length > 0) {
      const row = toJsonValue(bad.rows[0].row_number);
      const value = String(bad.rows[0].value);
      throw new KilnError(
        'CAST_FAILED',
        `${ctx.where}: column "${column}" row ${row}: value ${JSON.stringify(value)} cannot be cast to ${type}`,
        { step: ctx.index, column, row, value, type },
      );
    }
  }
  const replace = new Map(entries.map(([c, t]) => [c, `CAST(${quoteIdent(c)} AS ${t}) AS ${quoteIdent(c)}`]));
  await createOutput(ctx, `SELECT ${selectList(ctx, replace)} FROM ${tempRef(ctx.input)}`);
  return null;
}
