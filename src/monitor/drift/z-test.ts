/**
 * @module monitor/drift/z-test
 * Evidently's two-proportion Z test (`z_stattest`) for a binary column: the first value of the
 * sorted union of categories is coded 0 and every other value 1; p₁, p₂ are the shares of 1s,
 * P the pooled share, z = (p₁ − p₂) / √(P(1 − P)(1/n₁ + 1/n₂)), two-sided p = 2·(1 − Φ(|z|)).
 * The tail is evaluated as 2·Φc(|z|) directly (Evidently's `1 − cdf` form loses every digit below
 * ~1e-16; the verdict is the same). When both samples hold the same single value, p = 1 and z = 0.
 */

import { normalSf } from './special/gamma.js';

export interface ZTestResult {
  readonly statistic: number;
  readonly p_value: number;
}

/**
 * @param referenceOnes reference values coded 1, out of `referenceSize`
 * @param currentOnes current values coded 1, out of `currentSize`
 */
export function twoProportionZTest(
  referenceOnes: number,
  referenceSize: number,
  currentOnes: number,
  currentSize: number,
): ZTestResult {
  const p1 = referenceOnes / referenceSize;
  const p2 = currentOnes / currentSize;
  const pooled = (p1 * referenceSize + p2 * currentSize) / (referenceSize + currentSize);
  const variance = pooled * (1 - pooled) * (1 / referenceSize + 1 / currentSize);
  // Only when every value of both samples is the same: no difference to test.
  if (!(variance > 0)) return { statistic: 0, p_value: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, p_value: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
