/**
 * @module ingest/steps/encode-step
 * `encode: {column: onehot | ordinal | {method, max_categories}}`. The vocabulary is fitted on the
 * training rows once a split has run: the `max_categories` (default 50) most frequent non-NULL
 * values (compared as text; ties broken by value), then sorted by value. Values outside it — rarer
 * ones, or ones first seen later — go to the `__other__` bucket.
 *  - onehot: the column is replaced, in place, by INTEGER 0/1 columns `<column>__<value>`, one per
 *    vocabulary entry, plus `<column>__other__` when the vocabulary was capped. NULL → all 0.
 *  - ordinal: the column becomes INTEGER: the value's position in the vocabulary (0-based); the
 *    `__other__` bucket is `vocabulary.length`; NULL stays NULL.
 * Fitted parameters per column: `{method, vocabulary, other}` (`other`: the bucket exists).
 */
import { quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { EncodeSpec } from '../pipeline/spec-types.js';
import {
  createOutput,
  fitWhere,
  requireColumns,
  type StepContext,
  selectList,
  stepFailed,
  tempRef,
} from './step.js';

export const OTHER_BUCKET = '__other__';

export type EncodeParams = Record<
  string,
  { method: EncodeSpec['method']; vocabulary: string[]; other: boolean; columns?: string[] }
>;

export async function runEncodeStep(
  ctx: StepContext,
  spec: { readonly columns: Readonly<Record<string, EncodeSpec>> },
): Promise<EncodeParams> {
  requireColumns(ctx, Object.keys(spec.columns));
  const params: EncodeParams = {};
  const replace = new Map<string, string>();
  const taken = new Set(
    ctx.columns.filter((c) => !(c.name in spec.columns)).map((c) => c.name.toLowerCase()),
  );
  for (const [column, enc] of Object.entries(spec.columns)) {
    const col = quoteIdent(column);
    const text = `CAST(${col} AS VARCHAR)`;
    const r = await ctx.duck.query(
      `SELECT ${text} AS v, count(*) AS n FROM ${tempRef(ctx.input)}${fitWhere(ctx, `${col} IS NOT NULL`)}
       GROUP BY 1 ORDER BY n DESC, v ASC`,
    );
    if (r.rows.length === 0) {
      throw stepFailed(ctx, `column "${column}" has no non-NULL values to build a vocabulary from`, {
        column,
      });
    }
    const vocabulary = r.rows
      .slice(0, enc.max_categories)
      .map((row) => String(row.v))
      .sort(byCodePoint);
    const other = r.rows.length > enc.max_categories;
    const inVocab = `${text} IN (${vocabulary.map(quoteLiteral).join(', ')})`;
    if (enc.method === 'ordinal') {
      const cases = vocabulary.map((v, i) => `WHEN ${text} = ${quoteLiteral(v)} THEN ${i}`).join(' ');
      replace.set(
        column,
        `CAST(CASE WHEN ${col} IS NULL THEN NULL ${cases} ELSE ${vocabulary.length} END AS INTEGER) AS ${col}`,
      );
      params[column] = { method: 'ordinal', vocabulary, other };
      continue;
    }
    const names = [
      ...vocabulary.map((v) => `${column}__${v}`),
      ...(other ? [`${column}${OTHER_BUCKET}`] : []),
    ];
    for (const name of names) {
      if (taken.has(name.toLowerCase())) {
        throw stepFailed(ctx, `one-hot column "${name}" would clash with an existing column`, {
          column: name,
        });
      }
      taken.add(name.toLowerCase());
    }
    const parts = vocabulary.map(
      (v, i) => `CAST(COALESCE(${text} = ${quoteLiteral(v)}, FALSE) AS INTEGER) AS ${quoteIdent(names[i])}`,
    );
    if (other) {
      parts.push(
        `CAST(${col} IS NOT NULL AND NOT (${inVocab}) AS INTEGER) AS ${quoteIdent(names[names.length - 1])}`,
      );
    }
    replace.set(column, parts.join(', '));
    params[column] = { method: 'onehot', vocabulary, other, columns: names };
  }
  await createOutput(ctx, `SELECT ${selectList(ctx, replace)} FROM ${tempRef(ctx.input)}`);
  return params;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
