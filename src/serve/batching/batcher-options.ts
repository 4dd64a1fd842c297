/**
 * @module serve/batching/batcher-options
 * The dynamic batcher's options, with Triton's names and meanings (`ModelDynamicBatching` and
 * `ModelQueuePolicy`), resolved once into a frozen object.
 */
import { invalid } from '../../core/errors.js';
import type { BatchPolicy } from './batch-plan.js';

/** What one batch did, for metrics (batch-size, queue-time and compute-time histograms). */
export interface BatchEvent {
  /** Rows in the batch (the sum of its requests' batch sizes). */
  readonly size: number;
  /** How long each request of the batch waited in the queue, in request order, in microseconds. */
  readonly queueMicros: readonly number[];
  /** From the batch leaving the queue to its outputs being split back, in microseconds. */
  readonly computeMicros: number;
  /** False when the batch failed and every request in it was rejected. */
  readonly ok: boolean;
}

export interface DynamicBatcherOptions {
  /** Largest batch in rows. `≤ 1`: no batching, each request runs alone as it came. */
  readonly maxBatchSize: number;
  /** How long the oldest request may wait for a batch to fill, in µs. 0: release at once. */
  readonly maxQueueDelayMicros: number;
  /** Batch sizes to release as soon as they can be formed (largest wins). Each in [1, maxBatchSize]. */
  readonly preferredBatchSizes?: readonly number[];
  /** Queued (not yet running) requests accepted before new ones are refused with QUEUE_FULL. */
  readonly maxQueueSize: number;
  /** How long a request may wait in the queue when it gives no timeout, in µs. 0 or absent: forever. */
  readonly defaultTimeoutMicros?: number;
  /** Batches that may run at once: typically the runtime's worker count. At least 1. */
  readonly maxInFlightBatches: number;
  /**
   * The model's outputs. When given, a run asked for all outputs must return exactly these names,
   * so a runtime returning the wrong number of outputs is caught even then.
   */
  readonly modelOutputNames?: readonly string[];
  /** Called after every batch settles. Must not throw: a throw is swallowed, never reaching requests. */
  readonly onBatch?: (event: BatchEvent) => void;
  /** Monotonic time in µs. Default: `performance.now()` (which vitest's fake timers control). */
  readonly nowMicros?: () => number;
}

export interface ResolvedBatcherOptions extends BatchPolicy {
  readonly maxQueueSize: number;
  readonly defaultTimeoutMicros: number;
  readonly maxInFlightBatches: number;
  readonly modelOutputNames: readonly string[] | undefined;
  readonly onBatch: ((event: BatchEvent) => void) | undefined;
  readonly nowMicros: () => number;
}

const performanceMicros = (): number => performance.now() * 1000;

/**
 * Validates and freezes the options; preferred sizes come back sorted and deduplicated (and are
 * ignored when `maxBatchSize ≤ 1`).
 * @throws KilnError INVALID_ARGUMENT naming the option, with what was expected and what came.
 */
export function resolveBatcherOptions(options: DynamicBatcherOptions): ResolvedBatcherOptions {
  const maxBatchSize = int(options.maxBatchSize, 'maxBatchSize', 0);
  const preferred = [...new Set(options.preferredBatchSizes ?? [])].sort((a, b) => a - b);
  if (maxBatchSize > 1) {
    for (const [i, p] of preferred.entries()) {
      if (!Number.isSafeInteger(p) || p < 1 || p > maxBatchSize) {
        throw invalid(`preferredBatchSizes[${i}]`, `an integer from 1 to maxBatchSize ${maxBatchSize}`, p);
      }
    }
  }
  return Object.freeze({
    maxBatchSize,
    maxQueueDelayMicros: nonNegative(options.maxQueueDelayMicros, 'maxQueueDelayMicros'),
    preferredBatchSizes: Object.freeze(maxBatchSize > 1 ? preferred : []),
    maxQueueSize: int(options.maxQueueSize, 'maxQueueSize', 1),
    defaultTimeoutMicros: nonNegative(options.defaultTimeoutMicros ?? 0, 'defaultTimeoutMicros'),
    maxInFlightBatches: int(options.maxInFlightBatches, 'maxInFlightBatches', 1),
    modelOutputNames: options.modelOutputNames && Object.freeze([...options.modelOutputNames]),
    onBatch: options.onBatch,
    nowMicros: options.nowMicros ?? performanceMicros,
  });
}

function int(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw invalid(field, `an integer ≥ ${min}`, v);
  return v;
}

/** A finite number of microseconds ≥ 0 (fractions allowed: µs from a clock are fractional). */
export function nonNegative(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(field, 'a finite number ≥ 0', v);
  return v;
}
