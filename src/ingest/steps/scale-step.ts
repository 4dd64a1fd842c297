/**
 * @module ingest/steps/scale-step
 * `scale: {column: standard | minmax | robust}`: rescales numeric columns to DOUBLE, as
 * scikit-learn's scalers do. Fitted on the training rows once a split has run; NULLs stay NULL.
 *  - standard: (x − mean) / std, std the population standard deviation (ddof 0) → `{mean, std}`
 *  - minmax:   (x − min) / (max − min) → `{min, max}`
 *  - robust:   (x − median) / IQR, IQR = q75 − q25 (linear interpolation) → `{median, iqr}`
 * A zero spread (constant column) divides by 1 instead, as scikit-learn does; the parameters then
 * still report the zero.
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import type { ScaleMethod } from '../pipeline/spec-types.js';
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

export type ScaleParams = Record<string, { method: ScaleMethod } & Record<string, number | string>>;

export async function runScaleStep(
  ctx: StepContext,
  spec: { readonly columns: Readonly<Record<string, ScaleMethod>> },
): Promise<ScaleParams> {
  requireColumns(ctx, Object.keys(spec.columns));
  const params: ScaleParams = {};
  const replace = new Map<string, string>();
  for (const [column, method] of Object.entries(spec.columns)) {
    const type = columnType(ctx, column);
    if (!isNumericType(type)) {
      throw stepFailed(ctx, `scaling needs a numeric column; "${column}" is ${type}`, { column, type });
    }
    const col = quoteIdent(column);
    const x = `CAST(${col} AS DOUBLE)`;
    const aggregates = {
      standard: `avg(${x}) AS a, stddev_pop(${x}) AS b`,
      minmax: `min(${x}) AS a, max(${x}) - min(${x}) AS b`,
      robust: `quantile_cont(${x}, 0.5) AS a, quantile_cont(${x}, 0.75) - quantile_cont(${x}, 0.25) AS b`,
    }[method];
    const r = await ctx.duck.query(
      `SELECT ${aggregates}, max(${x}) AS hi FROM ${tempRef(ctx.input)}${fitWhere(ctx, `${col} IS NOT NULL`)}`,
    );
    const row = r.rows[0];
    if (row.a === null || row.b === null) {
      throw stepFailed(ctx, `column "${column}" has no non-NULL values to fit ${method} scaling on`, {
        column,
      });
    }
    const center = Number(row.a);
    const spread = Number(row.b);
    const divisor = spread === 0 || !Number.isFinite(spread) ? 1 : spread;
    params[column] =
      method === 'standard'
        ? { method, mean: center, std: spread }
        : method === 'minmax'
          ? { method, min: center, max: Number(row.hi) }
          : { method, median: center, iqr: spread };
    replace.set(column, `(${x} - ${doubleLit(center)}) / ${doubleLit(divisor)} AS ${col}`);
  }
  await createOutput(ctx, `SELECT ${selectList(ctx, replace)} FROM ${tempRef(ctx.input)}`);
  return params;
}
