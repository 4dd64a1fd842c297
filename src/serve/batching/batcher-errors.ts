/**
 * @module serve/batching/batcher-errors
 * The errors the dynamic batcher settles requests with, in one place so their codes and
 * `details.reason` values stay stable (clients and the transports match on them):
 *
 * | reason | code | when |
 * |---|---|---|
 * | `batch_too_large` | INVALID_ARGUMENT | one request brings more rows than `max_batch_size` |
 * | `queue_full` | QUEUE_FULL (HTTP 503, gRPC UNAVAILABLE) | `max_queue_size` requests already wait; `details.retryAfterSeconds` feeds `Retry-After` |
 * | `timeout` | REQUEST_TIMEOUT (HTTP 503, gRPC DEADLINE_EXCEEDED) | the request waited in the queue past its timeout |
 * | `closed` | UNAVAILABLE | the batcher is draining or closed |
 * | `output_mismatch` | INTERNAL | the runner did not return the outputs asked for |
 *
 * QUEUE_FULL and REQUEST_TIMEOUT are the catalogue's own codes for these cases; both answer 503
 * like UNAVAILABLE, but name the cause, so clients and metrics can tell them apart.
 */
import { KilnError } from '../../core/errors.js';
import type { Tensor } from '../tensor.js';

export function batchTooLarge(batchSize: number, maxBatchSize: number): KilnError {
  return new KilnError('INVALID_ARGUMENT', `batch of ${batchSize} exceeds max_batch_size ${maxBatchSize}`, {
    field: 'inputs',
    reason: 'batch_too_large',
    expected: `at most ${maxBatchSize}`,
    got: batchSize,
  });
}

export function queueFull(queued: number, maxQueueSize: number, retryAfterSeconds: number): KilnError {
  return new KilnError(
    'QUEUE_FULL',
    `the queue is full (${queued} requests waiting, max_queue_size ${maxQueueSize}); retry after ${retryAfterSeconds} s`,
    { reason: 'queue_full', maxQueueSize, retryAfterSeconds },
  );
}

export function queueTimeout(timeoutMicros: number): KilnError {
  return new KilnError(
    'REQUEST_TIMEOUT',
    `the request waited in the queue longer than its timeout of ${timeoutMicros} µs`,
    { reason: 'timeout', timeoutMicros },
  );
}

export function batcherClosed(): KilnError {
  return new KilnError('UNAVAILABLE', 'the batcher is closed and accepts no requests', { reason: 'closed' });
}

/**
 * Checks a runner's answer: a list holding exactly the `expected` output names, in any order
 * (runtimes answer in signature order); when `expected` is unknown, at least one output.
 * @throws KilnError INTERNAL (`output_mismatch`): the runtime broke its contract, not the client.
 */
export function checkRunnerOutputs(
  outputs: unknown,
  expected: readonly string[] | undefined,
): asserts outputs is Tensor[] {
  if (!Array.isArray(outputs)) {
    throw new KilnError(
      'INTERNAL',
      `the model runner returned ${typeof outputs}, not a list of output tensors`,
      {
        reason: 'output_mismatch',
      },
    );
  }
  const got: unknown[] = outputs.map((t) => (t as Partial<Tensor> | null)?.name);
  const matches = expected
    ? got.length === expected.length && expected.every((name) => got.includes(name))
    : got.length > 0;
  if (!matches) {
    const shown = (names: readonly unknown[]) => `[${names.map((n) => JSON.stringify(n)).join(', ')}]`;
    throw new KilnError(
      'INTERNAL',
      `the model returned ${got.length} output(s) ${shown(got)} for ${expected ? shown(expected) : 'all outputs'}`,
      { reason: 'output_mismatch', expected: expected ?? 'all', got },
    );
  }
}
