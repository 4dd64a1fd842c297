/**
 * @module monitor/drift/compare-column
 * Drift verdict for one column: prepares both samples (drops nulls and non-finite values, counting
 * them), computes every statistic that applies, picks the requested test or Evidently's default, and
 * applies the test's threshold and verdict rule. A column left with no values on either side gets
 * status `insufficient_data`, statistic null and drifted false — never NaN.
 */

import { invalid } from '../../core/errors.js';
import type { ColumnStatistics } from './column-statistics.js';
import { categoricalStatistics, numericStatistics } from './column-statistics.js';
import type { ColumnKind, DriftTestName } from './drift-tests.js';
import { DRIFT_TESTS } from './drift-tests.js';
import type { CategoricalInput, NumericInput, SampleCounts } from './prepare.js';
import { prepareCategorical, prepareNumeric } from './prepare.js';
import { CategoricalColumnSketch, NumericColumnSketch } from './sketch/column-sketch.js';
import { compareCategoricalSketches, compareNumericSketches } from './sketch/compare-sketches.js';
import type { ColumnDriftResult, TestChoice } from './verdict.js';
import { decide, insufficientResult, resolveTestChoice } from './verdict.js';

export type { ColumnDriftResult, SketchErrorBounds } from './verdict.js';

export interface CompareColumnOptions {
  readonly kind: ColumnKind;
  /** Column name, copied to the result. */
  readonly column?: string;
  /** Test that decides the verdict; Evidently's default for the column when absent. */
  readonly test?: DriftTestName;
  /** Threshold of that test; the test's default when absent. */
  readonly threshold?: number;
  /**
   * Above this many values (reference + current) the column is compared through bounded-memory
   * sketches (mode `sketch`, with `error_bounds`) instead of exactly. Default 50 000 000.
   */
  readonly exactLimit?: number;
  /** Quantile-sketch capacity per level in sketch mode. Default 2048. */
  readonly sketchK?: number;
}

/** Default {@link CompareColumnOptions.exactLimit}. */
export const DEFAULT_EXACT_LIMIT = 50_000_000;

/**
 * Compares one column of the reference with the same column of the current data.
 * Throws DRIFT_INPUT_INVALID for a bad kind, test or threshold, a value of the wrong type, or a test
 * that does not apply to the column's values (e.g. `z` on a column with three values).
 */
export function compareColumn(
  reference: NumericInput | CategoricalInput,
  current: NumericInput | CategoricalInput,
  options: CompareColumnOptions,
): ColumnDriftResult {
  if (options === null || typeof options !== 'object') {
    throw invalid('options', 'an object with kind', options, 'DRIFT_INPUT_INVALID');
  }
  const choice = resolveTestChoice(options.kind, options.test, options.threshold);
  const field = options.column ?? 'column';
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  if (!(typeof exactLimit === 'number' && exactLimit >= 0)) {
    throw invalid('exactLimit', 'a number >= 0', exactLimit, 'DRIFT_INPUT_INVALID');
  }
  if ((reference?.length ?? 0) + (current?.length ?? 0) > exactLimit) {
    return compareBySketches(reference, current, choice, options);
  }
  let stats: ColumnStatistics | undefined;
  let refCounts: SampleCounts;
  let curCounts: SampleCounts;
  if (choice.kind === 'numeric') {
    const ref = prepareNumeric(reference as NumericInput, `${field}.reference`);
    const cur = prepareNumeric(current as NumericInput, `${field}.current`);
    refCounts = ref.counts;
    curCounts = cur.counts;
    if (ref.sorted.length > 0 && cur.sorted.length > 0) stats = numericStatistics(ref.sorted, cur.sorted);
  } else {
    const ref = prepareCategorical(reference as CategoricalInput, `${field}.reference`);
    const cur = prepareCategorical(current as CategoricalInput, `${field}.current`);
    refCounts = ref.counts;
    curCounts = cur.counts;
    if (ref.counts.used > 0 && cur.counts.used > 0) {
      stats = categoricalStatistics(ref.frequencies, cur.frequencies, ref.counts.used, cur.counts.used);
    }
  }
  if (!stats) return insufficientResult(choice, options.column, refCounts, curCounts, 'exact');
  const verdict = decide(stats, choice, refCounts.used);
  return {
    ...(options.column === undefined ? {} : { column: options.column }),
    kind: choice.kind,
    test: verdict.test,
    score_type: DRIFT_TESTS[verdict.test].score,
    status: 'ok',
    statistic: verdict.statistic,
    threshold: verdict.threshold,
    drifted: verdict.drifted,
    mode: 'exact',
    reference: refCounts,
    current: curCounts,
    distinct: stats.distinct,
    binning: stats.binning,
    all: stats.all,
  };
}

function compareBySketches(
  reference: NumericInput | CategoricalInput,
  current: NumericInput | CategoricalInput,
  choice: TestChoice,
  options: CompareColumnOptions,
): ColumnDriftResult {
  const opts = { column: options.column, test: choice.test, threshold: choice.threshold };
  if (choice.kind === 'numeric') {
    const ref = NumericColumnSketch.fromReference(reference as NumericInput, { k: options.sketchK });
    const cur = ref.emptyLike();
    cur.add(current as NumericInput);
    return compareNumericSketches(ref, cur, opts);
  }
  const ref = new CategoricalColumnSketch();
  ref.add(reference as CategoricalInput);
  const cur = ref.emptyLike();
  cur.add(current as CategoricalInput);
  return compareCategoricalSketches(ref, cur, opts);
}
