/**
 * @module monitor/drift/column-statistics
 * Every statistic that applies to a column, computed from prepared samples: numeric columns from
 * their two sorted arrays (sorted once, shared by KS, Wasserstein, binning and Hellinger),
 * categorical columns from their two frequency maps.
 *
 * Which statistics apply:
 * - numeric: psi, kl_div, jensenshannon, hellinger, linf (on Evidently's bins), wasserstein(_norm), ks;
 *   when reference ∪ current has at most 20 distinct values also chisquare and chi2_contingency
 *   (values as categories), and z when it has at most 2;
 * - categorical: psi, kl_div, jensenshannon, hellinger, linf, chisquare, chi2_contingency, and z when
 *   there are at most 2 categories.
 */

import type { Binned } from './binning.js';
import {
  binCategorical,
  binNumeric,
  fillEmptyBins,
  MAX_DISTINCT_FOR_VALUE_BINS,
  toProportions,
} from './binning.js';
import type { ChiSquareResult } from './chi-square.js';
import { chi2Contingency, evidentlyChiSquare } from './chi-square.js';
import {
  hellingerCategorical,
  hellingerNumeric,
  jensenShannonDistance,
  klDivergence,
  linfDistance,
  psi,
} from './divergence.js';
import type { KsResult } from './ks.js';
import { ks2Samp } from './ks.js';
import type { CategoryValue } from './prepare.js';
import { countDistinctSorted, countDistinctUnion } from './prepare.js';
import type { ZTestResult } from './z-test.js';
import { twoProportionZTest } from './z-test.js';
import { wassersteinNormed } from './wasserstein.js';

/** All statistics of one column. Keys are absent where a statistic does not apply. */
export interface DriftStatistics {
  /** PSI on Evidently's bins with empty bins filled. */
  readonly psi: number;
  /** KL(reference ‖ current), nats, on the filled bins (Evidently's `kl_div`). */
  readonly kl_div: number;
  /** Jensen–Shannon distance, base 2, on the unfilled bins (Evidently's `jensenshannon`). */
  readonly jensenshannon: number;
  /** Hellinger distance as Evidently computes it for the column kind. */
  readonly hellinger: number;
  /** L∞ distance between the unfilled bin proportions. */
  readonly linf: number;
  readonly wasserstein?: number;
  /** wasserstein / max(reference std, 0.001). */
  readonly wasserstein_norm?: number;
  /** Population standard deviation of the reference (ddof = 0). */
  readonly reference_std?: number;
  readonly ks?: KsResult;
  readonly chisquare?: ChiSquareResult;
  readonly chi2_contingency?: ChiSquareResult;
  readonly z?: ZTestResult;
}

/** Facts about the values that decide binning and the default test. */
export interface DistinctInfo {
  /** Distinct values in the reference (numeric: counted up to 21, as only "> 20" matters). */
  readonly reference: number;
  /** Distinct values in reference ∪ current. */
  readonly union: number;
  /** Current values (rows) whose value never occurs in the reference. */
  readonly unseen_in_reference_rows: number;
  /** Distinct current values that never occur in the reference. */
  readonly unseen_in_reference_values: number;
}

export interface ColumnStatistics {
  readonly all: DriftStatistics;
  readonly distinct: DistinctInfo;
  readonly binning: { readonly mode: 'sturges' | 'values'; readonly bins: number };
}

function binnedDistances(binned: Binned): Pick<DriftStatistics, 'psi' | 'kl_div' | 'jensenshannon' | 'linf'> {
  const ref = toProportions(binned.reference, binned.referenceSize);
  const cur = toProportions(binned.current, binned.currentSize);
  const refFilled = fillEmptyBins(ref);
  const curFilled = fillEmptyBins(cur);
  return {
    psi: psi(refFilled, curFilled),
    kl_div: klDivergence(refFilled, curFilled),
    jensenshannon: jensenShannonDistance(ref, cur, 2),
    linf: linfDistance(ref, cur),
  };
}

/** Tests on per-value counts: chisquare, chi2_contingency, and z when there are <= 2 values. */
function countTests(
  binned: Binned,
  sortedKeys: () => readonly CategoryValue[],
): Pick<DriftStatistics, 'chisquare' | 'chi2_contingency' | 'z'> {
  const out: { chisquare?: ChiSquareResult; chi2_contingency?: ChiSquareResult; z?: ZTestResult } = {
    chisquare: evidentlyChiSquare(binned.reference, binned.current, binned.referenceSize, binned.currentSize),
    chi2_contingency: chi2Contingency(binned.reference, binned.current),
  };
  const keys = binned.keys ?? [];
  if (keys.length <= 2) {
    // Evidently codes the first of the sorted values as 0 and the rest as 1.
    const zeroKey = sortedKeys()[0];
    const zeroAt = keys.indexOf(zeroKey);
    const refOnes = binned.referenceSize - binned.reference[zeroAt];
    const curOnes = binned.currentSize - binned.current[zeroAt];
    out.z = twoProportionZTest(refOnes, binned.referenceSize, curOnes, binned.currentSize);
  }
  return out;
}

/** Statistics of a numeric column from its sorted, finite, non-empty samples. */
export function numericStatistics(reference: Float64Array, current: Float64Array): ColumnStatistics {
  const binned = binNumeric(reference, current);
  const union =
    binned.mode === 'values' ? (binned.keys?.length ?? 0) : countDistinctUnion(reference, current);
  let unseenRows = 0;
  let unseenValues = 0;
  if (binned.mode === 'values') {
    for (let i = 0; i < binned.reference.length; i++) {
      if (binned.reference[i] === 0) {
        unseenValues++;
        unseenRows += binned.current[i];
      }
    }
  }
  const w = wassersteinNormed(reference, current);
  let all: DriftStatistics = {
    ...binnedDistances(binned),
    hellinger: hellingerNumeric(reference, current, union),
    wasserstein: w.distance,
    wasserstein_norm: w.normed,
    reference_std: w.reference_std,
    ks: ks2Samp(reference, current),
  };
  if (binned.mode === 'values' && union <= MAX_DISTINCT_FOR_VALUE_BINS) {
    all = { ...all, ...countTests(binned, () => binned.keys ?? []) };
  }
  return {
    all,
    distinct: {
      reference: countDistinctSorted(reference, MAX_DISTINCT_FOR_VALUE_BINS),
      union,
      unseen_in_reference_rows: unseenRows,
      unseen_in_reference_values: unseenValues,
    },
    binning: { mode: binned.mode, bins: binned.reference.length },
  };
}

function compareCategories(a: CategoryValue, b: CategoryValue): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Statistics of a categorical column from its frequency maps (both samples non-empty). */
export function categoricalStatistics(
  reference: ReadonlyMap<CategoryValue, number>,
  current: ReadonlyMap<CategoryValue, number>,
  referenceSize: number,
  currentSize: number,
): ColumnStatistics {
  const binned = binCategorical(reference, current, referenceSize, currentSize);
  const ref = toProportions(binned.reference, referenceSize);
  const cur = toProportions(binned.current, currentSize);
  let unseenRows = 0;
  let unseenValues = 0;
  for (let i = 0; i < binned.reference.length; i++) {
    if (binned.reference[i] === 0) {
      unseenValues++;
      unseenRows += binned.current[i];
    }
  }
  const all: DriftStatistics = {
    ...binnedDistances(binned),
    hellinger: hellingerCategorical(ref, cur),
    ...countTests(binned, () => [...(binned.keys ?? [])].sort(compareCategories)),
  };
  return {
    all,
    distinct: {
      reference: reference.size,
      union: binned.reference.length,
      unseen_in_reference_rows: unseenRows,
      unseen_in_reference_values: unseenValues,
    },
    binning: { mode: 'values', bins: binned.reference.length },
  };
}
