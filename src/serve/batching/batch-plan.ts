/**
 * @module serve/batching/batch-plan
 * The dynamic batcher's one decision, as a pure function: given a FIFO queue of compatible
 * requests and the time, release a batch now (and how many requests it takes) or wait until when.
 * The rules are Triton's (`server:docs/user_guide/batcher.md`, `DynamicBatchScheduler::GetDynamicBatch`):
 *
 * - Requests are taken in FIFO order; a batch never exceeds `maxBatchSize` rows.
 * - If a prefix of the queue sums to a preferred size, the largest such prefix is released at once.
 * - If the batch cannot grow (it reached the largest preferred size, or `maxBatchSize` when none is
 *   preferred, or the next request would not fit), it is released at once.
 * - Otherwise, with a delay: wait until the oldest request has waited `maxQueueDelayMicros`, then
 *   release the largest batch that fits `maxBatchSize` (past the preferred sizes).
 * - With no delay: release the largest batch that fits `maxBatchSize` now.
 * - With `maxBatchSize ≤ 1` there is no batching: one request at a time, whatever its rows.
 */

/** The batching policy, already validated (see `batcher-options`). */
export interface BatchPolicy {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMicros: number;
  /** Ascending, each in [1, maxBatchSize]. */
  readonly preferredBatchSizes: readonly number[];
}

/** What the planner needs of a queued request. */
export interface QueuedRows {
  /** Rows the request brings (its dimension 0). */
  readonly batchSize: number;
  /** Monotonic microseconds. */
  readonly enqueuedAt: number;
}

export type BatchPlan =
  /**
   * Release the first `count` requests of the queue as one batch. `full`: the batch is complete
   * (it reached a preferred size, or cannot grow, or the queue is being flushed, or there is no
   * batching); false when it could still grow and is released because the queue delay ran out or
   * there is none — the batcher may then let requests already being read join it (see
   * `dynamic-batcher`).
   */
  | { readonly kind: 'release'; readonly count: number; readonly full: boolean }
  /** Nothing to release before `atMicros` (Infinity: nothing queued). */
  | { readonly kind: 'wait'; readonly atMicros: number };

/**
 * Plans the next batch of `queue` (oldest first) at `nowMicros`.
 * @param flush release whatever fits now, as if the delay had passed (used while draining: no
 *   request is coming to fill the batch).
 */
export function planBatch(
  queue: readonly QueuedRows[],
  nowMicros: number,
  policy: BatchPolicy,
  flush = false,
): BatchPlan {
  if (queue.length === 0) return { kind: 'wait', atMicros: Number.POSITIVE_INFINITY };
  const { maxBatchSize, maxQueueDelayMicros: delay, preferredBatchSizes: preferred } = policy;
  if (maxBatchSize <= 1) return { kind: 'release', count: 1, full: true };

  const cap = preferred.length > 0 ? preferred[preferred.length - 1] : maxBatchSize;
  let rows = 0;
  let count = 0;
  // Requests in the best batch found so far: a preferred size, or the point where growth stopped.
  let best = 0;
  for (const request of queue) {
    if (count > 0) {
      if (rows + request.batchSize > cap && best === 0) best = count;
      if (rows + request.batchSize > maxBatchSize) break;
    }
    rows += request.batchSize;
    count++;
    if (preferred.includes(rows)) best = count;
  }

  const oldest = queue[0].enqueuedAt;
  const delayPassed = flush || (delay > 0 && nowMicros - oldest >= delay);
  if (best > 0 && !delayPassed) return { kind: 'release', count: best, full: true };
  if (rows >= cap || delayPassed || delay === 0) {
    // Complete: nothing more may come, or the next request would not fit, or it reached the size
    // it may grow to (the largest preferred size before the delay, max_batch_size after it).
    const limit = delayPassed || delay === 0 ? maxBatchSize : cap;
    const full = flush || count < queue.length || rows >= limit;
    return { kind: 'release', count, full };
  }
  return { kind: 'wait', atMicros: oldest + delay };
}
