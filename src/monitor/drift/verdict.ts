/**
 * @module monitor/drift/verdict
 * The result shape of a column comparison and the steps shared by exact and sketch mode: validating
 * the test choice, reading the chosen test's score, applying threshold and verdict rule, and the
 * `insufficient_data` result for a column with no usable values on one side.
 */

import { invalid, KilnError } from '../../core/errors.js';
import type { ColumnStatistics, DriftStatistics } from './column-statistics.js';
import type { ColumnKind, DriftTestName } from './drift-tests.js';
import { DRIFT_TEST_NAMES, DRIFT_TESTS, defaultDriftTest, isDriftTestName } from './drift-tests.js';
import type { SampleCounts } from './prepare.js';

/** The test choice of a comparison after validation. */
export interface TestChoice {
  readonly kind: ColumnKind;
  readonly test?: DriftTestName;
  readonly threshold?: number;
}

/** Error bounds of a result computed from sketches (absent in exact mode). */
export interface SketchErrorBounds {
  /** Certified normalized rank error of the reference and current quantile sketches. */
  readonly reference_rank_error: number;
  readonly current_rank_error: number;
  /** |KS statistic − exact| is at most this. */
  readonly ks_statistic: number;
  /** The exact KS p-value lies in this interval. */
  readonly ks_p_value: readonly [number, number];
  /** |wasserstein_norm − exact| is at most this. */
  readonly wasserstein_norm: number;
  /** Binned statistics are exact for the sketch's fixed bins (true) or lumped overflow categories (false). */
  readonly binned_exact: boolean;
}

export interface ColumnDriftResult {
  readonly column?: string;
  readonly kind: ColumnKind;
  readonly test: DriftTestName;
  readonly score_type: 'p_value' | 'distance';
  readonly status: 'ok' | 'insufficient_data';
  /** The test's score (its p-value, or its distance); null only for insufficient data. */
  readonly statistic: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  /** Set by a dataset-level multiple-testing correction: the adjusted p-value that was compared. */
  readonly p_value_adjusted?: number;
  /** Why the status is not `ok`. */
  readonly reason?: string;
  readonly mode: 'exact' | 'sketch';
  readonly reference: SampleCounts;
  readonly current: SampleCounts;
  readonly distinct?: ColumnStatistics['distinct'];
  readonly binning?: ColumnStatistics['binning'];
  readonly error_bounds?: SketchErrorBounds;
  readonly all: Partial<DriftStatistics>;
}

/** Validated test name and threshold. Throws DRIFT_INPUT_INVALID for a bad name, kind or threshold. */
export function resolveTestChoice(kind: unknown, test: unknown, threshold: unknown): TestChoice {
  if (kind !== 'numeric' && kind !== 'categorical') {
    throw invalid('kind', "'numeric' or 'categorical'", kind, 'DRIFT_INPUT_INVALID');
  }
  if (test !== undefined) {
    if (!isDriftTestName(test))
      throw invalid('test', `one of ${DRIFT_TEST_NAMES.join(', ')}`, test, 'DRIFT_INPUT_INVALID');
    if (!DRIFT_TESTS[test].kinds.includes(kind)) {
      throw invalid('test', `a test for ${kind} columns`, test, 'DRIFT_INPUT_INVALID');
    }
  }
  if (threshold !== undefined) {
    const isP = test !== undefined && DRIFT_TESTS[test].score === 'p_value';
    if (
      typeof threshold !== 'number' ||
      !Number.isFinite(threshold) ||
      threshold <= 0 ||
      (isP && threshold > 1)
    ) {
      throw invalid(
        'threshold',
        isP ? 'a number in (0, 1]' : 'a finite number > 0',
        threshold,
        'DRIFT_INPUT_INVALID',
      );
    }
  }
  return { kind, test: test as DriftTestName | undefined, threshold: threshold as number | undefined };
}

/** The score a test reads from the statistics, or a DRIFT_INPUT_INVALID error when it does not apply. */
export function scoreOf(test: DriftTestName, all: Partial<DriftStatistics>, union: number): number {
  const need = (v: number | undefined, why: string): number => {
    if (v === undefined) {
      throw new KilnError(
        'DRIFT_INPUT_INVALID',
        `test ${test}: ${why}; the column has ${union} distinct values`,
        {
          field: 'test',
          test,
          distinct: union,
        },
      );
    }
    return v;
  };
  switch (test) {
    case 'ks':
      return need(all.ks?.p_value, 'needs a numeric column');
    case 'wasserstein':
      return need(all.wasserstein_norm, 'needs a numeric column');
    case 'chisquare':
      return need(
        all.chisquare?.p_value,
        'needs a categorical column or a numeric one with <= 20 distinct values',
      );
    case 'chi2_contingency':
      return need(
        all.chi2_contingency?.p_value,
        'needs a categorical column or <= 20 distinct numeric values',
      );
    case 'z':
      return need(all.z?.p_value, 'needs a binary column (at most 2 distinct values)');
    default:
      return need(all[test], 'is not available for this column');
  }
}

/** Applies test choice, threshold and verdict to computed statistics. */
export function decide(
  stats: ColumnStatistics,
  choice: TestChoice,
  referenceSize: number,
): { test: DriftTestName; statistic: number; threshold: number; drifted: boolean } {
  const test = choice.test ?? defaultDriftTest(choice.kind, referenceSize, stats.distinct.union);
  const spec = DRIFT_TESTS[test];
  const threshold = choice.threshold ?? spec.defaultThreshold;
  if (spec.score === 'p_value' && threshold > 1) {
    throw invalid(
      'threshold',
      `a number in (0, 1] for the p-value test ${test}`,
      threshold,
      'DRIFT_INPUT_INVALID',
    );
  }
  const statistic = scoreOf(test, stats.all, stats.distinct.union);
  if (Number.isNaN(statistic)) {
    // Every statistic is defined on non-empty samples; a NaN here is a bug, never a verdict.
    throw new KilnError('INTERNAL', `drift test ${test} produced NaN`, { test });
  }
  return { test, statistic, threshold, drifted: spec.drifted(statistic, threshold) };
}

/** A result for a column that has no usable values on one side. */
export function insufficientResult(
  choice: TestChoice,
  column: string | undefined,
  reference: SampleCounts,
  current: SampleCounts,
  mode: 'exact' | 'sketch',
): ColumnDriftResult {
  const test = choice.test ?? defaultDriftTest(choice.kind, reference.used, 0);
  const sides = [reference.used === 0 ? 'reference' : '', current.used === 0 ? 'current' : ''].filter(
    Boolean,
  );
  return {
    ...(column === undefined ? {} : { column }),
    kind: choice.kind,
    test,
    score_type: DRIFT_TESTS[test].score,
    status: 'insufficient_data',
    statistic: null,
    threshold: choice.threshold ?? DRIFT_TESTS[test].defaultThreshold,
    drifted: false,
    reason: `no usable values in ${sides.join(' and ')} (nulls and non-finite values are dropped)`,
    mode,
    reference,
    current,
    all: {},
  };
}
