import { describe, expect, it } from 'vitest';
import { expectClose, loadVectors } from '../test-support/vectors.js';
import { chi2Sf, gammaP, gammaQ, logGamma, normalSf } from './gamma.js';

describe('gamma-family functions against scipy', () => {
  const { chi2_sf, norm_sf } = loadVectors().special;
  it('chi2Sf matches scipy chi2.sf, tiny tails included', () => {
    for (const [dof, x, want] of chi2_sf)
      expectClose(chi2Sf(x, dof), want, 1e-10, `chi2.sf(${x}, ${dof})`, 1e-300);
  });
  it('normalSf matches scipy norm.sf in both tails', () => {
    for (const [z, want] of norm_sf) expectClose(normalSf(z), want, 1e-12, `norm.sf(${z})`, 1e-300);
  });
  it('logGamma is exact at integers and half-integers', () => {
    let f = 0;
    for (let n = 2; n < 60; n++) {
      f += Math.log(n - 1);
      expectClose(logGamma(n), f, 1e-14, `lgamma(${n})`);
    }
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-15, 'lgamma(0.5)');
  });
  it('P + Q = 1 and bad arguments give NaN', () => {
    for (const [a, x] of [
      [0.5, 0.1],
      [3, 2],
      [40, 45],
      [500, 480],
    ]) {
      expectClose(gammaP(a, x) + gammaQ(a, x), 1, 1e-14, `P+Q(${a}, ${x})`);
    }
    expect(gammaQ(-1, 1)).toBeNaN();
    expect(chi2Sf(1, 0)).toBeNaN();
    expect(chi2Sf(0, 3)).toBe(1);
  });
});
