/**
 * @module validate/profile/scalar-stats
 * Every per-column scalar statistic of a profile, computed by ONE aggregate `SELECT` over the
 * relation: DuckDB evaluates all the aggregates (with `FILTER` clauses for the finite-only
 * moments) in a single scan. Columns are addressed by position (`c0_…`) so any column name works.
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import type { ColumnKind } from '../profile-types.js';
import { displaySql, isoTemporalSql, typeTraits } from './column-kinds.js';

/** The quantile levels of every numeric profile, in order. */
export const QUANTILE_LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

export type QuantileMethod = 'exact' | 'approximate';

/** What the scan found for one column (numbers already converted from bigint / DECIMAL). */
export interface ScalarStats {
  readonly name: string;
  readonly type: string;
  readonly kind: ColumnKind;
  readonly nonNull: number;
  readonly approxDistinct: number;
  /** FLOAT/DOUBLE only. */
  readonly nanCount?: number;
  readonly infiniteCount?: number;
  readonly min?: number | string | null;
  readonly max?: number | string | null;
  readonly mean?: number | null;
  readonly stddev?: number | null;
  readonly quantiles?: Record<string, number | null>;
  readonly minLength?: number | null;
  readonly maxLength?: number | null;
  readonly meanLength?: number | null;
}

export interface ScalarScan {
  readonly sql: string;
  /** Reads the one result row into per-column statistics. */
  readonly read: (row: Record<string, unknown>) => { rowCount: number; columns: ScalarStats[] };
}

/** Builds the one-scan aggregate query for `relation` with the given columns. */
export function buildScalarScan(
  relation: string,
  columns: readonly { name: string; type: string }[],
  quantileMethod: QuantileMethod,
): ScalarScan {
  const select: string[] = ['count(*) AS "row_count"'];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    const traits = typeTraits(c.type);
    const a = (stat: string, expr: string) => select.push(`${expr} AS "c${i}_${stat}"`);
    a('nn', `count(${col})`);
    a('ad', `approx_count_distinct(${col})`);
    if (traits.kind === 'numeric') {
      const v = `CAST(${col} AS DOUBLE)`;
      const f = traits.floating ? ` FILTER (WHERE isfinite(${col}))` : '';
      if (traits.floating) {
        a('nan', `count(*) FILTER (WHERE isnan(${col}))`);
        a('inf', `count(*) FILTER (WHERE isinf(${col}))`);
      }
      a('min', `CAST(min(${col})${f} AS DOUBLE)`);
      a('max', `CAST(max(${col})${f} AS DOUBLE)`);
      // avg over the exact type (HUGEINT sums for integers, exact sums for DECIMAL), then DOUBLE.
      a('mean', `CAST(avg(${col})${f} AS DOUBLE)`);
      a('sd', `stddev_samp(${v})${f}`);
      const levels = `[${QUANTILE_LEVELS.join(', ')}]`;
      a('q', `${quantileMethod === 'exact' ? 'quantile_cont' : 'approx_quantile'}(${v}, ${levels})${f}`);
    } else if (traits.kind === 'string') {
      const s = displaySql(col, c.type);
      a('min', `min(${s})`);
      a('max', `max(${s})`);
      a('lmin', `min(length(${s}))`);
      a('lmax', `max(length(${s}))`);
      a('lmean', `CAST(avg(length(${s})) AS DOUBLE)`);
    } else if (traits.kind === 'temporal') {
      a('min', isoTemporalSql(`min(${col})`, c.type));
      a('max', isoTemporalSql(`max(${col})`, c.type));
    }
  });
  const sql = `SELECT ${select.join(',\n  ')}\nFROM ${quoteIdent(relation)}`;

  const read = (row: Record<string, unknown>) => {
    const rowCount = num(row.row_count) ?? 0;
    const out = columns.map((c, i): ScalarStats => {
      const traits = typeTraits(c.type);
      const g = (stat: string) => row[`c${i}_${stat}`];
      const base = {
        name: c.name,
        type: c.type,
        kind: traits.kind,
        nonNull: num(g('nn')) ?? 0,
        approxDistinct: num(g('ad')) ?? 0,
      };
      if (traits.kind === 'numeric') {
        const q = g('q');
        const quantiles: Record<string, number | null> = {};
        QUANTILE_LEVELS.forEach((level, k) => {
          quantiles[String(level)] = Array.isArray(q) ? num(q[k]) : null;
        });
        return {
          ...base,
          ...(traits.floating ? { nanCount: num(g('nan')) ?? 0, infiniteCount: num(g('inf')) ?? 0 } : {}),
          min: num(g('min')),
          max: num(g('max')),
          mean: num(g('mean')),
          stddev: num(g('sd')),
          quantiles,
        };
      }
      if (traits.kind === 'string') {
        return {
          ...base,
          min: str(g('min')),
          max: str(g('max')),
          minLength: num(g('lmin')),
          maxLength: num(g('lmax')),
          meanLength: num(g('lmean')),
        };
      }
      if (traits.kind === 'temporal') return { ...base, min: str(g('min')), max: str(g('max')) };
      return base;
    });
    return { rowCount, columns: out };
  };
  return { sql, read };
}

/** A DuckDB number (bigint, DOUBLE) as a finite JS number, or null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
