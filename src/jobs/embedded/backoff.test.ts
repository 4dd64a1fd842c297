import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  const middle = () => 0.5;

  it('doubles with each attempt from the first backoff', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(1000, n, middle))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('jitters by up to 20 % either way', () => {
    expect(retryDelayMs(1000, 2, () => 0)).toBe(1600);
    expect(retryDelayMs(1000, 2, () => 0.999_999)).toBe(2400);
    expect(retryDelayMs(1000, 2, () => 0.75)).toBe(2200);
  });

  it('caps the delay before jitter at one hour', () => {
    expect(retryDelayMs(1000, 13, middle)).toBe(MAX_BACKOFF_MS);
    expect(retryDelayMs(1000, 5000, middle)).toBe(MAX_BACKOFF_MS);
    expect(retryDelayMs(1000, 40, () => 0)).toBe(MAX_BACKOFF_MS * 0.8);
  });

  it('retries at once with no backoff', () => {
    expect(retryDelayMs(0, 3, () => 0.9)).toBe(0);
  });
});
