/**
 * @module monitor/drift/drift-tests
 * The catalogue of drift tests: name, whether the score is a p-value or a distance, the default
 * threshold, the verdict rule and the column kinds it accepts. Names and thresholds are Evidently's
 * (`ks`, `chisquare`, `z`, `wasserstein`, `jensenshannon`, `psi`, `kl_div`, `hellinger`), plus
 * `chi2_contingency` (scipy's test of homogeneity) and `linf` (TFDV's L∞ distance).
 *
 * Verdicts, as Evidently decides them: a p-value test reports drift when p < threshold, except `ks`,
 * where Evidently uses p <= threshold; a distance test reports drift when value >= threshold.
 */

export type ColumnKind = 'numeric' | 'categorical';

export const DRIFT_TEST_NAMES = [
  'ks',
  'wasserstein',
  'psi',
  'kl_div',
  'jensenshannon',
  'hellinger',
  'linf',
  'chisquare',
  'chi2_contingency',
  'z',
] as const;

export type DriftTestName = (typeof DRIFT_TEST_NAMES)[number];

export interface DriftTestSpec {
  readonly name: DriftTestName;
  /** `p_value`: small means drift. `distance`: large means drift. */
  readonly score: 'p_value' | 'distance';
  readonly defaultThreshold: number;
  readonly kinds: readonly ColumnKind[];
  /** True when the score means drift at this threshold. */
  readonly drifted: (score: number, threshold: number) => boolean;
}

const below = (s: number, t: number): boolean => s < t;
const atOrBelow = (s: number, t: number): boolean => s <= t;
const atOrAbove = (s: number, t: number): boolean => s >= t;
const BOTH: readonly ColumnKind[] = ['numeric', 'categorical'];

export const DRIFT_TESTS: Readonly<Record<DriftTestName, DriftTestSpec>> = {
  ks: { name: 'ks', score: 'p_value', defaultThreshold: 0.05, kinds: ['numeric'], drifted: atOrBelow },
  wasserstein: {
    name: 'wasserstein',
    score: 'distance',
    defaultThreshold: 0.1,
    kinds: ['numeric'],
    drifted: atOrAbove,
  },
  psi: { name: 'psi', score: 'distance', defaultThreshold: 0.1, kinds: BOTH, drifted: atOrAbove },
  kl_div: { name: 'kl_div', score: 'distance', defaultThreshold: 0.1, kinds: BOTH, drifted: atOrAbove },
  jensenshannon: {
    name: 'jensenshannon',
    score: 'distance',
    defaultThreshold: 0.1,
    kinds: BOTH,
    drifted: atOrAbove,
  },
  hellinger: { name: 'hellinger', score: 'distance', defaultThreshold: 0.1, kinds: BOTH, drifted: atOrAbove },
  linf: { name: 'linf', score: 'distance', defaultThreshold: 0.1, kinds: BOTH, drifted: atOrAbove },
  chisquare: { name: 'chisquare', score: 'p_value', defaultThreshold: 0.05, kinds: BOTH, drifted: below },
  chi2_contingency: {
    name: 'chi2_contingency',
    score: 'p_value',
    defaultThreshold: 0.05,
    kinds: BOTH,
    drifted: below,
  },
  z: { name: 'z', score: 'p_value', defaultThreshold: 0.05, kinds: BOTH, drifted: below },
};

export function isDriftTestName(name: unknown): name is DriftTestName {
  return typeof name === 'string' && (DRIFT_TEST_NAMES as readonly string[]).includes(name);
}

/** Evidently's reference-size cut-off between the small-sample and large-sample defaults. */
export const SMALL_REFERENCE_MAX = 1000;

/**
 * Evidently's default test (`_get_default_stattest`), from the reference size (non-missing values)
 * and the number of distinct values in reference ∪ current:
 *
 * | reference size | numeric, > 5 distinct | numeric, <= 5 distinct       | categorical          |
 * | <= 1000        | ks                    | chisquare (> 2) / z (<= 2)   | chisquare / z (<= 2) |
 * | > 1000         | wasserstein           | jensenshannon                | jensenshannon        |
 */
export function defaultDriftTest(
  kind: ColumnKind,
  referenceSize: number,
  distinctUnion: number,
): DriftTestName {
  if (referenceSize <= SMALL_REFERENCE_MAX) {
    if (kind === 'numeric' && distinctUnion > 5) return 'ks';
    return distinctUnion > 2 ? 'chisquare' : 'z';
  }
  if (kind === 'numeric' && distinctUnion > 5) return 'wasserstein';
  return 'jensenshannon';
}
