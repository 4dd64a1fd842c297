import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { compareColumn } from './compare-column.js';
import { jensenShannonDistance } from './divergence.js';
import { expectClose, loadVectors } from './test-support/vectors.js';

const STAT = 1e-9;
const PVALUE = 1e-6;

describe('compareColumn against scipy/numpy reference values', () => {
  for (const c of loadVectors().cases) {
    it(c.name, () => {
      const r = compareColumn(c.reference as never, c.current as never, { kind: c.kind, column: c.name });
      const e = c.expected;
      expect(r.status).toBe('ok');
      expect(r.binning?.mode).toBe(e.binning);
      expect(r.binning?.bins).toBe(e.bins);
      expect(r.distinct?.union).toBe(e.distinct_union);
      expect(r.test).toBe(e.default_test);
      expectClose(r.all.psi, e.psi, STAT, 'psi');
      expectClose(r.all.kl_div, e.kl_div, STAT, 'kl_div');
      expectClose(r.all.jensenshannon, e.jensenshannon, STAT, 'jensenshannon', 1e-12);
      expectClose(r.all.hellinger, e.hellinger, STAT, 'hellinger', 1e-7);
      expectClose(r.all.linf, e.linf, STAT, 'linf');
      if (e.wasserstein !== undefined) {
        expectClose(r.all.wasserstein, e.wasserstein, STAT, 'wasserstein');
        expectClose(r.all.reference_std, e.reference_std as number, STAT, 'reference_std');
        expectClose(r.all.wasserstein_norm, e.wasserstein_norm as number, STAT, 'wasserstein_norm');
      } else {
        expect(r.all.wasserstein_norm).toBeUndefined();
      }
      if (e.ks) {
        expect(r.all.ks?.method).toBe(e.ks.method);
        expectClose(r.all.ks?.statistic, e.ks.statistic, STAT, 'ks.statistic');
        expectClose(r.all.ks?.p_value, e.ks.p_value, PVALUE, 'ks.p_value', 1e-300);
      }
      for (const t of ['chisquare', 'chi2_contingency', 'z'] as const) {
        const want = e[t];
        if (!want) {
          expect(r.all[t], t).toBeUndefined();
          continue;
        }
        expectClose(r.all[t]?.statistic, want.statistic, STAT, `${t}.statistic`);
        expectClose(r.all[t]?.p_value, want.p_value, PVALUE, `${t}.p_value`, 1e-300);
        if (want.dof !== undefined) expect((r.all[t] as { dof: number }).dof).toBe(want.dof);
      }
      expect(Number.isNaN(r.statistic)).toBe(false);
      expect(typeof r.drifted).toBe('boolean');
    });
  }

  it('jensenShannonDistance uses the natural log by default, as scipy does', () => {
    const c = loadVectors().cases.find((x) => x.name === 'categorical_unseen');
    const r = compareColumn(c?.reference as never, c?.current as never, { kind: 'categorical' });
    expect(r.all.jensenshannon).toBeGreaterThan(0);
    const p = Float64Array.from([0.5, 0.3, 0.2, 0]);
    const q = Float64Array.from([0.25, 0.25, 0.25, 0.25]);
    const natural = jensenShannonDistance(p, q);
    expectClose(jensenShannonDistance(p, q, 2), natural / Math.sqrt(Math.LN2), 1e-14, 'base change');
  });
});

describe('verdicts', () => {
  const vectors = loadVectors();
  const pick = (name: string) => {
    const c = vectors.cases.find((x) => x.name === name);
    if (!c) throw new Error(name);
    return c;
  };

  it('a p-value test drifts below the threshold; a distance test at or above it', () => {
    const c = pick('normal_small_exact');
    const base = compareColumn(c.reference as number[], c.current as number[], { kind: 'numeric' });
    const p = base.all.ks?.p_value as number;
    const drifted = compareColumn(c.reference as number[], c.current as number[], {
      kind: 'numeric',
      threshold: p * 1.01,
    });
    expect(drifted.test).toBe('ks');
    expect(drifted.drifted).toBe(true);
    const kept = compareColumn(c.reference as number[], c.current as number[], {
      kind: 'numeric',
      threshold: p * 0.99,
    });
    expect(kept.drifted).toBe(false);
    const psi = base.all.psi as number;
    const atPsi = compareColumn(c.reference as number[], c.current as number[], {
      kind: 'numeric',
      test: 'psi',
      threshold: psi,
    });
    expect(atPsi.drifted).toBe(true);
    expect(atPsi.score_type).toBe('distance');
    const abovePsi = compareColumn(c.reference as number[], c.current as number[], {
      kind: 'numeric',
      test: 'psi',
      threshold: psi * 1.0001,
    });
    expect(abovePsi.drifted).toBe(false);
  });

  it('large references default to Wasserstein (numeric) and Jensen–Shannon (categorical), threshold 0.1', () => {
    const w = pick('normal_asymp_3000_vs_20000');
    const rw = compareColumn(w.reference as number[], w.current as number[], { kind: 'numeric' });
    expect([rw.test, rw.threshold]).toEqual(['wasserstein', 0.1]);
    expect(rw.statistic).toBe(rw.all.wasserstein_norm);
    const j = pick('categorical_unseen');
    const rj = compareColumn(j.reference as string[], j.current as string[], { kind: 'categorical' });
    expect([rj.test, rj.threshold]).toEqual(['jensenshannon', 0.1]);
    expect(rj.distinct?.unseen_in_reference_values).toBe(1);
    expect(rj.distinct?.unseen_in_reference_rows).toBeGreaterThan(0);
  });

  it('a category never seen in the reference makes the chi-square statistic infinite and p = 0', () => {
    const r = compareColumn(['a', 'a', 'b', 'b'], ['a', 'c', 'b', 'b'], {
      kind: 'categorical',
      test: 'chisquare',
    });
    expect(r.all.chisquare?.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(r.statistic).toBe(0);
    expect(r.drifted).toBe(true);
    expect(r.all.chi2_contingency?.p_value).toBeGreaterThan(0);
  });
});

describe('bad and degenerate input', () => {
  it('drops nulls, NaN and ±Infinity from numeric columns, counts them, and matches the clean result', () => {
    const c = loadVectors().cases.find((x) => x.name === 'normal_small_exact');
    if (!c) throw new Error('fixture case missing');
    const ref = [...(c.reference as number[]), null, Number.NaN, Number.POSITIVE_INFINITY];
    const cur = [undefined, Number.NEGATIVE_INFINITY, ...(c.current as number[])];
    const dirty = compareColumn(ref, cur, { kind: 'numeric' });
    const clean = compareColumn(c.reference as number[], c.current as number[], { kind: 'numeric' });
    expect(dirty.reference).toEqual({ total: 53, used: 50, nulls: 1, non_finite: 2 });
    expect(dirty.current).toEqual({ total: 82, used: 80, nulls: 1, non_finite: 1 });
    expect(dirty.all).toEqual(clean.all);
    const typed = compareColumn(
      Float64Array.from(ref, (v) => v ?? Number.NaN),
      Float64Array.from(cur, (v) => v ?? Number.NaN),
      {
        kind: 'numeric',
      },
    );
    expect(typed.all).toEqual(clean.all);
    expect(typed.reference.non_finite).toBe(3);
  });

  it('an all-null column gives insufficient_data, statistic null and no drift', () => {
    const r = compareColumn([null, null, Number.NaN], [1, 2, 3], { kind: 'numeric', column: 'x' });
    expect(r).toMatchObject({ column: 'x', status: 'insufficient_data', statistic: null, drifted: false });
    expect(r.reason).toContain('reference');
    const e = compareColumn(['a'], [], { kind: 'categorical' });
    expect(e).toMatchObject({ status: 'insufficient_data', statistic: null, drifted: false });
    expect(e.reason).toContain('current');
  });

  it('a constant reference divides the Wasserstein distance by 0.001, as Evidently does', () => {
    const ref = new Array(2000).fill(3);
    const cur = Array.from({ length: 1500 }, (_, i) => 3 + (i % 7) * 0.01);
    const r = compareColumn(ref, cur, { kind: 'numeric' });
    expect(r.test).toBe('wasserstein');
    expect(r.all.reference_std).toBe(0);
    expectClose(r.all.wasserstein_norm, (r.all.wasserstein as number) / 0.001, 1e-15, 'norm');
    expect(r.drifted).toBe(true);
    const same = compareColumn(ref, ref.slice(0, 1200), { kind: 'numeric' });
    expect(same.statistic).toBe(0);
    expect(same.drifted).toBe(false);
  });

  it('rejects wrong kinds, tests, thresholds and values with DRIFT_INPUT_INVALID', () => {
    const bad: [unknown, unknown, Record<string, unknown>][] = [
      [[1], [1], { kind: 'text' }],
      [[1], [1], { kind: 'numeric', test: 'anderson' }],
      [['a'], ['b'], { kind: 'categorical', test: 'ks' }],
      [[1], [1], { kind: 'numeric', threshold: Number.NaN }],
      [[1], [1], { kind: 'numeric', test: 'ks', threshold: 2 }],
      [[1, 'x'], [1], { kind: 'numeric' }],
      [[{}], ['a'], { kind: 'categorical' }],
      [Array.from({ length: 30 }, (_, i) => i), [1, 2], { kind: 'numeric', test: 'chisquare' }],
      [['a', 'b', 'c'], ['a'], { kind: 'categorical', test: 'z' }],
    ];
    for (const [ref, cur, opts] of bad) {
      let caught: unknown;
      try {
        compareColumn(ref as never, cur as never, opts as never);
      } catch (e) {
        caught = e;
      }
      expect(caught, JSON.stringify(opts)).toBeInstanceOf(KilnError);
      expect((caught as KilnError).code).toBe('DRIFT_INPUT_INVALID');
    }
  });
});
