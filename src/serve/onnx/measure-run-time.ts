/**
 * @module serve/onnx/measure-run-time
 * Times a model's run on this machine, for the `workers: auto` rule (`execution-plan.ts`).
 */
import { KilnError } from '../../core/errors.js';
import { OnnxSession } from './onnx-session.js';
import { warmUpInputs } from './warm-up-inputs.js';

export interface MeasureRunOptions {
  /** Size given to every dynamic dimension of the inputs, i.e. the batch size; default 1. */
  readonly batchSize?: number;
  /** ONNX Runtime intra-op threads for the probe session; default 1. */
  readonly intraOpNumThreads?: number;
  /** At most this many timed runs; default 50. */
  readonly maxRuns?: number;
  /** Stop timing once this much time has gone by (at least 3 runs are timed); default 200 ms. */
  readonly budgetMs?: number;
  /** For error messages; default `probe`. */
  readonly label?: string;
}

// Probes of one process run one after the other: a probe blocks the event loop for each run, and
// two at once (a server starting with several deployments loads them together) would time each
// other's runs as their own.
let probeTail: Promise<unknown> = Promise.resolve();

/**
 * Loads the model into a throw-away session on the calling thread, runs it once untimed, then
 * times runs on a zero-filled input and returns the FASTEST, in µs. A run is timed from the call
 * to its result, so whatever else the event loop does in between (other models loading, requests
 * of a server that is already serving) is added to it; that interference only ever adds, so the
 * fastest run is the one closest to the model's own cost (a median was seen to pick workers for a
 * 40 µs model while eight deployments loaded at once). Probes in one process are serialised.
 * It blocks the event loop for about `budgetMs` (plus one run), so call it while the model is
 * loading, not while serving.
 * @throws KilnError INVALID_MODEL when the model does not load or run; INVALID_ARGUMENT for bad options.
 */
export function measureRunMicros(bytes: Uint8Array, options: MeasureRunOptions = {}): Promise<number> {
  const result = probeTail.then(() => probe(bytes, options));
  probeTail = result.catch(() => {});
  return result;
}

async function probe(bytes: Uint8Array, options: MeasureRunOptions): Promise<number> {
  const { batchSize = 1, intraOpNumThreads = 1, maxRuns = 50, budgetMs = 200, label = 'probe' } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new KilnError('INVALID_ARGUMENT', `batchSize: expected an integer ≥ 1, got ${batchSize}`);
  }
  const session = await OnnxSession.create(bytes, { intraOpNumThreads, label });
  try {
    await session.warmUp();
    const inputs = warmUpInputs(session.signature, batchSize);
    const times: number[] = [];
    const started = performance.now();
    while (times.length < Math.max(3, maxRuns)) {
      const t0 = performance.now();
      await session.run(inputs);
      const t1 = performance.now();
      times.push((t1 - t0) * 1000);
      if (times.length >= 3 && t1 - started > budgetMs) break;
    }
    return Math.min(...times);
  } finally {
    await session.release();
  }
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
