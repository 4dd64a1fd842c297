/**
 * @module serve/batching/dynamic-batcher
 * One model version's dynamic batcher, with Triton's semantics (`batcher.md`; rules in
 * `batch-plan`). Each request becomes `{enqueuedAt, inputs, resolve, reject}` in the FIFO of its
 * group; a group holds requests that can share a run: the same {@link batchKey} and the same
 * requested outputs. Grouping by outputs (rather than always running every output and filtering)
 * never computes an output nobody asked for and keeps the runner's answer checkable by name;
 * clients of one model nearly always ask for the same outputs, so it rarely splits a batch.
 *
 * Ownership: the batcher owns a request from `submit` until its promise settles, and settles each
 * exactly once — resolved with its own rows, or rejected when it is refused, times out in the
 * queue, or its batch fails. A failed batch rejects exactly its own requests. Up to
 * `maxInFlightBatches` batches run at once; while every slot is busy, arrivals accumulate, which
 * is where batching gains under load. A runner that never settles holds its slot forever: bounding
 * a run's time is the runtime's job.
 *
 * When a batch leaves: a complete batch (max or preferred size, or the next request does not fit)
 * leaves as soon as it forms. One that could still grow leaves when its oldest request has waited
 * `maxQueueDelayMicros` (at once with no delay) — checked at the end of an event-loop turn, after
 * the requests that reached the server's sockets by then have been read and queued. On a busy
 * server one turn reads tens of requests; deciding in the middle of it would send a batch of the
 * few decoded in the first 500 µs and leave the rest, already read, for the next batches (measured
 * on the small MLP at 64 connections: batches of 5–16 instead of 40–64, each run costing ~60 µs
 * with caches cold). A request can so wait past its delay by the rest of the turn, spent reading
 * the requests that join its batch. An idle server's turn is short, and nothing changes there.
 *
 * Errors (codes and reasons in `batcher-errors`): INVALID_ARGUMENT for a malformed request or one
 * over `maxBatchSize`; QUEUE_FULL with `details.retryAfterSeconds`; REQUEST_TIMEOUT; UNAVAILABLE
 * once closed; whatever the runner threw (non-Kiln errors become INTERNAL); INTERNAL for outputs
 * that do not match the request or cannot be split.
 */
import { invalid, KilnError, toKilnError } from '../../core/errors.js';
import { soon } from '../../core/soon.js';
import type { Tensor } from '../tensor.js';
import { planBatch } from './batch-plan.js';
import {
  batcherClosed,
  batchTooLarge,
  checkRunnerOutputs,
  queueFull,
  queueTimeout,
} from './batcher-errors.js';
import {
  type DynamicBatcherOptions,
  nonNegative,
  type ResolvedBatcherOptions,
  resolveBatcherOptions,
} from './batcher-options.js';
import { batchKey, checkBatchable, concatBatch, sameLayout, splitBatch } from './tensor-batching.js';

/** Runs one batch: `LoadedModel.run` fits (bind it). Outputs come back in any order, by name. */
export type BatchRunner = (inputs: readonly Tensor[], outputNames?: readonly string[]) => Promise<Tensor[]>;

export interface BatchRequest {
  /** Validated inputs in signature order; with batching, every one has dimension 0 = `batchSize`. */
  readonly inputs: readonly Tensor[];
  /** Outputs wanted; absent or empty: all. */
  readonly outputNames?: readonly string[];
  /** Rows this request brings (its dimension 0). */
  readonly batchSize: number;
  /** How long it may wait in the queue, in µs (0: forever). Default: `defaultTimeoutMicros`. */
  readonly timeoutMicros?: number;
}

export interface BatchResult {
  /** This request's rows of each output. */
  readonly outputs: Tensor[];
  /** Time from `submit` to its batch leaving the queue. */
  readonly queueMicros: number;
  /** Time its batch took from leaving the queue to outputs split back (concatenation included). */
  readonly computeMicros: number;
  /** Rows in the batch it ran in (not its own rows). */
  readonly batchSize: number;
}

export interface BatcherStats {
  /** Requests waiting in the queue (what `maxQueueSize` limits). */
  readonly queued: number;
  /** Requests in batches now running. */
  readonly running: number;
  readonly inFlightBatches: number;
  /** Batches settled, and how many of them failed. */
  readonly batches: number;
  readonly failedBatches: number;
  /** Number of settled batches by size in rows. */
  readonly batchSizeCounts: ReadonlyMap<number, number>;
  readonly timedOut: number;
  readonly refusedQueueFull: number;
}

interface Pending {
  readonly inputs: readonly Tensor[];
  readonly outputNames: readonly string[] | undefined;
  readonly batchSize: number;
  readonly enqueuedAt: number;
  readonly group: Group;
  readonly resolve: (result: BatchResult) => void;
  readonly reject: (error: KilnError) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Group {
  readonly key: string;
  readonly queue: Pending[];
  /** Rows of the requests in `queue`. */
  rows: number;
  /** Its requests ask for every output. */
  readonly allOutputs: boolean;
}

/** setTimeout fires at once past this many ms. */
const MAX_TIMER_MS = 2_147_483_647;
const MAX_RETRY_AFTER_SECONDS = 60;

export class DynamicBatcher {
  readonly options: ResolvedBatcherOptions;
  readonly #runner: BatchRunner;
  readonly #groups = new Map<string, Group>();
  readonly #batchSizeCounts = new Map<number, number>();
  #queued = 0;
  #running = 0;
  #inFlight = 0;
  #batches = 0;
  #failedBatches = 0;
  #timedOut = 0;
  #refusedQueueFull = 0;
  /** Moving average of batch time, for the Retry-After hint. */
  #avgBatchMicros = 0;
  #scheduled = false;
  #lastGroup: Group | undefined;
  #delayTimer: NodeJS.Timeout | undefined;
  #delayImmediate: NodeJS.Immediate | undefined;
  #delayTimerAt = Number.POSITIVE_INFINITY;
  #drained: Promise<void> | undefined;
  #resolveDrained: (() => void) | undefined;

  /** @throws KilnError INVALID_ARGUMENT for a bad option. */
  constructor(runner: BatchRunner, options: DynamicBatcherOptions) {
    this.#runner = runner;
    this.options = resolveBatcherOptions(options);
  }

  /**
   * Queues a request; the promise settles once, with this request's own rows or an error (see
   * the module's error list). Never throws synchronously.
   */
  submit(request: BatchRequest): Promise<BatchResult> {
    return new Promise<BatchResult>((resolve, reject) => {
      const { maxBatchSize, maxQueueSize } = this.options;
      if (this.#drained) throw batcherClosed();
      const { inputs, batchSize } = request;
      if (!Number.isSafeInteger(batchSize) || batchSize < 0)
        throw invalid('batchSize', 'an integer ≥ 0', batchSize);
      if (maxBatchSize > 1) {
        if (batchSize > maxBatchSize) throw batchTooLarge(batchSize, maxBatchSize);
        checkBatchable(inputs, batchSize);
      }
      const timeout = nonNegative(
        request.timeoutMicros ?? this.options.defaultTimeoutMicros,
        'timeoutMicros',
      );
      if (this.#queued >= maxQueueSize) {
        this.#refusedQueueFull++;
        throw queueFull(this.#queued, maxQueueSize, this.#retryAfterSeconds());
      }
      const outputNames = request.outputNames?.length ? [...request.outputNames] : undefined;
      const group = this.#groupFor(inputs, outputNames);
      const pending: Pending = {
        inputs,
        outputNames,
        batchSize,
        enqueuedAt: this.options.nowMicros(),
        group,
        resolve,
        reject,
        timer: undefined,
      };
      if (timeout > 0) {
        pending.timer = setTimeout(
          () => this.#expire(pending, timeout),
          Math.min(MAX_TIMER_MS, Math.ceil(timeout / 1000)),
        );
      }
      group.queue.push(pending);
      group.rows += batchSize;
      this.#queued++;
      if (this.#mustSchedule(group)) this.#requestSchedule();
    });
  }

  /** Requests queued or running (the `kiln_inference_pending_requests` gauge). */
  get pending(): number {
    return this.#queued + this.#running;
  }

  stats(): BatcherStats {
    return {
      queued: this.#queued,
      running: this.#running,
      inFlightBatches: this.#inFlight,
      batches: this.#batches,
      failedBatches: this.#failedBatches,
      batchSizeCounts: new Map(this.#batchSizeCounts),
      timedOut: this.#timedOut,
      refusedQueueFull: this.#refusedQueueFull,
    };
  }

  /**
   * Stops accepting requests (new ones get UNAVAILABLE), releases queued requests without waiting
   * for their batches to fill, and resolves once nothing is queued or running. Idempotent.
   */
  drain(): Promise<void> {
    if (!this.#drained) {
      this.#drained = new Promise<void>((resolve) => {
        this.#resolveDrained = resolve;
      });
      this.#requestSchedule();
      this.#settleDrainIfIdle();
    }
    return this.#drained;
  }

  /** The lifecycle name for {@link drain}: queued work still finishes. Idempotent. */
  close(): Promise<void> {
    return this.drain();
  }

  #groupFor(inputs: readonly Tensor[], outputNames: readonly string[] | undefined): Group {
    // Most arrivals join the group the previous one joined: recognised without building its key.
    const last = this.#lastGroup;
    if (
      last !== undefined &&
      outputNames === undefined &&
      last.allOutputs &&
      this.#groups.get(last.key) === last &&
      sameLayout(last.queue[0].inputs, inputs)
    ) {
      return last;
    }
    const outputs = outputNames ? JSON.stringify([...outputNames].sort()) : '*';
    // Without batching every request runs alone: one FIFO keeps arrival order.
    const key = this.options.maxBatchSize > 1 ? `${batchKey(inputs)}|${outputs}` : '';
    let group = this.#groups.get(key);
    if (!group) {
      group = { key, queue: [], rows: 0, allOutputs: outputNames === undefined };
      this.#groups.set(key, group);
    }
    this.#lastGroup = group;
    return group;
  }

  /**
   * Whether an arrival in `group` needs a scheduling pass. Not when every run slot is busy (the
   * next batch to finish schedules), nor when a wake-up is already armed and the arrival cannot
   * have completed a batch: the armed wake-up is due no later than anything this request could
   * change, because every request already queued is older and has the same delay. On a busy server
   * this saves a plan over the whole queue per request.
   */
  #mustSchedule(group: Group): boolean {
    if (this.#inFlight >= this.options.maxInFlightBatches) return false;
    if (this.#delayTimer === undefined && this.#delayImmediate === undefined) return true;
    const { maxBatchSize, preferredBatchSizes } = this.options;
    return preferredBatchSizes.length > 0 || maxBatchSize <= 1 || group.rows >= maxBatchSize;
  }

  /** Scheduling waits for the current synchronous burst to finish, so it can join one batch. */
  #requestSchedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    soon(this.#scheduleFromMicrotask);
  }

  readonly #scheduleFromMicrotask = (): void => {
    this.#scheduled = false;
    this.#schedule(false);
  };

  /**
   * Fills free run slots with released batches, oldest head first; else waits for a delay.
   * `endOfTurn`: called from the check phase, after the event loop has read every request that
   * was waiting on its sockets. A batch that is complete leaves at once; one that could still grow
   * and is due only because its delay ran out (or there is none) leaves at the end of the turn,
   * so that the requests read in the same turn join it instead of waiting for the next batch.
   */
  #schedule(endOfTurn: boolean): void {
    while (this.#inFlight < this.options.maxInFlightBatches) {
      const now = this.options.nowMicros();
      let pick: { group: Group; count: number } | undefined;
      let wakeAt = Number.POSITIVE_INFINITY;
      for (const group of this.#groups.values()) {
        const plan = planBatch(group.queue, now, this.options, this.#drained !== undefined);
        if (plan.kind === 'wait') wakeAt = Math.min(wakeAt, plan.atMicros);
        else if (!plan.full && !endOfTurn) wakeAt = Math.min(wakeAt, now);
        else if (!pick || group.queue[0].enqueuedAt < pick.group.queue[0].enqueuedAt)
          pick = { group, count: plan.count };
      }
      if (!pick) {
        this.#armDelayTimer(wakeAt, now);
        return;
      }
      this.#dispatch(pick.group, pick.count, now);
    }
    // Every slot is busy: the next batch to finish schedules again.
  }

  /**
   * Wakes the scheduler at `at` (µs). Node's timers have millisecond granularity and fire late, so
   * a 500 µs queue delay would become 1–2 ms; the last millisecond is waited by re-checking the
   * clock once per event-loop turn (`setImmediate`), which lets arriving requests be read between
   * checks and costs CPU only during that last millisecond.
   */
  #armDelayTimer(at: number, now: number): void {
    if (at === Number.POSITIVE_INFINITY) {
      this.#cancelDelay();
      return;
    }
    if ((this.#delayTimer || this.#delayImmediate) && this.#delayTimerAt <= at) return;
    this.#cancelDelay();
    this.#delayTimerAt = at;
    const waitMs = (at - now) / 1000;
    if (waitMs >= 2) {
      this.#delayTimer = setTimeout(
        () => {
          this.#delayTimer = undefined;
          this.#fineWait();
        },
        Math.min(MAX_TIMER_MS, Math.floor(waitMs) - 1),
      );
    } else {
      this.#fineWait();
    }
  }

  #fineWait(): void {
    this.#delayImmediate = setImmediate(() => {
      this.#delayImmediate = undefined;
      if (this.options.nowMicros() >= this.#delayTimerAt) {
        this.#delayTimerAt = Number.POSITIVE_INFINITY;
        this.#schedule(true);
      } else {
        this.#fineWait();
      }
    });
  }

  #cancelDelay(): void {
    clearTimeout(this.#delayTimer);
    clearImmediate(this.#delayImmediate);
    this.#delayTimer = undefined;
    this.#delayImmediate = undefined;
    this.#delayTimerAt = Number.POSITIVE_INFINITY;
  }

  #dispatch(group: Group, count: number, takenAt: number): void {
    const batch = group.queue.splice(0, count);
    for (const p of batch) group.rows -= p.batchSize;
    if (group.queue.length === 0) this.#groups.delete(group.key);
    for (const p of batch) clearTimeout(p.timer);
    this.#queued -= batch.length;
    this.#running += batch.length;
    this.#inFlight++;
    void this.#run(batch, takenAt);
  }

  /** Runs one batch and settles every request in it; never rejects. */
  async #run(batch: readonly Pending[], takenAt: number): Promise<void> {
    const sizes = batch.map((p) => p.batchSize);
    const rows = sizes.reduce((n, b) => n + b, 0);
    const outputNames = batch[0].outputNames;
    let outcome: Tensor[][] | KilnError;
    try {
      const inputs = batch.length === 1 ? batch[0].inputs : concatBatch(batch.map((p) => p.inputs));
      const outputs = await this.#runner(inputs, outputNames);
      checkRunnerOutputs(outputs, outputNames ?? this.options.modelOutputNames);
      outcome = this.options.maxBatchSize > 1 ? splitBatch(outputs, sizes) : [outputs];
    } catch (e) {
      outcome = toKilnError(e);
    }
    const computeMicros = this.options.nowMicros() - takenAt;
    const queueMicros = batch.map((p) => takenAt - p.enqueuedAt);
    this.#inFlight--;
    this.#running -= batch.length;
    this.#batches++;
    this.#batchSizeCounts.set(rows, (this.#batchSizeCounts.get(rows) ?? 0) + 1);
    this.#avgBatchMicros =
      this.#avgBatchMicros === 0 ? computeMicros : 0.8 * this.#avgBatchMicros + 0.2 * computeMicros;
    if (outcome instanceof KilnError) {
      this.#failedBatches++;
      for (const p of batch) p.reject(outcome);
    } else {
      const parts = outcome;
      batch.forEach((p, i) => {
        p.resolve({ outputs: parts[i], queueMicros: queueMicros[i], computeMicros, batchSize: rows });
      });
    }
    try {
      this.options.onBatch?.({ size: rows, queueMicros, computeMicros, ok: !(outcome instanceof KilnError) });
    } catch {
      // A metrics hook must not turn a served batch into a failure, nor stop scheduling.
    }
    this.#requestSchedule();
    this.#settleDrainIfIdle();
  }

  #expire(pending: Pending, timeoutMicros: number): void {
    const { queue } = pending.group;
    const at = queue.indexOf(pending);
    if (at < 0) return; // already taken into a batch
    queue.splice(at, 1);
    pending.group.rows -= pending.batchSize;
    if (queue.length === 0) this.#groups.delete(pending.group.key);
    this.#queued--;
    this.#timedOut++;
    pending.reject(queueTimeout(timeoutMicros));
    // Its departure can change a group's head, hence the plan.
    this.#requestSchedule();
    this.#settleDrainIfIdle();
  }

  #settleDrainIfIdle(): void {
    if (!this.#resolveDrained || this.#queued > 0 || this.#inFlight > 0) return;
    this.#cancelDelay();
    this.#resolveDrained();
  }

  /** Time for the queue ahead to clear at the recent pace, in whole seconds (1 … 60). */
  #retryAfterSeconds(): number {
    const perRound = Math.max(1, this.options.maxBatchSize) * this.options.maxInFlightBatches;
    const seconds = (Math.ceil(this.#queued / perRound) * this.#avgBatchMicros) / 1e6;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
  }
}
