/**
 * @module monitor/drift/sketch/sketch-distances
 * KS statistic and Wasserstein distance between two weighted views of quantile sketches, by the
 * same merge walks as the exact versions with weights in place of unit counts.
 *
 * With certified normalized rank errors ε_r and ε_c (|F̂(x) − F(x)| <= ε for all x):
 * - |D̂ − D| <= ε_r + ε_c, since D̂ and D are suprema of |F̂_r − F̂_c| and |F_r − F_c|;
 * - |Ŵ − W| <= ε_r·(max_r − min_r) + ε_c·(max_c − min_c), since F̂ equals F outside [min, max]
 *   (a sketch stores only real values and keeps the exact extremes) and the CDF error is at most ε
 *   inside.
 */

import type { WeightedView } from './quantile-sketch.js';

/** sup |F̂_a − F̂_b| over the union of stored values. */
export function sketchKsStatistic(a: WeightedView, b: WeightedView): number {
  const na = a.values.length;
  const nb = b.values.length;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let d = 0;
  while (i < na || j < nb) {
    const v = j >= nb || (i < na && a.values[i] <= b.values[j]) ? a.values[i] : b.values[j];
    while (i < na && a.values[i] === v) ca += a.weights[i++];
    while (j < nb && b.values[j] === v) cb += b.weights[j++];
    const diff = Math.abs(ca / a.total - cb / b.total);
    if (diff > d) d = diff;
  }
  return Math.min(d, 1);
}

/** ∫ |F̂_a − F̂_b| dx. */
export function sketchWasserstein(a: WeightedView, b: WeightedView): number {
  const na = a.values.length;
  const nb = b.values.length;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let prev = Math.min(a.values[0], b.values[0]);
  let s = 0;
  while (i < na || j < nb) {
    const v = j >= nb || (i < na && a.values[i] <= b.values[j]) ? a.values[i] : b.values[j];
    s += Math.abs(ca / a.total - cb / b.total) * (v - prev);
    while (i < na && a.values[i] === v) ca += a.weights[i++];
    while (j < nb && b.values[j] === v) cb += b.weights[j++];
    prev = v;
  }
  return s;
}
