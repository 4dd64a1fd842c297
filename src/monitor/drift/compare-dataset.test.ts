import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { adjustPValues, compareDataset, summarizeDataset } from './compare-dataset.js';
import { expectClose, loadVectors } from './test-support/vectors.js';

describe('adjustPValues', () => {
  const { p_values, bonferroni, benjamini_hochberg } = loadVectors().corrections;
  it('matches the numpy Bonferroni and Benjamini–Hochberg adjustments', () => {
    adjustPValues(p_values, 'bonferroni').forEach((p, i) => {
      expectClose(p, bonferroni[i], 1e-14, `bonf ${i}`);
    });
    adjustPValues(p_values, 'benjamini-hochberg').forEach((p, i) => {
      expectClose(p, benjamini_hochberg[i], 1e-14, `bh ${i}`);
    });
    expect(adjustPValues(p_values, 'none')).toEqual(p_values);
  });
});

describe('compareDataset', () => {
  const cases = loadVectors().cases;
  const col = (name: string) => {
    const c = cases.find((x) => x.name === name);
    if (!c) throw new Error(name);
    return { column: name, kind: c.kind, reference: c.reference as never, current: c.current as never };
  };

  it('reports dataset drift when the drifted share reaches driftShare, ignoring insufficient columns', () => {
    const columns = [
      col('normal_small_exact'),
      col('normal_no_shift_exact'),
      col('disjoint_supports'),
      { column: 'empty', kind: 'numeric' as const, reference: [null, null], current: [1, 2] },
    ];
    const r = compareDataset(columns, { driftShare: 0.6 });
    const drifted = r.columns.filter((c) => c.drifted).map((c) => c.column);
    expect(r.number_of_columns).toBe(3);
    expect(r.insufficient_columns).toEqual(['empty']);
    expect(r.number_of_drifted_columns).toBe(drifted.length);
    expect(r.share_of_drifted_columns).toBe(drifted.length / 3);
    expect(r.dataset_drift).toBe(drifted.length / 3 >= 0.6);
    expect(compareDataset(columns, { driftShare: 0.1 }).dataset_drift).toBe(drifted.length > 0);
  });

  it('Bonferroni can only remove p-value drift verdicts; distance tests are untouched', () => {
    const columns = [
      'normal_small_exact',
      'poisson_ties_values_bins',
      'categorical_small',
      'binary_numeric',
      'lognormal_skewed',
    ].map(col);
    const plain = compareDataset(columns);
    const bonf = compareDataset(columns, { correction: 'bonferroni' });
    const bh = compareDataset(columns, { correction: 'benjamini-hochberg' });
    const m = plain.columns.filter((c) => c.score_type === 'p_value').length;
    expect(m).toBeGreaterThan(2);
    plain.columns.forEach((c, i) => {
      if (c.score_type === 'p_value') {
        expectClose(bonf.columns[i].p_value_adjusted, Math.min(1, (c.statistic as number) * m), 1e-15, 'adj');
        if (bonf.columns[i].drifted) expect(c.drifted).toBe(true);
        if (bonf.columns[i].drifted) expect(bh.columns[i].drifted).toBe(true);
      } else {
        expect(bonf.columns[i].drifted).toBe(c.drifted);
        expect(bonf.columns[i].p_value_adjusted).toBeUndefined();
      }
    });
  });

  it('summarizeDataset of nothing comparable is no drift', () => {
    const r = summarizeDataset([]);
    expect([r.dataset_drift, r.share_of_drifted_columns]).toEqual([false, 0]);
  });

  it('rejects bad options and column lists with DRIFT_INPUT_INVALID', () => {
    const one = [col('binary_numeric')];
    const attempts: (() => unknown)[] = [
      () => compareDataset([]),
      () => compareDataset(one, { driftShare: 0 }),
      () => compareDataset(one, { correction: 'holm' as never }),
      () => compareDataset([...one, ...one]),
      () => compareDataset([{ ...one[0], column: '' }]),
    ];
    for (const f of attempts) {
      expect(f).toThrow(KilnError);
      try {
        f();
      } catch (e) {
        expect((e as KilnError).code).toBe('DRIFT_INPUT_INVALID');
      }
    }
  });
});
