/**
 * @module monitor/feedback/performance-metrics
 * Model-performance metrics from the sufficient statistics of one window. A metric that is not
 * defined on the window (precision with no predicted positive, ROC AUC with one class) is null and
 * its reason is given in `undefined`; no metric is ever NaN or infinite.
 *
 * Classification: a row is predicted positive when its score is ≥ the threshold. ROC AUC is the
 * Mann–Whitney statistic, exact, with tied scores given their average rank:
 * `AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋)`, R₊ the rank sum of the positives — the probability that a
 * random positive scores above a random negative, ties counting one half (what
 * `sklearn.metrics.roc_auc_score` computes). F1 is `2TP / (2TP + FP + FN)`.
 */

export interface ClassificationStats {
  readonly count: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  /** Sum of the average ranks (1-based, ascending score) of the positive rows. */
  readonly rankSumPositive: number;
}

export interface RegressionStats {
  readonly count: number;
  /** Σ|prediction − label|. */
  readonly sumAbsError: number;
  /** Σ(prediction − label)². */
  readonly sumSqError: number;
  /** Σ(prediction − label). */
  readonly sumError: number;
}

export interface ClassificationMetrics {
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  roc_auc: number | null;
  /** Share of rows predicted positive. */
  positive_rate: number | null;
  /** Share of rows labelled positive. */
  label_positive_rate: number | null;
}

export interface RegressionMetrics {
  mae: number | null;
  rmse: number | null;
  /** Mean of prediction − label (positive: the model over-predicts). */
  mean_error: number | null;
}

export interface MetricsResult<M> {
  readonly metrics: M;
  /** Metric name → why it is null. */
  readonly undefined: Record<string, string>;
}

const NO_ROWS = 'no labelled rows with a score';

export function classificationMetrics(s: ClassificationStats): MetricsResult<ClassificationMetrics> {
  const why: Record<string, string> = {};
  const ratio = (name: string, num: number, den: number, reason: string): number | null => {
    if (den > 0) return num / den;
    why[name] = reason;
    return null;
  };
  const pos = s.tp + s.fn;
  const neg = s.fp + s.tn;
  const n = s.count;
  const metrics: ClassificationMetrics = {
    accuracy: ratio('accuracy', s.tp + s.tn, n, NO_ROWS),
    precision: ratio('precision', s.tp, s.tp + s.fp, n === 0 ? NO_ROWS : 'no row predicted positive'),
    recall: ratio('recall', s.tp, pos, n === 0 ? NO_ROWS : 'no row labelled positive'),
    f1: ratio('f1', 2 * s.tp, 2 * s.tp + s.fp + s.fn, n === 0 ? NO_ROWS : 'no positive label or prediction'),
    roc_auc: null,
    positive_rate: ratio('positive_rate', s.tp + s.fp, n, NO_ROWS),
    label_positive_rate: ratio('label_positive_rate', pos, n, NO_ROWS),
  };
  if (pos > 0 && neg > 0) {
    metrics.roc_auc = (s.rankSumPositive - (pos * (pos + 1)) / 2) / (pos * neg);
  } else {
    why.roc_auc =
      n === 0 ? NO_ROWS : `only one class among the labels (${pos > 0 ? 'all positive' : 'all negative'})`;
  }
  return { metrics, undefined: why };
}

export function regressionMetrics(s: RegressionStats): MetricsResult<RegressionMetrics> {
  if (s.count === 0) {
    return {
      metrics: { mae: null, rmse: null, mean_error: null },
      undefined: { mae: NO_ROWS, rmse: NO_ROWS, mean_error: NO_ROWS },
    };
  }
  const why: Record<string, string> = {};
  const finite = (name: string, v: number): number | null => {
    if (Number.isFinite(v)) return v;
    why[name] = 'the errors overflow a double';
    return null;
  };
  return {
    metrics: {
      mae: finite('mae', s.sumAbsError / s.count),
      rmse: finite('rmse', Math.sqrt(s.sumSqError / s.count)),
      mean_error: finite('mean_error', s.sumError / s.count),
    },
    undefined: why,
  };
}
