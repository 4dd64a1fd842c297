import { describe, expect, it } from 'vitest';
import type { KilnError } from '../../../core/errors.js';
import { searchSorted } from '../binning.js';
import { normals } from '../test-support/random.js';
import { QuantileSketch } from './quantile-sketch.js';

/** max over probe points of |rank̂(x) − rank(x)|. */
function maxRankError(sketch: QuantileSketch, sorted: Float64Array): number {
  let worst = 0;
  for (let q = 0; q <= 400; q++) {
    const x = sorted[Math.min(sorted.length - 1, Math.floor((q / 400) * sorted.length))];
    worst = Math.max(worst, Math.abs(sketch.rank(x) - searchSorted(sorted, x, 'right')));
  }
  return worst;
}

describe('QuantileSketch', () => {
  it('keeps its certified rank-error bound on 200k values, below the a-priori limit', () => {
    const data = normals(200_000, 0, 1, 11);
    const s = new QuantileSketch(512);
    s.addAll(data);
    const sorted = data.slice().sort();
    expect(s.count).toBe(200_000);
    expect([s.min, s.max]).toEqual([sorted[0], sorted[sorted.length - 1]]);
    expect(s.rankErrorBound).toBeGreaterThan(0);
    expect(maxRankError(s, sorted)).toBeLessThanOrEqual(s.rankErrorBound);
    expect(s.normalizedRankError).toBeLessThanOrEqual(QuantileSketch.rankErrorLimit(200_000, 512));
  });

  it('stores a number of items that grows only logarithmically with the input', () => {
    const s = new QuantileSketch(256);
    const chunk = normals(100_000, 5, 2, 3);
    const stored: number[] = [];
    for (let i = 1; i <= 20; i++) {
      s.addAll(chunk);
      if (i === 2 || i === 20) stored.push(s.storedItems);
      expect(s.storedItems).toBeLessThanOrEqual(QuantileSketch.storedItemsLimit(s.count, 256));
    }
    // 200k → 2M values: ten times the data, at most ~4 more levels of 256 items.
    expect(stored[1] - stored[0]).toBeLessThanOrEqual(256 * 4);
    expect(stored[1]).toBeLessThan(2_000_000 / 200);
  });

  it('merges chunk sketches with the bounds added, whatever the order', () => {
    const data = normals(120_000, 0, 3, 5);
    const parts: QuantileSketch[] = [];
    for (let i = 0; i < 12; i++) {
      const p = new QuantileSketch(256);
      p.addAll(data.subarray(i * 10_000, (i + 1) * 10_000));
      parts.push(p);
    }
    const merged = new QuantileSketch(256);
    for (const p of parts.reverse()) merged.merge(p);
    const sorted = data.slice().sort();
    expect(merged.count).toBe(120_000);
    expect(maxRankError(merged, sorted)).toBeLessThanOrEqual(merged.rankErrorBound);
    expect(merged.normalizedRankError).toBeLessThanOrEqual(QuantileSketch.rankErrorLimit(120_000, 256));
    const view = merged.weightedView();
    expect(view.weights.reduce((a, b) => a + b, 0)).toBe(120_000);
    const copy = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(merged)));
    expect(copy.rank(0.5)).toBe(merged.rank(0.5));
    expect(copy.rankErrorBound).toBe(merged.rankErrorBound);
  });

  it('is exact while nothing was compacted', () => {
    const s = new QuantileSketch(64);
    s.addAll([3, 1, 2, 2]);
    expect([s.rank(2), s.rankErrorBound]).toEqual([3, 0]);
  });

  it('rejects non-finite values, a bad k and an inconsistent state with DRIFT_INPUT_INVALID', () => {
    const codes: string[] = [];
    for (const f of [
      () => new QuantileSketch(64).add(Number.NaN),
      () => new QuantileSketch(7),
      () => new QuantileSketch(64).merge(new QuantileSketch(128)),
      () =>
        QuantileSketch.fromJSON({ k: 64, count: 5, min: 0, max: 1, rank_error_bound: 0, levels: [[0, 1]] }),
    ]) {
      try {
        f();
      } catch (e) {
        codes.push((e as KilnError).code);
      }
    }
    expect(codes).toEqual([
      'DRIFT_INPUT_INVALID',
      'DRIFT_INPUT_INVALID',
      'DRIFT_INPUT_INVALID',
      'DRIFT_INPUT_INVALID',
    ]);
  });
});
