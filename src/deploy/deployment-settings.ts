/**
 * @module deploy/deployment-settings
 * A deployment's batching and execution settings, with Triton's names and meanings:
 * `max_batch_size` (≤ 1: no batching), `max_queue_delay_microseconds`, `preferred_batch_size`,
 * `max_queue_size` (full → 503 with Retry-After), a per-request timeout, and the worker pool.
 */
import { invalid } from '../core/errors.js';

export interface DeploymentSettings {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMicros: number;
  readonly preferredBatchSizes: number[];
  readonly maxQueueSize: number;
  /** 0: no timeout. */
  readonly timeoutMicros: number;
  /** Worker threads, or `auto` (chosen by measuring the model at load). */
  readonly workers: number | 'auto';
  /** ONNX Runtime intra-op threads per session, or `auto`. */
  readonly intraOpThreads: number | 'auto';
}

export interface DeploymentSettingsInput {
  readonly maxBatchSize?: number | undefined;
  readonly maxQueueDelayMicros?: number | undefined;
  readonly preferredBatchSizes?: number[] | undefined;
  readonly maxQueueSize?: number | undefined;
  readonly timeoutMicros?: number | undefined;
  readonly workers?: number | 'auto' | undefined;
  readonly intraOpThreads?: number | 'auto' | undefined;
}

export const DEFAULT_SETTINGS: DeploymentSettings = Object.freeze({
  maxBatchSize: 1,
  maxQueueDelayMicros: 0,
  preferredBatchSizes: [],
  maxQueueSize: 1024,
  timeoutMicros: 0,
  workers: 'auto',
  intraOpThreads: 'auto',
});

/** Applies `input` over `base`, checking every value. */
export function resolveSettings(
  input: DeploymentSettingsInput,
  base: DeploymentSettings = DEFAULT_SETTINGS,
): DeploymentSettings {
  const s = {
    maxBatchSize: int(input.maxBatchSize ?? base.maxBatchSize, 'max_batch_size', 1, 4096),
    maxQueueDelayMicros: int(
      input.maxQueueDelayMicros ?? base.maxQueueDelayMicros,
      'max_queue_delay_microseconds',
      0,
      10_000_000,
    ),
    preferredBatchSizes: [...(input.preferredBatchSizes ?? base.preferredBatchSizes)],
    maxQueueSize: int(input.maxQueueSize ?? base.maxQueueSize, 'max_queue_size', 1, 1_000_000),
    timeoutMicros: int(input.timeoutMicros ?? base.timeoutMicros, 'timeout_microseconds', 0, 600_000_000),
    workers: autoOrInt(input.workers ?? base.workers, 'workers', 0, 64),
    intraOpThreads: autoOrInt(input.intraOpThreads ?? base.intraOpThreads, 'intra_op_threads', 1, 64),
  };
  for (const [i, p] of s.preferredBatchSizes.entries()) {
    int(p, `preferred_batch_size[${i}]`, 1, s.maxBatchSize);
  }
  s.preferredBatchSizes.sort((a, b) => a - b);
  return Object.freeze(s);
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalid(field, `an integer from ${min} to ${max}`, v);
  }
  return v;
}

function autoOrInt(v: unknown, field: string, min: number, max: number): number | 'auto' {
  return v === 'auto' ? 'auto' : int(v, field, min, max);
}
