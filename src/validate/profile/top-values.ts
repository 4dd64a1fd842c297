/**
 * @module validate/profile/top-values
 * The most frequent values of a column, one `GROUP BY` query per column (each needs its own
 * grouping; DuckDB's `approx_top_k` gives no counts). Nulls are left out (the profile counts them),
 * and so are NaN and ±Infinity (counted apart). Ties are broken by the value itself, ascending, so
 * the list is deterministic. Values are JSON-safe: numbers (BIGINT as a number when it fits a
 * double exactly, else a decimal string), booleans, ISO strings for temporal values, text otherwise.
 */
import { type DuckEngine, quoteIdent, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { displaySql, typeTraits } from './column-kinds.js';
import { num } from './scalar-stats.js';

export interface TopValue {
  value: unknown;
  count: number;
}

/** The SQL for one column's `k` most frequent values. */
export function topValuesSql(relation: string, name: string, type: string, k: number): string {
  // Rename the column first, so that a column called "value" or "count" cannot clash with the
  // output names; group and order by the raw value, convert only the reported one.
  const where = typeTraits(type).floating ? 'isfinite(k)' : 'k IS NOT NULL';
  return (
    `SELECT ${displaySql('k', type)} AS "value", count(*) AS "count" ` +
    `FROM (SELECT ${quoteIdent(name)} AS k FROM ${quoteIdent(relation)}) ` +
    `WHERE ${where} GROUP BY k ORDER BY "count" DESC, k ASC LIMIT ${k}`
  );
}

export async function queryTopValues(
  duck: DuckEngine,
  relation: string,
  name: string,
  type: string,
  k: number,
): Promise<TopValue[]> {
  const r = await duck.query(topValuesSql(relation, name, type, k));
  return r.rows.map((row) => ({ value: toJsonValue(row.value), count: num(row.count) ?? 0 }));
}
