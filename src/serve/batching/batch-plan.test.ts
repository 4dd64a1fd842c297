import { describe, expect, it } from 'vitest';
import { type BatchPolicy, planBatch } from './batch-plan.js';

/** A queue of requests with these row counts, all enqueued at time 0. */
const queue = (...rows: number[]) => rows.map((batchSize) => ({ batchSize, enqueuedAt: 0 }));
const policy = (p: Partial<BatchPolicy>): BatchPolicy => ({
  maxBatchSize: 8,
  maxQueueDelayMicros: 0,
  preferredBatchSizes: [],
  ...p,
});

describe('planBatch', () => {
  it('with no delay, releases the largest batch that fits max_batch_size', () => {
    expect(planBatch(queue(1, 1, 1), 0, policy({}))).toEqual({ kind: 'release', count: 3, full: false });
    expect(planBatch(queue(3, 3, 3), 0, policy({}))).toEqual({ kind: 'release', count: 2, full: true });
    expect(planBatch(queue(...Array(20).fill(1)), 0, policy({}))).toEqual({
      kind: 'release',
      count: 8,
      full: true,
    });
  });

  it('releases the largest preferred size that a prefix of the queue forms', () => {
    const p = policy({ preferredBatchSizes: [2, 4] });
    expect(planBatch(queue(1, 1, 1, 1, 1, 1, 1), 0, p)).toEqual({ kind: 'release', count: 4, full: true });
    expect(planBatch(queue(1, 1, 1), 0, p)).toEqual({ kind: 'release', count: 2, full: true });
    // with no preferred size reachable and no delay: everything that fits
    expect(planBatch(queue(3), 0, p)).toEqual({ kind: 'release', count: 1, full: false });
  });

  it('with a delay, holds a partial batch until the oldest request has waited the delay', () => {
    const p = policy({ maxQueueDelayMicros: 1000 });
    const q = [
      { batchSize: 1, enqueuedAt: 100 },
      { batchSize: 1, enqueuedAt: 500 },
    ];
    expect(planBatch(q, 600, p)).toEqual({ kind: 'wait', atMicros: 1100 });
    expect(planBatch(q, 1100, p)).toEqual({ kind: 'release', count: 2, full: false });
  });

  it('with a delay, releases at once a full batch, a preferred batch, or one the next request cannot join', () => {
    const p = policy({ maxQueueDelayMicros: 1_000_000 });
    expect(planBatch(queue(4, 4, 1), 0, p)).toEqual({ kind: 'release', count: 2, full: true });
    expect(
      planBatch(queue(1, 1, 1), 0, policy({ maxQueueDelayMicros: 1e6, preferredBatchSizes: [3] })),
    ).toEqual({
      kind: 'release',
      count: 3,
      full: true,
    });
    expect(planBatch(queue(5, 4), 0, p)).toEqual({ kind: 'release', count: 1, full: true });
    expect(planBatch(queue(5), 0, p)).toEqual({ kind: 'wait', atMicros: 1_000_000 });
  });

  it('once the delay has passed, goes past the preferred sizes up to max_batch_size', () => {
    const p = policy({ maxQueueDelayMicros: 1000, preferredBatchSizes: [4] });
    expect(planBatch(queue(1, 1, 1), 999, p)).toEqual({ kind: 'wait', atMicros: 1000 });
    expect(planBatch(queue(1, 1, 1, 1, 1, 1), 999, p)).toEqual({ kind: 'release', count: 4, full: true });
    expect(planBatch(queue(1, 1, 1, 1, 1, 1), 1000, p)).toEqual({ kind: 'release', count: 6, full: false });
    expect(planBatch(queue(...Array(9).fill(1)), 1000, p)).toEqual({ kind: 'release', count: 8, full: true });
  });

  it('when flushing (draining), releases what is there without waiting', () => {
    expect(planBatch(queue(1), 0, policy({ maxQueueDelayMicros: 1e6 }), true)).toEqual({
      kind: 'release',
      count: 1,
      full: true,
    });
  });

  it('with max_batch_size ≤ 1, releases one request at a time whatever its rows', () => {
    expect(planBatch(queue(5, 1), 0, policy({ maxBatchSize: 1, maxQueueDelayMicros: 1e6 }))).toEqual({
      kind: 'release',
      count: 1,
      full: true,
    });
    expect(planBatch(queue(1), 0, policy({ maxBatchSize: 0 }))).toEqual({
      kind: 'release',
      count: 1,
      full: true,
    });
  });

  it('has nothing to release from an empty queue', () => {
    expect(planBatch([], 0, policy({}))).toEqual({ kind: 'wait', atMicros: Number.POSITIVE_INFINITY });
  });
});
