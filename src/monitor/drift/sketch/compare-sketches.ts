/**
 * @module monitor/drift/sketch/compare-sketches
 * Column drift from two sketches (mode `sketch`), with the same result shape as exact mode plus
 * `error_bounds`:
 * - KS and Wasserstein come from the quantile sketches: |KS − exact| <= ε_r + ε_c and
 *   |wasserstein_norm − exact| <= (ε_r·range_r + ε_c·range_c) / max(std_r, 0.001), where ε are the
 *   certified normalized rank errors; the exact KS p-value lies in `error_bounds.ks_p_value`.
 * - When the reference has at most 20 distinct values and no counter overflowed, binning is per
 *   value exactly as in exact mode, and every binned statistic and count test is exact.
 * - Otherwise binned statistics use the fixed-edge histograms (edges fixed from the reference, plus
 *   underflow/overflow bins kept when non-empty): exact for those bins, but the bins differ from
 *   Evidently's, which span reference ∪ current. Hellinger is then Σ√(p·q) over those equal-width
 *   bins (Evidently's density form reduces to it for equal widths).
 */

import { invalid } from '../../../core/errors.js';
import type { Binned } from '../binning.js';
import { fillEmptyBins, MAX_DISTINCT_FOR_VALUE_BINS, toProportions } from '../binning.js';
import { chi2Contingency, evidentlyChiSquare } from '../chi-square.js';
import type { ColumnStatistics, DriftStatistics } from '../column-statistics.js';
import { categoricalStatistics } from '../column-statistics.js';
import {
  hellingerCategorical,
  jensenShannonDistance,
  klDivergence,
  linfDistance,
  psi,
} from '../divergence.js';
import type { DriftTestName } from '../drift-tests.js';
import { DRIFT_TESTS } from '../drift-tests.js';
import { ksPValue } from '../ks.js';
import type { CategoryValue } from '../prepare.js';
import type { ColumnDriftResult, SketchErrorBounds } from '../verdict.js';
import { decide, insufficientResult, resolveTestChoice } from '../verdict.js';
import { WASSERSTEIN_MIN_NORM } from '../wasserstein.js';
import { twoProportionZTest } from '../z-test.js';
import type { CategoricalColumnSketch, NumericColumnSketch } from './column-sketch.js';
import { sketchKsStatistic, sketchWasserstein } from './sketch-distances.js';

export interface CompareSketchesOptions {
  readonly column?: string;
  readonly test?: DriftTestName;
  readonly threshold?: number;
}

/** Rows of values beyond a counter's cap: one extra bin. */
const OTHER = Symbol('other');

function valueBins(ref: NumericColumnSketch, cur: NumericColumnSketch): { binned: Binned; exact: boolean } {
  const r = ref.values.counts;
  const c = cur.values.counts;
  const keys = [...new Set([...r.keys(), ...c.keys()])].sort((a, b) => a - b);
  const refCounts = keys.map((k) => r.get(k) ?? 0);
  const curCounts = keys.map((k) => c.get(k) ?? 0);
  if (cur.values.overflowed) {
    refCounts.push(0);
    curCounts.push(cur.values.other);
  }
  return {
    binned: {
      mode: 'values',
      keys,
      reference: Float64Array.from(refCounts),
      current: Float64Array.from(curCounts),
      referenceSize: ref.counts.used,
      currentSize: cur.counts.used,
    },
    exact: !cur.values.overflowed,
  };
}

function histogramBins(ref: NumericColumnSketch, cur: NumericColumnSketch): Binned {
  if (!ref.histogram || !cur.histogram || !ref.histogram.hasSameEdges(cur.histogram)) {
    throw invalid(
      'sketch.histogram',
      'histograms with the same edges on both sketches (the reference has more than 20 distinct values)',
      ref.histogram && cur.histogram ? 'different edges' : 'a sketch without edges',
      'DRIFT_INPUT_INVALID',
    );
  }
  const r = ref.histogram.counts;
  const c = cur.histogram.counts;
  const last = r.length - 1;
  // Keep the underflow / overflow bins only when some value fell there.
  const from = r[0] + c[0] > 0 ? 0 : 1;
  const to = r[last] + c[last] > 0 ? last + 1 : last;
  return {
    mode: 'sturges',
    edges: ref.histogram.edges,
    reference: r.slice(from, to),
    current: c.slice(from, to),
    referenceSize: ref.counts.used,
    currentSize: cur.counts.used,
  };
}

function binnedStats(
  b: Binned,
): Pick<DriftStatistics, 'psi' | 'kl_div' | 'jensenshannon' | 'linf' | 'hellinger'> {
  const ref = toProportions(b.reference, b.referenceSize);
  const cur = toProportions(b.current, b.currentSize);
  const rf = fillEmptyBins(ref);
  const cf = fillEmptyBins(cur);
  return {
    psi: psi(rf, cf),
    kl_div: klDivergence(rf, cf),
    jensenshannon: jensenShannonDistance(ref, cur, 2),
    linf: linfDistance(ref, cur),
    hellinger: hellingerCategorical(ref, cur),
  };
}

/** Compares two numeric column sketches. Throws DRIFT_INPUT_INVALID on mismatched sketches. */
export function compareNumericSketches(
  reference: NumericColumnSketch,
  current: NumericColumnSketch,
  options: CompareSketchesOptions = {},
): ColumnDriftResult {
  const choice = resolveTestChoice('numeric', options.test, options.threshold);
  if (reference.quantiles.k !== current.quantiles.k) {
    throw invalid(
      'sketch.k',
      `the same k on both sketches (${reference.quantiles.k})`,
      current.quantiles.k,
      'DRIFT_INPUT_INVALID',
    );
  }
  const refCounts = reference.counts;
  const curCounts = current.counts;
  if (refCounts.used === 0 || curCounts.used === 0) {
    return insufficientResult(choice, options.column, refCounts, curCounts, 'sketch');
  }
  const refDistinct = reference.values.overflowed ? Number.POSITIVE_INFINITY : reference.values.counts.size;
  const perValue = refDistinct <= MAX_DISTINCT_FOR_VALUE_BINS;
  const { binned, exact } = perValue
    ? valueBins(reference, current)
    : { binned: histogramBins(reference, current), exact: true };
  const unionKeys = new Set([...reference.values.counts.keys(), ...current.values.counts.keys()]);
  const union = unionKeys.size + (reference.values.overflowed || current.values.overflowed ? 1 : 0);

  const rv = reference.quantiles.weightedView();
  const cv = current.quantiles.weightedView();
  const er = reference.quantiles.normalizedRankError;
  const ec = current.quantiles.normalizedRankError;
  const dHat = sketchKsStatistic(rv, cv);
  const nr = refCounts.used;
  const nc = curCounts.used;
  const ks = ksPValue(nr, nc, dHat);
  const ksErr = er + ec;
  const pLow = ksPValue(nr, nc, Math.min(1, dHat + ksErr)).p_value;
  const pHigh = ksPValue(nr, nc, Math.max(0, dHat - ksErr)).p_value;
  const std = reference.std;
  const norm = Math.max(std, WASSERSTEIN_MIN_NORM);
  const w = sketchWasserstein(rv, cv);
  const wErr =
    (er * (reference.quantiles.max - reference.quantiles.min) +
      ec * (current.quantiles.max - current.quantiles.min)) /
    norm;

  let all: DriftStatistics = {
    ...binnedStats(binned),
    wasserstein: w,
    wasserstein_norm: w / norm,
    reference_std: std,
    ks,
  };
  if (perValue && exact && union <= MAX_DISTINCT_FOR_VALUE_BINS) {
    all = {
      ...all,
      chisquare: evidentlyChiSquare(binned.reference, binned.current, nr, nc),
      chi2_contingency: chi2Contingency(binned.reference, binned.current),
    };
    if (union <= 2) {
      // binned keys are sorted: the first is Evidently's 0.
      all = { ...all, z: twoProportionZTest(nr - binned.reference[0], nr, nc - binned.current[0], nc) };
    }
  }
  const stats: ColumnStatistics = {
    all,
    distinct: {
      reference: Math.min(refDistinct, reference.values.maxCategories + 1),
      union,
      unseen_in_reference_rows: perValue ? sumWhereZero(binned) : 0,
      unseen_in_reference_values: perValue
        ? (binned.keys ?? []).filter((_, i) => binned.reference[i] === 0).length
        : 0,
    },
    binning: { mode: binned.mode, bins: binned.reference.length },
  };
  const bounds: SketchErrorBounds = {
    reference_rank_error: er,
    current_rank_error: ec,
    ks_statistic: ksErr,
    ks_p_value: [pLow, pHigh],
    wasserstein_norm: wErr,
    binned_exact: exact,
  };
  return finish(stats, choice, options.column, refCounts, curCounts, bounds);
}

function sumWhereZero(b: Binned): number {
  let s = 0;
  for (let i = 0; i < b.reference.length; i++) if (b.reference[i] === 0) s += b.current[i];
  return s;
}

function finish(
  stats: ColumnStatistics,
  choice: ReturnType<typeof resolveTestChoice>,
  column: string | undefined,
  reference: ColumnDriftResult['reference'],
  current: ColumnDriftResult['current'],
  bounds: SketchErrorBounds,
): ColumnDriftResult {
  const verdict = decide(stats, choice, reference.used);
  return {
    ...(column === undefined ? {} : { column }),
    kind: choice.kind,
    test: verdict.test,
    score_type: DRIFT_TESTS[verdict.test].score,
    status: 'ok',
    statistic: verdict.statistic,
    threshold: verdict.threshold,
    drifted: verdict.drifted,
    mode: 'sketch',
    reference,
    current,
    distinct: stats.distinct,
    binning: stats.binning,
    error_bounds: bounds,
    all: stats.all,
  };
}

/** Compares two categorical column sketches; exact unless a counter overflowed its cap. */
export function compareCategoricalSketches(
  reference: CategoricalColumnSketch,
  current: CategoricalColumnSketch,
  options: CompareSketchesOptions = {},
): ColumnDriftResult {
  const choice = resolveTestChoice('categorical', options.test, options.threshold);
  const refCounts = reference.counts;
  const curCounts = current.counts;
  if (refCounts.used === 0 || curCounts.used === 0) {
    return insufficientResult(choice, options.column, refCounts, curCounts, 'sketch');
  }
  const withOther = (s: CategoricalColumnSketch): Map<CategoryValue, number> => {
    const m = s.categories.counts;
    // The overflow bucket is one more category; a symbol cannot collide with a real value.
    if (s.categories.overflowed) (m as Map<unknown, number>).set(OTHER, s.categories.other);
    return m;
  };
  const stats = categoricalStatistics(
    withOther(reference),
    withOther(current),
    refCounts.used,
    curCounts.used,
  );
  const exact = !reference.categories.overflowed && !current.categories.overflowed;
  const bounds: SketchErrorBounds = {
    reference_rank_error: 0,
    current_rank_error: 0,
    ks_statistic: 0,
    ks_p_value: [0, 1],
    wasserstein_norm: 0,
    binned_exact: exact,
  };
  return finish(stats, choice, options.column, refCounts, curCounts, bounds);
}
