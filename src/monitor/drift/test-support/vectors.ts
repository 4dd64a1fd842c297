/**
 * @module monitor/drift/test-support/vectors
 * Loads test/fixtures/drift/vectors.json (written by scripts/fixtures/make_drift_vectors.py from
 * scipy/numpy) and compares numbers with a relative tolerance. Test-only.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface ExpectedTest {
  readonly statistic: number;
  readonly p_value: number;
  readonly dof?: number;
  readonly method?: string;
}

export interface VectorCase {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly reference: (number | string)[];
  readonly current: (number | string)[];
  readonly expected: {
    readonly binning: 'sturges' | 'values';
    readonly bins: number;
    readonly psi: number;
    readonly kl_div: number;
    readonly jensenshannon: number;
    readonly jensenshannon_natural: number;
    readonly hellinger: number;
    readonly linf: number;
    readonly default_test: string;
    readonly distinct_union: number;
    readonly wasserstein?: number;
    readonly reference_std?: number;
    readonly wasserstein_norm?: number;
    readonly ks?: ExpectedTest;
    readonly chisquare?: ExpectedTest;
    readonly chi2_contingency?: ExpectedTest;
    readonly z?: ExpectedTest;
  };
}

export interface Vectors {
  readonly cases: VectorCase[];
  readonly special: {
    readonly kstwo_sf: [number, number, number][];
    readonly chi2_sf: [number, number, number][];
    readonly norm_sf: [number, number][];
    readonly smirnov: [number, number, number][];
  };
  readonly corrections: {
    readonly p_values: number[];
    readonly bonferroni: number[];
    readonly benjamini_hochberg: number[];
  };
}

let cached: Vectors | undefined;

export function loadVectors(): Vectors {
  if (!cached) {
    const path = fileURLToPath(new URL('../../../../test/fixtures/drift/vectors.json', import.meta.url));
    // The generator writes non-finite numbers as strings: JSON has no Infinity.
    cached = JSON.parse(readFileSync(path, 'utf8'), (_key, v) =>
      v === 'Infinity' ? Number.POSITIVE_INFINITY : v === '-Infinity' ? Number.NEGATIVE_INFINITY : v,
    ) as Vectors;
  }
  return cached;
}

/** |actual − expected| <= rel·|expected| (or <= abs when expected is 0); infinities must match. */
export function expectClose(
  actual: number | undefined,
  expected: number,
  rel: number,
  label: string,
  abs = 1e-15,
): void {
  expect(actual, label).toBeTypeOf('number');
  const a = actual as number;
  if (!Number.isFinite(expected)) {
    expect(a, label).toBe(expected);
    return;
  }
  const tol = Math.max(rel * Math.abs(expected), abs);
  if (!(Math.abs(a - expected) <= tol)) {
    expect.fail(`${label}: got ${a}, expected ${expected} (|diff| ${Math.abs(a - expected)} > ${tol})`);
  }
}
