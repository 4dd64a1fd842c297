import { describe, expect, it } from 'vitest';
import type { KilnError } from '../../../core/errors.js';
import { compareColumn } from '../compare-column.js';
import { fillEmptyBins, toProportions } from '../binning.js';
import { klDivergence, psi } from '../divergence.js';
import { normals, uniform } from '../test-support/random.js';
import { expectClose } from '../test-support/vectors.js';
import { CategoricalColumnSketch, NumericColumnSketch } from './column-sketch.js';
import { compareCategoricalSketches, compareNumericSketches } from './compare-sketches.js';
import { FixedHistogram } from './fixed-histogram.js';

function chunked(sketch: NumericColumnSketch, data: Float64Array, size: number): NumericColumnSketch {
  for (let i = 0; i < data.length; i += size) {
    const part = sketch.emptyLike();
    part.add(data.subarray(i, i + size));
    sketch.merge(part);
  }
  return sketch;
}

describe('numeric sketches against exact computation on 200k rows', () => {
  const ref = normals(200_000, 0, 1, 21);
  const cur = normals(200_000, 0.03, 1.05, 22);
  const exact = compareColumn(ref, cur, { kind: 'numeric', column: 'x' });
  const refSketch = NumericColumnSketch.fromReference(ref.subarray(0, 0), { k: 1024 });
  const edges = FixedHistogram.edgesForReference(ref.slice().sort());
  const rs = chunked(new NumericColumnSketch({ k: 1024, edges }), ref, 25_000);
  const cs = chunked(rs.emptyLike(), cur, 10_000);
  const approx = compareNumericSketches(rs, cs, { column: 'x' });

  it('KS statistic, KS p-value and normed Wasserstein stay within the reported bounds', () => {
    expect(refSketch.counts.used).toBe(0);
    const b = approx.error_bounds;
    if (!b) throw new Error('no bounds');
    expect(approx.mode).toBe('sketch');
    expect(b.ks_statistic).toBeGreaterThan(0);
    expect(b.ks_statistic).toBeLessThan(0.02);
    const dExact = exact.all.ks?.statistic as number;
    const dApprox = approx.all.ks?.statistic as number;
    expect(Math.abs(dApprox - dExact)).toBeLessThanOrEqual(b.ks_statistic);
    const pExact = exact.all.ks?.p_value as number;
    expect(pExact).toBeGreaterThanOrEqual(b.ks_p_value[0]);
    expect(pExact).toBeLessThanOrEqual(b.ks_p_value[1]);
    const wExact = exact.all.wasserstein_norm as number;
    expect(Math.abs((approx.all.wasserstein_norm as number) - wExact)).toBeLessThanOrEqual(
      b.wasserstein_norm,
    );
    expectClose(approx.all.reference_std, exact.all.reference_std as number, 1e-12, 'std');
    expect(approx.test).toBe('wasserstein');
    expect(approx.reference).toEqual(exact.reference);
  });

  it('binned statistics are exact for the fixed bins, and chunking does not change them', () => {
    const whole = new NumericColumnSketch({ k: 1024, edges });
    whole.add(cur);
    expect(Array.from(whole.histogram?.counts ?? [])).toEqual(Array.from(cs.histogram?.counts ?? []));
    const direct = new FixedHistogram(edges);
    direct.addAll(ref);
    const c = new FixedHistogram(edges);
    c.addAll(cur);
    const keep = (a: Float64Array) => a.subarray(1, a.length - 1);
    const outside = c.counts[0] + c.counts[c.counts.length - 1];
    const cc = c.counts;
    const curBins = outside > 0 ? cc : keep(cc);
    const refBins = outside > 0 ? direct.counts : keep(direct.counts);
    const rp = fillEmptyBins(toProportions(refBins, ref.length));
    const cp = fillEmptyBins(toProportions(curBins, cur.length));
    expectClose(approx.all.psi, psi(rp, cp), 1e-12, 'psi');
    expectClose(approx.all.kl_div, klDivergence(rp, cp), 1e-12, 'kl');
    expect(approx.error_bounds?.binned_exact).toBe(true);
  });
});

describe('sketch mode, per-value and categorical paths', () => {
  it('per-value binning (<= 20 distinct reference values) gives the exact results', () => {
    const u = uniform(9);
    const ref = Array.from({ length: 5000 }, () => Math.floor(u() * 6));
    const cur = Array.from({ length: 4000 }, () => Math.floor(u() * 7));
    const exact = compareColumn(ref, cur, { kind: 'numeric' });
    const viaSketch = compareColumn(ref, cur, { kind: 'numeric', exactLimit: 1000 });
    expect(viaSketch.mode).toBe('sketch');
    for (const k of ['psi', 'kl_div', 'jensenshannon', 'linf'] as const) {
      expectClose(viaSketch.all[k], exact.all[k] as number, 1e-12, k);
    }
    const wDiff = Math.abs(
      (viaSketch.all.wasserstein_norm as number) - (exact.all.wasserstein_norm as number),
    );
    expect(wDiff).toBeLessThanOrEqual(viaSketch.error_bounds?.wasserstein_norm as number);
    expect(viaSketch.all.chisquare).toEqual(exact.all.chisquare);
    expect(viaSketch.distinct?.unseen_in_reference_values).toBe(1);
    expect([viaSketch.test, viaSketch.drifted]).toEqual([exact.test, exact.drifted]);
  });

  it('categorical sketches equal exact mode until the category cap overflows', () => {
    const u = uniform(4);
    const ref = Array.from({ length: 3000 }, () => `c${Math.floor(u() * 30)}`);
    const cur = Array.from({ length: 2000 }, () => `c${Math.floor(u() * 34)}`);
    const exact = compareColumn(ref, cur, { kind: 'categorical' });
    const rs = new CategoricalColumnSketch();
    rs.add(ref.slice(0, 1000));
    const more = rs.emptyLike();
    more.add([...ref.slice(1000), null]);
    rs.merge(more);
    const cs = rs.emptyLike();
    cs.add(cur);
    const s = compareCategoricalSketches(rs, cs);
    for (const k of ['psi', 'kl_div', 'jensenshannon', 'hellinger', 'linf'] as const) {
      expectClose(s.all[k], exact.all[k] as number, 1e-12, k);
    }
    expect(s.reference.nulls).toBe(1);
    expect(s.error_bounds?.binned_exact).toBe(true);
    const small = new CategoricalColumnSketch({ maxCategories: 16 });
    small.add(ref);
    const smallCur = small.emptyLike();
    smallCur.add(cur);
    const lumped = compareCategoricalSketches(small, smallCur);
    expect(lumped.error_bounds?.binned_exact).toBe(false);
    // Each side tracks at most 16 categories; the rest share one bucket.
    expect(lumped.distinct?.union).toBeLessThanOrEqual(33);
    expect(lumped.distinct?.union).toBeLessThan(exact.distinct?.union as number);
  });

  it('gives insufficient_data for an empty side and rejects mismatched histograms', () => {
    const a = new NumericColumnSketch({ edges: [0, 1, 2] });
    a.add(
      Float64Array.from([
        0.5, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
      ]),
    );
    const empty = a.emptyLike();
    empty.add([null, Number.NaN]);
    const r = compareNumericSketches(a, empty);
    expect(r).toMatchObject({ status: 'insufficient_data', statistic: null, drifted: false, mode: 'sketch' });
    const other = new NumericColumnSketch({ edges: [0, 1, 3] });
    other.add([1, 2]);
    let code = '';
    try {
      compareNumericSketches(a, other);
    } catch (e) {
      code = (e as KilnError).code;
    }
    expect(code).toBe('DRIFT_INPUT_INVALID');
  });
});
