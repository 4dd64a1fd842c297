/**
 * @module validate/profile/profiler
 * Profiles a DuckDB table or view: per column its type, kind, counts, completeness, an approximate
 * distinct count, range, moments, quantiles, a histogram (numeric) and the most frequent values.
 *
 * Queries: one aggregate scan for every scalar statistic of every column, one more scan for all
 * the numeric histograms together (it needs the ranges of the first), and one `GROUP BY` per column
 * for its top values — `2 + columns` queries at most.
 *
 * Approximate or not: `approx_distinct` is DuckDB's HyperLogLog estimate (about 2 % relative
 * error); the quantiles are exact (`quantile_cont`, linear interpolation, like numpy's default)
 * unless `quantiles: 'approximate'` asks for DuckDB's t-digest (`approx_quantile`), which needs no
 * sort of the column. Every other number is exact. Moments, quantiles, min/max and histograms of
 * FLOAT/DOUBLE columns are over finite values only; NaN and ±Infinity are counted apart.
 */
import { invalid, KilnError } from '../../core/errors.js';
import type { DuckEngine } from '../../store/duckdb/duck-engine.js';
import type { ColumnProfile, DataProfile } from '../profile-types.js';
import { buildHistogramScan, type HistogramInput } from './histograms.js';
import { buildScalarScan, type QuantileMethod, type ScalarStats } from './scalar-stats.js';
import { queryTopValues } from './top-values.js';

export interface ProfileOptions {
  /** How many most-frequent values to keep per column (1…1000; default 20). */
  readonly topK?: number;
  /** Histogram bins per numeric column (1…1000; default 20; integer columns: at most one per integer). */
  readonly bins?: number;
  /** `exact` (default, sorts each numeric column) or `approximate` (t-digest). */
  readonly quantiles?: QuantileMethod;
  /** The profile's timestamp (default: now). */
  readonly now?: Date;
}

export const DEFAULT_TOP_K = 20;
export const DEFAULT_BINS = 20;

/**
 * Profiles `relation` (a table or view name in `duck`). Throws INVALID_ARGUMENT for bad options
 * and for a relation that does not exist. The result is plain JSON (no bigint, no NaN).
 */
export async function profileRelation(
  duck: DuckEngine,
  relation: string,
  options: ProfileOptions = {},
): Promise<DataProfile> {
  const topK = checkCount('topK', options.topK ?? DEFAULT_TOP_K);
  const bins = checkCount('bins', options.bins ?? DEFAULT_BINS);
  const quantiles = options.quantiles ?? 'exact';
  if (quantiles !== 'exact' && quantiles !== 'approximate') {
    throw invalid('quantiles', "'exact' or 'approximate'", quantiles);
  }
  const columns = await describeRelation(duck, relation);

  const scalar = buildScalarScan(relation, columns, quantiles);
  const scalarResult = await duck.query(scalar.sql);
  const { rowCount, columns: stats } = scalar.read(scalarResult.rows[0] ?? {});

  const histInputs: HistogramInput[] = [];
  stats.forEach((s, index) => {
    if (s.kind !== 'numeric') return;
    const finiteCount = s.nonNull - (s.nanCount ?? 0) - (s.infiniteCount ?? 0);
    histInputs.push({ index, name: s.name, type: s.type, min: num(s.min), max: num(s.max), finiteCount });
  });
  const hist = buildHistogramScan(relation, histInputs, bins);
  const histograms = hist.read(hist.sql === null ? null : ((await duck.query(hist.sql)).rows[0] ?? null));

  const profiles: ColumnProfile[] = [];
  for (const [index, s] of stats.entries()) {
    const top = s.nonNull > 0 ? await queryTopValues(duck, relation, s.name, s.type, topK) : [];
    profiles.push(toColumnProfile(s, rowCount, histograms.get(index), top));
  }
  return {
    row_count: rowCount,
    column_count: columns.length,
    columns: profiles,
    created_at: (options.now ?? new Date()).toISOString(),
    top_k: topK,
    bins,
    quantile_method: quantiles,
  };
}

function toColumnProfile(
  s: ScalarStats,
  rowCount: number,
  histogram: ColumnProfile['histogram'] | undefined,
  top: { value: unknown; count: number }[],
): ColumnProfile {
  const nullCount = rowCount - s.nonNull;
  const profile: ColumnProfile = {
    name: s.name,
    type: s.type,
    kind: s.kind,
    count: rowCount,
    null_count: nullCount,
    completeness: rowCount === 0 ? 1 : s.nonNull / rowCount,
    approx_distinct: s.approxDistinct,
    ...(s.nanCount !== undefined ? { nan_count: s.nanCount, infinite_count: s.infiniteCount ?? 0 } : {}),
    ...(s.min !== undefined ? { min: s.min, max: s.max ?? null } : {}),
    ...(s.kind === 'numeric'
      ? { mean: s.mean ?? null, stddev: s.stddev ?? null, quantiles: s.quantiles, histogram: histogram ?? [] }
      : {}),
    top_values: top,
    ...(s.kind === 'string'
      ? {
          min_length: s.minLength ?? null,
          max_length: s.maxLength ?? null,
          mean_length: s.meanLength ?? null,
        }
      : {}),
  };
  return profile;
}

async function describeRelation(
  duck: DuckEngine,
  relation: string,
): Promise<{ name: string; type: string }[]> {
  if (typeof relation !== 'string' || relation.length === 0) {
    throw invalid('relation', 'a table or view name', relation);
  }
  try {
    return await duck.describe(relation);
  } catch (e) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `relation: expected an existing table or view, got ${JSON.stringify(relation)}`,
      { field: 'relation', relation },
      { cause: e },
    );
  }
}

function checkCount(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1000) {
    throw invalid(field, 'an integer from 1 to 1000', v);
  }
  return v;
}

function num(v: number | string | null | undefined): number | null {
  return typeof v === 'number' ? v : null;
}
