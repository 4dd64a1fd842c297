/**
 * @module monitor/drift/special/gamma
 * Log-gamma, the regularized incomplete gamma functions and the distributions built on them: the
 * chi-squared survival function (scipy `chi2.sf`) and the standard normal tail (scipy `norm.sf`).
 * Accuracy is about 1e-14 relative over the ranges drift tests use (degrees of freedom up to tens of
 * thousands, statistics up to 1e7); tiny tail probabilities keep their relative accuracy because the
 * upper tail is evaluated directly by a continued fraction, never as `1 - P`.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_ITER = 1_000_000;

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): ~1e-15 relative for 0.5 <= x < 15.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

// Stirling series coefficients B_2j / (2j (2j - 1)), j = 1..8.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** ln Γ(x) for x > 0. Returns Infinity at 0 and NaN for negative or NaN input. */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.POSITIVE_INFINITY;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x >= 15) {
    const r = 1 / x;
    const r2 = r * r;
    let series = 0;
    for (let j = STIRLING.length - 1; j >= 0; j--) series = series * r2 + STIRLING[j];
    return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + series * r;
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log of x^a e^-x / Γ(a): the prefactor shared by the series and the continued fraction. */
function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/** Lower series Σ x^n / (a (a+1) … (a+n)), scaled by the prefactor: P(a, x). */
function lowerSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Modified Lentz continued fraction for Q(a, x), valid for x >= a + 1. */
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x >= 0. */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), a > 0, x >= 0 (scipy `gammaincc`). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
}

/** Survival function of the chi-squared distribution with `dof` degrees of freedom (scipy `chi2.sf`). */
export function chi2Sf(statistic: number, dof: number): number {
  if (!(dof > 0)) return Number.NaN;
  if (Number.isNaN(statistic)) return Number.NaN;
  if (statistic <= 0) return 1;
  return gammaQ(dof / 2, statistic / 2);
}

/** Complementary error function erfc(x), through erfc(x) = Q(1/2, x²) for x >= 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return gammaQ(0.5, x * x);
}

/** Upper tail of the standard normal distribution, P(Z > z) (scipy `norm.sf`). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
