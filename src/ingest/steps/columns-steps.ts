/**
 * @module ingest/steps/columns-steps
 * The column-list steps: `select` (keep these, in this order), `drop` (remove these) and
 * `rename` (`{old: new}`, in place). Names are exact (case-sensitive) column names.
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import { createOutput, requireColumns, type StepContext, stepFailed, tempRef } from './step.js';

export async function runSelectStep(
  ctx: StepContext,
  spec: { readonly columns: readonly string[] },
): Promise<null> {
  requireColumns(ctx, spec.columns);
  const dup = spec.columns.find((c, i) => spec.columns.indexOf(c) !== i);
  if (dup !== undefined) throw stepFailed(ctx, `column "${dup}" is listed twice`, { column: dup });
  await createOutput(ctx, `SELECT ${spec.columns.map(quoteIdent).join(', ')} FROM ${tempRef(ctx.input)}`);
  return null;
}

export async function runDropStep(
  ctx: StepContext,
  spec: { readonly columns: readonly string[] },
): Promise<null> {
  requireColumns(ctx, spec.columns);
  const kept = ctx.columns.filter((c) => !spec.columns.includes(c.name)).map((c) => quoteIdent(c.name));
  if (kept.length === 0) throw stepFailed(ctx, 'dropping these columns would leave none');
  await createOutput(ctx, `SELECT ${kept.join(', ')} FROM ${tempRef(ctx.input)}`);
  return null;
}

export async function runRenameStep(
  ctx: StepContext,
  spec: { readonly columns: Readonly<Record<string, string>> },
): Promise<null> {
  const renames = new Map(Object.entries(spec.columns));
  requireColumns(ctx, [...renames.keys()]);
  const finalNames = ctx.columns.map((c) => renames.get(c.name) ?? c.name);
  const seen = new Set<string>();
  for (const name of finalNames) {
    // DuckDB column names are case-insensitive
    if (seen.has(name.toLowerCase())) {
      throw stepFailed(ctx, `renaming would give two columns named "${name}"`, { column: name });
    }
    seen.add(name.toLowerCase());
  }
  const list = ctx.columns.map((c, i) => `${quoteIdent(c.name)} AS ${quoteIdent(finalNames[i])}`);
  await createOutput(ctx, `SELECT ${list.join(', ')} FROM ${tempRef(ctx.input)}`);
  return null;
}
