import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from './fast-histogram.js';

describe('FastHistogram', () => {
  const options = {
    name: 'x_seconds',
    help: 'Some latency',
    labelNames: ['deployment', 'version'],
    buckets: [0.001, 0.01, 0.1, 1],
  };

  it('renders exactly what prom-client renders for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram({ ...options, registers: [ours] });
    const slow = new Histogram({
      ...options,
      labelNames: [...options.labelNames],
      buckets: [...options.buckets],
      registers: [theirs],
    });
    const values = [0.0005, 0.001, 0.002, 0.05, 0.5, 1, 3, 0.01, 0];
    const a = { deployment: 'fraud', version: '1' };
    const b = { deployment: 'churn', version: '7' };
    for (const v of values) {
      fast.labels(a).observe(v);
      slow.labels(a).observe(v);
    }
    fast.observe(b, 0.02);
    slow.observe(b, 0.02);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('x_seconds_bucket{le="+Inf",deployment="fraud",version="1"} 9');
  });

  it('refuses wrong labels, non-finite values and unordered buckets', () => {
    const h = new FastHistogram(options);
    expect(() => h.labels({ deployment: 'a' })).toThrow(/labels must be exactly deployment, version/);
    expect(() => h.labels({ deployment: 'a', version: '1' }).observe(Number.NaN)).toThrow(/finite/);
    expect(() => new FastHistogram({ ...options, buckets: [1, 0.5] })).toThrow(/strictly ascending/);
  });
});
