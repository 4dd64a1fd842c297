/**
 * @module serve/onnx/execution-plan
 * How many workers and ONNX Runtime threads a model gets when its deployment says `auto`. The rule
 * and the numbers behind it are in docs/model-runtime.md (measured with bench/runtime-paths.mjs):
 *
 * - Crossing to a worker costs tens of µs of latency and 14–19 µs of main-thread time per run
 *   for small tensors, more for large ones (the inputs are copied), while a small MLP runs inline in
 *   10–14 µs. Below {@link INLINE_MAX_RUN_MICROS} the model runs inline: the thread hop would cost
 *   more than it saves, and the run holds the event loop for less than half a millisecond.
 * - From it, a run holds the event loop long enough to delay every other request, probe and timer,
 *   and a second worker starts to pay off in throughput, so it goes to workers.
 * - Thread counts keep `workers × intraOpNumThreads ≤ cores` (CPU oversubscription is the most
 *   reported CPU serving problem). The event loop gets no core of its own: a model on workers runs
 *   at most a few thousand times a second, and the main thread's share of that stays well under a
 *   core (35–41 % busy with two saturated workers, mostly copying inputs).
 */
import { invalid } from '../../core/errors.js';

export type ExecutionMode = 'inline' | 'workers';

/** Runs whose probe time (the fastest timed run at the deployment's batch size) is below this many µs go inline. */
export const INLINE_MAX_RUN_MICROS = 500;

/** The most workers `auto` gives a model: each holds a full copy of the model and its arena. */
export const MAX_AUTO_WORKERS = 4;

/** What a deployment asks for; `auto` is resolved by {@link resolveExecutionPlan}. */
export interface ExecutionSettings {
  readonly workers: number | 'auto';
  readonly intraOpThreads: number | 'auto';
}

/** Concrete counts for `ModelRuntime.load`. */
export interface ExecutionPlan {
  readonly mode: ExecutionMode;
  readonly workers: number;
  readonly intraOpNumThreads: number;
}

/**
 * The rule for `workers: auto`: inline when a run's probe time (`measureRunMicros`) is below
 * {@link INLINE_MAX_RUN_MICROS}, workers otherwise. The measurement is `measureRunMicros` at the
 * batch size the deployment will run (its max batch size).
 */
export function chooseExecutionMode(measuredRunMicros: number): ExecutionMode {
  checkMicros(measuredRunMicros);
  return measuredRunMicros < INLINE_MAX_RUN_MICROS ? 'inline' : 'workers';
}

/**
 * The worker count to load a model with: an explicit count as given; for `auto`, 0 (inline) by
 * {@link chooseExecutionMode}, else {@link defaultWorkerCount}.
 */
export function resolveWorkerCount(
  option: number | 'auto',
  measuredRunMicros: number,
  cores: number,
): number {
  if (option !== 'auto') return option;
  return chooseExecutionMode(measuredRunMicros) === 'inline' ? 0 : defaultWorkerCount(cores);
}

/** One worker per core, at least 1, at most {@link MAX_AUTO_WORKERS}. */
export function defaultWorkerCount(cores: number): number {
  checkCores(cores);
  return Math.max(1, Math.min(MAX_AUTO_WORKERS, cores));
}

/**
 * Intra-op threads per session for `intraOpThreads: auto`: 1 inline (a run short enough for inline
 * loses more to thread hand-offs than it gains: 14 → 21 µs at batch 64 with 2 threads), else the
 * cores shared among the workers, at least 1.
 */
export function defaultIntraOpThreads(workers: number, cores: number): number {
  checkCores(cores);
  if (workers === 0) return 1;
  return Math.max(1, Math.floor(cores / workers));
}

/**
 * Resolves a deployment's settings into the counts to load with. `measuredRunMicros` is needed
 * only when `workers` is `auto`; pass `os.availableParallelism()` as `cores`.
 */
export function resolveExecutionPlan(
  settings: ExecutionSettings,
  measuredRunMicros: number | undefined,
  cores: number,
): ExecutionPlan {
  let workers: number;
  if (settings.workers === 'auto') {
    if (measuredRunMicros === undefined)
      throw invalid('measuredRunMicros', 'a time when workers is auto', undefined);
    workers = resolveWorkerCount('auto', measuredRunMicros, cores);
  } else {
    workers = settings.workers;
  }
  const intraOpNumThreads =
    settings.intraOpThreads === 'auto' ? defaultIntraOpThreads(workers, cores) : settings.intraOpThreads;
  return { mode: workers === 0 ? 'inline' : 'workers', workers, intraOpNumThreads };
}

function checkMicros(micros: number): void {
  if (!Number.isFinite(micros) || micros < 0)
    throw invalid('measuredRunMicros', 'a finite time ≥ 0 in µs', micros);
}

function checkCores(cores: number): void {
  if (!Number.isSafeInteger(cores) || cores < 1) throw invalid('cores', 'an integer ≥ 1', cores);
}
