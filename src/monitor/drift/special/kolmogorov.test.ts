import { describe, it } from 'vitest';
import { expectClose, loadVectors } from '../test-support/vectors.js';
import { kolmogorovSf, smirnovSf } from './kolmogorov.js';

describe('kolmogorovSf / smirnovSf against scipy kstwo.sf and special.smirnov', () => {
  const { kstwo_sf, smirnov } = loadVectors().special;
  it('matches kstwo.sf over n = 1…120000 and every algorithm branch', () => {
    for (const [n, x, want] of kstwo_sf)
      expectClose(kolmogorovSf(n, x), want, 1e-9, `kstwo.sf(${x}, ${n})`, 1e-300);
  });
  it('matches special.smirnov', () => {
    for (const [n, x, want] of smirnov)
      expectClose(smirnovSf(n, x), want, 1e-9, `smirnov(${n}, ${x})`, 1e-300);
  });
});
