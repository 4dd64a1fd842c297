/**
 * @module validate/profile/histograms
 * Equal-width histograms of the numeric columns, all in ONE aggregate query (one scan): each
 * column's finite values are mapped to a bin index and counted with DuckDB's `histogram()`
 * aggregate, which returns a map from bin index to count. Bins span [min, max] of the finite
 * values; a bin includes its lower edge, the last one its upper edge too. NaN and ±Infinity are
 * excluded (the profile counts them in `nan_count` / `infinite_count`). A constant column gets one
 * bin and needs no query; an integer column gets at most one bin per integer in its range, so
 * that no bin straddles a gap between two integers.
 */
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import type { HistogramBin } from '../profile-types.js';
import { typeTraits } from './column-kinds.js';
import { num } from './scalar-stats.js';

/** A numeric column's finite range and how many finite values it has. */
export interface HistogramInput {
  readonly index: number;
  readonly name: string;
  readonly type: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly finiteCount: number;
}

interface Plan {
  readonly input: HistogramInput;
  readonly bins: number;
  readonly min: number;
  readonly max: number;
}

export interface HistogramScan {
  /** The query, or null when no column needs one (all constant, empty or all-null). */
  readonly sql: string | null;
  readonly read: (row: Record<string, unknown> | null) => Map<number, HistogramBin[]>;
}

/** The number of bins for a column: `bins`, capped at one per integer for integer types. */
export function binCount(type: string, min: number, max: number, bins: number): number {
  if (max === min) return 1;
  if (typeTraits(type).integer) return Math.max(1, Math.min(bins, Math.floor(max - min) + 1));
  return bins;
}

/** The edges of `count` equal-width bins over [min, max]; the last edge is exactly `max`. */
export function binEdges(min: number, max: number, count: number): number[] {
  // Halves first, so that a span wider than the largest double (-1e308…1e308) does not overflow.
  const width = ((max * 0.5 - min * 0.5) / count) * 2;
  return Array.from({ length: count + 1 }, (_, k) => (k === count ? max : min + k * width));
}

export function buildHistogramScan(
  relation: string,
  inputs: readonly HistogramInput[],
  bins: number,
): HistogramScan {
  const plans: Plan[] = [];
  for (const input of inputs) {
    if (input.min === null || input.max === null || input.finiteCount === 0) continue;
    plans.push({
      input,
      bins: binCount(input.type, input.min, input.max, bins),
      min: input.min,
      max: input.max,
    });
  }
  const queried = plans.filter((p) => p.bins > 1);
  const select = queried.map((p) => {
    const col = quoteIdent(p.input.name);
    const x = `CAST(${col} AS DOUBLE)`;
    const half = doubleLiteral(p.min * 0.5);
    const halfSpan = doubleLiteral(p.max * 0.5 - p.min * 0.5);
    // (x - min) / (max - min) * bins, floored (in halves, see binEdges), x = max in the last bin.
    const idx = `least(CAST(floor((${x} * 0.5 - ${half}) / ${halfSpan} * ${p.bins}) AS INTEGER), ${p.bins - 1})`;
    const filter = typeTraits(p.input.type).floating ? `isfinite(${col})` : `${col} IS NOT NULL`;
    // A CASE, not a FILTER: DuckDB computes an aggregate's argument before filtering, and the
    // cast of NaN's bin to INTEGER would fail. histogram() skips the NULLs.
    return `histogram(CASE WHEN ${filter} THEN ${idx} END) AS "h${p.input.index}"`;
  });
  const sql = select.length > 0 ? `SELECT ${select.join(',\n  ')}\nFROM ${quoteIdent(relation)}` : null;

  const read = (row: Record<string, unknown> | null) => {
    const out = new Map<number, HistogramBin[]>();
    for (const input of inputs) out.set(input.index, []);
    for (const p of plans) {
      if (p.bins === 1) {
        out.set(p.input.index, [{ lower: p.min, upper: p.max, count: p.input.finiteCount }]);
        continue;
      }
      const counts = new Array<number>(p.bins).fill(0);
      const entries = row?.[`h${p.input.index}`];
      if (Array.isArray(entries)) {
        for (const e of entries as { key: unknown; value: unknown }[]) {
          const k = num(e.key);
          // Rounding can put a value a hair below min at index -1; it belongs to the first bin.
          if (k !== null) counts[Math.min(Math.max(k, 0), p.bins - 1)] += num(e.value) ?? 0;
        }
      }
      const edges = binEdges(p.min, p.max, p.bins);
      out.set(
        p.input.index,
        counts.map((count, k) => ({ lower: edges[k], upper: edges[k + 1], count })),
      );
    }
    return out;
  };
  return { sql, read };
}

/** A JS double as a DuckDB DOUBLE literal that reads back to the same value. */
function doubleLiteral(n: number): string {
  return `CAST('${String(n)}' AS DOUBLE)`;
}
