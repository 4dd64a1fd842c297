/**
 * @module ingest/steps/impute-step
 * `impute: {column: mean | median | mode | {constant: v}}`: fills NULLs. mean and median need a
 * numeric column and make it DOUBLE; mode (the most frequent value, the smallest on a tie) and
 * constant keep the column's type. Fitted parameters: the fill value per column, computed on the
 * training rows once a split has run. A column with no values to fit from fails the step.
 */
import { quoteIdent, quoteLiteral, toJsonValue } from '../../store/duckdb/duck-engine.js';
import type { ImputeStrategy } from '../pipeline/spec-types.js';
import {
  columnType,
  createOutput,
  doubleLit,
  fitWhere,
  isNumericType,
  requireColumns,
  type StepContext,
  selectList,
  stepFailed,
  tempRef,
} from './step.js';

export type ImputeParams = Record<string, { strategy: string; value: unknown }>;

export async function runImputeStep(
  ctx: StepContext,
  spec: { readonly columns: Readonly<Record<string, ImputeStrategy>> },
): Promise<ImputeParams> {
  requireColumns(ctx, Object.keys(spec.columns));
  const params: ImputeParams = {};
  const replace = new Map<string, string>();
  for (const [column, strategy] of Object.entries(spec.columns)) {
    const type = columnType(ctx, column);
    const col = quoteIdent(column);
    if (typeof strategy === 'object') {
      const lit = constantLiteral(strategy.constant);
      const check = await ctx.duck.query(`SELECT TRY_CAST(${lit} AS ${type}) IS NULL AS bad`);
      if (check.rows[0].bad === true) {
        throw stepFailed(
          ctx,
          `constant ${JSON.stringify(strategy.constant)} does not fit column "${column}" (${type})`,
          {
            column,
          },
        );
      }
      params[column] = { strategy: 'constant', value: strategy.constant };
      replace.set(column, `COALESCE(${col}, CAST(${lit} AS ${type})) AS ${col}`);
      continue;
    }
    if (strategy !== 'mode' && !isNumericType(type)) {
      throw stepFailed(
        ctx,
        `${strategy} needs a numeric column; "${column}" is ${type} (use mode or constant)`,
        {
          column,
          type,
        },
      );
    }
    const where = fitWhere(ctx, `${col} IS NOT NULL`);
    const sql =
      strategy === 'mode'
        ? `SELECT ${col} AS v, CAST(${col} AS VARCHAR) AS s FROM ${tempRef(ctx.input)}${where} GROUP BY ${col} ORDER BY count(*) DESC, ${col} ASC LIMIT 1`
        : `SELECT ${strategy === 'mean' ? 'avg' : 'median'}(CAST(${col} AS DOUBLE)) AS v FROM ${tempRef(ctx.input)}${where}`;
    const r = await ctx.duck.query(sql);
    const v = r.rows[0]?.v;
    if (v === null || v === undefined) {
      throw stepFailed(ctx, `column "${column}" has no non-NULL values to compute its ${strategy} from`, {
        column,
      });
    }
    if (strategy === 'mode') {
      params[column] = { strategy, value: toJsonValue(v) };
      replace.set(
        column,
        `COALESCE(${col}, CAST(${quoteLiteral(String(r.rows[0].s))} AS ${type})) AS ${col}`,
      );
    } else {
      params[column] = { strategy, value: Number(v) };
      replace.set(column, `COALESCE(CAST(${col} AS DOUBLE), ${doubleLit(Number(v))}) AS ${col}`);
    }
  }
  await createOutput(ctx, `SELECT ${selectList(ctx, replace)} FROM ${tempRef(ctx.input)}`);
  return params;
}

function constantLiteral(v: string | number | boolean): string {
  if (typeof v === 'string') return quoteLiteral(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return `'${String(v)}'`;
}
