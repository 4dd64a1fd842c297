/**
 * The metric formulas on hand-checked statistics, and every undefined case: null with a reason,
 * never NaN.
 */
import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics } from './performance-metrics.js';

describe('classificationMetrics', () => {
  it("gives scikit-learn's documented ROC AUC example (0.75) from the rank sum", () => {
    // scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1]: positive ranks 2 and 4.
    const { metrics, undefined: why } = classificationMetrics({
      count: 4,
      tp: 1,
      fp: 0,
      tn: 2,
      fn: 1,
      rankSumPositive: 6,
    });
    expect(metrics.roc_auc).toBe(0.75);
    expect(metrics).toMatchObject({ accuracy: 0.75, precision: 1, recall: 0.5, positive_rate: 0.25 });
    expect(metrics.f1).toBeCloseTo(2 / 3, 15);
    expect(why).toEqual({});
  });

  it('precision is undefined without predicted positives; F1 is 0 when there are positive labels', () => {
    const r = classificationMetrics({ count: 3, tp: 0, fp: 0, tn: 1, fn: 2, rankSumPositive: 5 });
    expect(r.metrics.precision).toBeNull();
    expect(r.undefined.precision).toBe('no row predicted positive');
    expect(r.metrics.f1).toBe(0);
    expect(r.metrics.recall).toBe(0);
    expect(r.metrics.roc_auc).toBe(1);
  });

  it('recall, F1 and AUC are undefined with only negatives and no predicted positive', () => {
    const r = classificationMetrics({ count: 2, tp: 0, fp: 0, tn: 2, fn: 0, rankSumPositive: 0 });
    expect(r.metrics).toMatchObject({ accuracy: 1, precision: null, recall: null, f1: null, roc_auc: null });
    expect(r.undefined).toEqual({
      precision: 'no row predicted positive',
      recall: 'no row labelled positive',
      f1: 'no positive label or prediction',
      roc_auc: 'only one class among the labels (all negative)',
    });
  });

  it('AUC is undefined with only positives', () => {
    const r = classificationMetrics({ count: 2, tp: 1, fp: 0, tn: 0, fn: 1, rankSumPositive: 3 });
    expect(r.metrics.roc_auc).toBeNull();
    expect(r.undefined.roc_auc).toBe('only one class among the labels (all positive)');
  });

  it('an empty window has every metric null, for one reason', () => {
    const r = classificationMetrics({ count: 0, tp: 0, fp: 0, tn: 0, fn: 0, rankSumPositive: 0 });
    expect(Object.values(r.metrics).every((v) => v === null)).toBe(true);
    expect(new Set(Object.values(r.undefined))).toEqual(new Set(['no labelled rows with a score']));
    expect(Object.keys(r.undefined).sort()).toEqual(Object.keys(r.metrics).sort());
  });
});

describe('regressionMetrics', () => {
  it('MAE, RMSE and mean error from the sums', () => {
    // errors 1, -2, 3
    const r = regressionMetrics({ count: 3, sumAbsError: 6, sumSqError: 14, sumError: 2 });
    expect(r.metrics.mae).toBe(2);
    expect(r.metrics.rmse).toBeCloseTo(Math.sqrt(14 / 3), 15);
    expect(r.metrics.mean_error).toBeCloseTo(2 / 3, 15);
  });

  it('null with a reason when empty or when the squares overflow', () => {
    expect(regressionMetrics({ count: 0, sumAbsError: 0, sumSqError: 0, sumError: 0 }).undefined.rmse).toBe(
      'no labelled rows with a score',
    );
    const big = regressionMetrics({ count: 1, sumAbsError: 1e200, sumSqError: Infinity, sumError: 1e200 });
    expect(big.metrics).toEqual({ mae: 1e200, rmse: null, mean_error: 1e200 });
    expect(big.undefined).toEqual({ rmse: 'the errors overflow a double' });
  });
});
