/**
 * @module validate/expectations/details
 * The detail queries of a failing row-wise expectation — the only queries besides the scan: its
 * unexpected values (the first `partial_unexpected_count` in row order, or all of them for COMPLETE)
 * with the key columns of their rows, and for SUMMARY and up the most frequent unexpected values.
 */
import type { DuckEngine } from '../../store/duckdb/duck-engine.js';
import type { ExpectationResultDetail } from '../suite-types.js';
import { fromSql, type PlanEntry, ROW_ORDINAL, type ScanPlan } from './plan.js';
import { jsonValue } from './results.js';
import { reportSql } from './sql.js';
import type { MapCompiled } from './types.js';

type Query = Pick<DuckEngine, 'query'>;
type Row = Readonly<Record<string, unknown>>;

function unexpectedValue(compiled: MapCompiled, row: Row): unknown {
  const values = compiled.columns.map((_, i) => jsonValue(row[`v${i}`]));
  if (compiled.shape === 'scalar') return values[0];
  if (compiled.shape === 'pair') return values;
  return Object.fromEntries(compiled.columns.map((c, i) => [c.name, values[i]]));
}

function indexEntry(entry: PlanEntry, compiled: MapCompiled, row: Row): Record<string, unknown> {
  const index: Record<string, unknown> = {};
  entry.keys.forEach((k, i) => {
    index[k.name] = jsonValue(row[`k${i}`]);
  });
  compiled.columns.forEach((c, i) => {
    index[c.name] = jsonValue(row[`v${i}`]);
  });
  return index;
}

/** The SQL that selects the failing rows of a row-wise expectation. */
export function unexpectedRowsSql(plan: ScanPlan, entry: PlanEntry, compiled: MapCompiled): string {
  const select = [
    ...entry.keys,
    ...compiled.columns.filter((c) => !entry.keys.some((k) => k.name === c.name)),
  ]
    .map((c) => c.sql)
    .join(', ');
  return `SELECT ${select} FROM ${fromSql(plan, entry.windows)} WHERE ${whereSql(compiled)}`;
}

/** The condition that holds exactly for the failing rows of a row-wise expectation. */
export function whereSql(compiled: MapCompiled): string {
  return `(${compiled.domain}) AND NOT coalesce((${compiled.condition}), FALSE)`;
}

/** Runs the detail queries for one failing row-wise expectation; returns the list fields. */
export async function fetchUnexpected(
  db: Query,
  plan: ScanPlan,
  entry: PlanEntry,
  compiled: MapCompiled,
): Promise<Partial<ExpectationResultDetail>> {
  const { rank, partialCount, indexQuery } = entry.format;
  const values = compiled.columns.map((c, i) => `${reportSql(c.sql, c.type)} AS v${i}`);
  const keys = entry.keys.map((k, i) => `${reportSql(k.sql, k.type)} AS k${i}`);
  const from = fromSql(plan, entry.windows);
  const where = whereSql(compiled);
  const order = entry.windows.size > 0 ? ` ORDER BY ${ROW_ORDINAL}` : '';
  const out: Record<string, unknown> = {};

  const complete = rank >= 3;
  if (complete || partialCount > 0) {
    const limit = complete ? '' : ` LIMIT ${partialCount}`;
    const rows = (
      await db.query(`SELECT ${[...values, ...keys].join(', ')} FROM ${from} WHERE ${where}${order}${limit}`)
    ).rows;
    const list = rows.map((r) => unexpectedValue(compiled, r));
    out.partial_unexpected_list = list.slice(0, partialCount);
    if (entry.keys.length > 0 && rank >= 2) {
      out.partial_unexpected_index_list = rows
        .slice(0, partialCount)
        .map((r) => indexEntry(entry, compiled, r));
    }
    if (complete) {
      out.unexpected_list = list;
      if (entry.keys.length > 0) out.unexpected_index_list = rows.map((r) => indexEntry(entry, compiled, r));
    }
  } else {
    out.partial_unexpected_list = [];
  }

  if (rank >= 2) {
    if (partialCount > 0) {
      const names = compiled.columns.map((_, i) => `v${i}`);
      const counts = await db.query(
        `SELECT ${values.join(', ')}, count(*) AS n FROM ${from} WHERE ${where} GROUP BY ${names.join(', ')} ` +
          `ORDER BY n DESC, ${names.join(', ')} LIMIT ${partialCount}`,
      );
      out.partial_unexpected_counts = counts.rows.map((r) => ({
        value: unexpectedValue(compiled, r),
        count: Number(r.n),
      }));
    } else {
      out.partial_unexpected_counts = [];
    }
  }
  if (complete && indexQuery) out.unexpected_index_query = unexpectedRowsSql(plan, entry, compiled);
  return out;
}
