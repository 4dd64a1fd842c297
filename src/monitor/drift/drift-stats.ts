/**
 * @module monitor/drift/drift-stats
 * Public entry point of Kiln's drift statistics: column and dataset comparison (exact, matching
 * scipy/numpy and Evidently's rules), the individual statistics, and the mergeable sketches for
 * bounded-memory windows. docs/drift.md describes every formula, rule and error bound.
 */

export type { Binned } from './binning.js';
export {
  binCategorical,
  binNumeric,
  fillEmptyBins,
  histogramSorted,
  sturgesEdges,
  toProportions,
} from './binning.js';
export type { ChiSquareResult } from './chi-square.js';
export { chi2Contingency, chiSquareGoodnessOfFit, evidentlyChiSquare } from './chi-square.js';
export type { ColumnStatistics, DistinctInfo, DriftStatistics } from './column-statistics.js';
export { categoricalStatistics, numericStatistics } from './column-statistics.js';
export type { CompareColumnOptions } from './compare-column.js';
export { compareColumn, DEFAULT_EXACT_LIMIT } from './compare-column.js';
export type {
  DatasetColumnInput,
  DatasetDriftOptions,
  DatasetDriftResult,
  PValueCorrection,
} from './compare-dataset.js';
export { adjustPValues, compareDataset, summarizeDataset } from './compare-dataset.js';
export {
  hellingerCategorical,
  hellingerNumeric,
  jensenShannonDistance,
  klDivergence,
  linfDistance,
  psi,
} from './divergence.js';
export type { ColumnKind, DriftTestName, DriftTestSpec } from './drift-tests.js';
export { DRIFT_TEST_NAMES, DRIFT_TESTS, defaultDriftTest } from './drift-tests.js';
export type { KsResult } from './ks.js';
export { ks2Samp, ksAsymptoticPValue, ksPValue, ksStatistic } from './ks.js';
export type { CategoricalInput, CategoryValue, NumericInput, SampleCounts } from './prepare.js';
export { prepareCategorical, prepareNumeric } from './prepare.js';
export { sortFloat64 } from './radix-sort.js';
export { CategoryCounter } from './sketch/category-counter.js';
export { CategoricalColumnSketch, NumericColumnSketch } from './sketch/column-sketch.js';
export type { CompareSketchesOptions } from './sketch/compare-sketches.js';
export { compareCategoricalSketches, compareNumericSketches } from './sketch/compare-sketches.js';
export { FixedHistogram } from './sketch/fixed-histogram.js';
export { QuantileSketch } from './sketch/quantile-sketch.js';
export { chi2Sf, gammaP, gammaQ, logGamma, normalSf } from './special/gamma.js';
export { kolmogorovSf, smirnovSf } from './special/kolmogorov.js';
export type { ColumnDriftResult, SketchErrorBounds } from './verdict.js';
export { populationStd, wassersteinDistance, wassersteinNormed } from './wasserstein.js';
export type { ZTestResult } from './z-test.js';
export { twoProportionZTest } from './z-test.js';
