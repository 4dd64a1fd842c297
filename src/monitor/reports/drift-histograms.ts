/**
 * @module monitor/reports/drift-histograms
 * The reference-vs-current distributions a drift report draws, kept small whatever the data size:
 * - numeric: equal-width bins over the finite values of reference ∪ current (Sturges' count, capped
 *   at 30), counts per side; in sketch mode the reference sketch's own bins, with the values below
 *   or above them in `underflow` / `overflow`;
 * - categorical: the 20 categories most frequent on either side (by share), the rest summed in
 *   `other`. NULLs are not drawn (the report lists them per side).
 * These are for people; the statistics use their own binning (see docs/drift.md).
 */

export interface NumericHistogram {
  readonly type: 'numeric';
  /** bins + 1 increasing edges. */
  readonly edges: number[];
  readonly reference: number[];
  readonly current: number[];
  /** Values below the first edge / above the last one: [reference, current]. */
  readonly underflow: [number, number];
  readonly overflow: [number, number];
}

export interface CategoricalHistogram {
  readonly type: 'categorical';
  readonly categories: string[];
  readonly reference: number[];
  readonly current: number[];
  /** Rows of the categories not shown: [reference, current], and how many categories that is. */
  readonly other: [number, number];
  readonly other_categories: number;
}

export type DriftHistogram = NumericHistogram | CategoricalHistogram;

export const MAX_DISPLAY_BINS = 30;
export const MAX_DISPLAY_CATEGORIES = 20;

/** Equal-width bins over the finite values of both samples (NaN and ±Infinity are left out). */
export function numericHistogram(reference: ArrayLike<number>, current: ArrayLike<number>): NumericHistogram {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (const side of [reference, current]) {
    for (let i = 0; i < side.length; i++) {
      const v = side[i];
      if (v - v === 0) {
        n++;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  if (n === 0)
    return { type: 'numeric', edges: [], reference: [], current: [], underflow: [0, 0], overflow: [0, 0] };
  const bins = min === max ? 1 : Math.min(MAX_DISPLAY_BINS, Math.max(1, Math.ceil(Math.log2(n) + 1)));
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const count = (side: ArrayLike<number>): number[] => {
    const c = new Array<number>(bins).fill(0);
    for (let i = 0; i < side.length; i++) {
      const v = side[i];
      if (v - v !== 0) continue;
      c[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
    }
    return c;
  };
  return {
    type: 'numeric',
    edges,
    reference: count(reference),
    current: count(current),
    underflow: [0, 0],
    overflow: [0, 0],
  };
}

/**
 * A histogram from fixed-edge counts laid out as [underflow, bin 0, …, bin k−1, overflow]
 * (`FixedHistogram.counts`), for sketch mode.
 */
export function fixedEdgeHistogram(
  edges: ArrayLike<number>,
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): NumericHistogram {
  const k = edges.length - 1;
  const inner = (c: ArrayLike<number>): number[] => Array.from({ length: k }, (_, i) => c[i + 1]);
  return {
    type: 'numeric',
    edges: Array.from(edges),
    reference: inner(reference),
    current: inner(current),
    underflow: [reference[0], current[0]],
    overflow: [reference[k + 1], current[k + 1]],
  };
}

/** The most frequent categories of either side (by share) and the rest as `other`. */
export function categoricalHistogram(
  reference: ReadonlyMap<unknown, number>,
  current: ReadonlyMap<unknown, number>,
): CategoricalHistogram {
  const keep = (m: ReadonlyMap<unknown, number>): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [k, n] of m)
      if (k !== null && k !== undefined) out.set(String(k), (out.get(String(k)) ?? 0) + n);
    return out;
  };
  const ref = keep(reference);
  const cur = keep(current);
  const total = (m: Map<string, number>): number => {
    let s = 0;
    for (const n of m.values()) s += n;
    return s;
  };
  const rt = total(ref) || 1;
  const ct = total(cur) || 1;
  const keys = [...new Set([...ref.keys(), ...cur.keys()])];
  const share = (k: string): number => Math.max((ref.get(k) ?? 0) / rt, (cur.get(k) ?? 0) / ct);
  keys.sort((a, b) => share(b) - share(a) || (a < b ? -1 : a > b ? 1 : 0));
  const shown = keys.slice(0, MAX_DISPLAY_CATEGORIES);
  const rest = keys.slice(MAX_DISPLAY_CATEGORIES);
  return {
    type: 'categorical',
    categories: shown,
    reference: shown.map((k) => ref.get(k) ?? 0),
    current: shown.map((k) => cur.get(k) ?? 0),
    other: [rest.reduce((s, k) => s + (ref.get(k) ?? 0), 0), rest.reduce((s, k) => s + (cur.get(k) ?? 0), 0)],
    other_categories: rest.length,
  };
}
