/**
 * @module serve/onnx/worker-pool-model
 * Worker execution (`workers ≥ 1`): a pool of worker threads, each with its own session (a JS
 * session cannot be shared across threads), so runs leave the event loop free and use several cores.
 *
 * Dispatch: runs wait in one FIFO queue; each goes to the ready worker holding the fewest runs
 * (ties in turn), and a worker holds at most {@link PIPELINE_DEPTH} so that it finds its next run
 * waiting when it finishes one. One shared queue rather than a queue per worker, so that a slow run
 * does not hold up runs that another worker could take.
 *
 * Failures: a run that throws inside a worker rejects alone (INVALID_ARGUMENT or INTERNAL, with ONNX
 * Runtime's message) and the worker keeps serving. A worker that exits or dies rejects the runs it
 * held with UNAVAILABLE; runs still queued wait for another worker; the dead one is replaced by a
 * new worker with a new session, at once, then with back-off while replacements keep failing. A
 * native crash inside ONNX Runtime (segfault, abort) is not a worker death: it ends the process.
 * So does terminating a worker from outside while it runs or creates its session (onnxruntime-node
 * 1.30), which is why the pool never terminates its workers but asks them to exit.
 */
import { KilnError, toKilnError } from '../../core/errors.js';
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import type { LoadedModel } from '../model-runtime.js';
import type { Tensor } from '../tensor.js';
import type { OnnxSessionOptions } from './onnx-session.js';
import { closedError } from './runtime-errors.js';
import { SessionThread, type ThreadDeath, type ThreadState } from './session-thread.js';
import { type CrashHow, packTensors } from './worker-messages.js';
import { resolveSessionWorkerScript } from './worker-script.js';

/** Runs a worker holds at once: one running, one waiting in its message queue. */
export const PIPELINE_DEPTH = 2;

const MAX_RESTART_DELAY_MS = 5000;

export interface WorkerPoolOptions extends OnnxSessionOptions {
  /** Worker threads (≥ 1), each with its own session and `intraOpNumThreads` ONNX Runtime threads. */
  readonly workers: number;
  /** The worker script; defaults to the compiled `session-worker.js`. */
  readonly script?: string;
  /** Called when a worker dies, before it is replaced (for logs and metrics). */
  readonly onWorkerExit?: (death: ThreadDeath) => void;
  /** Called once when `close()` has finished. */
  readonly onClosed?: () => void;
}

/** One worker as the pool sees it. */
export interface WorkerStatus {
  readonly index: number;
  readonly threadId: number;
  readonly state: ThreadState;
  /** Runs posted to it and not yet answered. */
  readonly outstanding: number;
  /** Times this slot's worker was replaced after dying. */
  readonly replacements: number;
}

interface QueuedRun {
  readonly inputs: Tensor[];
  readonly transfer: ArrayBuffer[];
  readonly outputNames: readonly string[] | undefined;
  readonly resolve: (outputs: Tensor[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * A model served by a pool of worker threads.
 *
 * Buffer ownership: `run()` copies each input's bytes before it returns and never detaches or
 * changes the caller's arrays, so they may be reused at once. Outputs arrive in fresh buffers
 * transferred from the worker; they belong to the caller.
 */
export class WorkerPoolModel implements LoadedModel {
  readonly mode = 'workers' as const;
  readonly #bytes: Uint8Array;
  readonly #options: WorkerPoolOptions & { readonly script: string };
  readonly #slots: SessionThread[] = [];
  readonly #replacements: number[] = [];
  readonly #failures: number[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #signature: ModelSignature | undefined;
  #queue: QueuedRun[] = [];
  #inFlight = 0;
  #turn = 0;
  #loading = true;
  #terminated = false;
  #closed: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  private constructor(bytes: Uint8Array, options: WorkerPoolOptions) {
    // One copy kept for replacements, so the caller may reuse or free its array.
    this.#bytes = new Uint8Array(bytes);
    this.#options = { ...options, script: options.script ?? resolveSessionWorkerScript() };
  }

  /**
   * Starts every worker and resolves once each has created its session and run one warm-up
   * inference.
   * @throws KilnError INVALID_ARGUMENT for a bad worker count; INVALID_MODEL when a session fails to
   *   load or warm up; UNAVAILABLE when a worker dies while loading. Every started worker is
   *   stopped before the error is thrown.
   */
  static async load(bytes: Uint8Array, options: WorkerPoolOptions): Promise<WorkerPoolModel> {
    if (!Number.isSafeInteger(options.workers) || options.workers < 1) {
      throw new KilnError('INVALID_ARGUMENT', `workers: expected an integer ≥ 1, got ${options.workers}`);
    }
    const pool = new WorkerPoolModel(bytes, options);
    try {
      for (let i = 0; i < options.workers; i++) pool.#start(i);
      const ready = await Promise.all(pool.#slots.map((t) => t.ready));
      pool.#signature = ready[0].signature;
    } catch (e) {
      pool.#terminated = true;
      await Promise.all(pool.#slots.map((t) => t.stop()));
      throw toKilnError(e);
    }
    pool.#loading = false;
    return pool;
  }

  get signature(): ModelSignature {
    return this.#signature as ModelSignature;
  }

  /** See {@link LoadedModel.run} and the ownership note on the class. */
  run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]> {
    if (this.#closed !== undefined) return Promise.reject(closedError(this.#options.label));
    const { tensors, transfer } = packTensors(inputs, true);
    this.#inFlight++;
    const result = new Promise<Tensor[]>((resolve, reject) => {
      this.#queue.push({ inputs: tensors, transfer, outputNames, resolve, reject });
    });
    this.#dispatch();
    return result.finally(() => {
      if (--this.#inFlight === 0) this.#idle?.();
    });
  }

  inFlight(): number {
    return this.#inFlight;
  }

  /** Refuses new runs, waits for queued and running ones to settle, then stops every worker. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#inFlight > 0) {
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
        });
      }
      this.#terminated = true;
      for (const timer of this.#timers) clearTimeout(timer);
      await Promise.all(this.#slots.map((t) => t.stop()));
      this.#options.onClosed?.();
    })();
    return this.#closed;
  }

  /** The pool's workers, for status pages, metrics and tests. */
  workerStatus(): WorkerStatus[] {
    return this.#slots.map((t, index) => ({
      index,
      threadId: t.threadId,
      state: t.state,
      outstanding: t.outstanding,
      replacements: this.#replacements[index],
    }));
  }

  /** Test hook: makes worker `index` die for real (see `SessionThread.crashForTest`; `terminate` only while it is idle). */
  crashWorkerForTest(index: number, how: CrashHow | 'terminate'): void {
    this.#slots[index].crashForTest(how);
  }

  #start(index: number): void {
    const thread = new SessionThread(this.#bytes, { ...this.#options, index }, (death) =>
      this.#onDeath(death),
    );
    this.#slots[index] = thread;
    this.#replacements[index] ??= 0;
    this.#failures[index] ??= 0;
    thread.ready.then(
      () => {
        this.#failures[index] = 0;
        this.#dispatch();
      },
      (e: unknown) => {
        // A worker that died while loading is handled by #onDeath; here only a refused load.
        if (thread.state === 'stopped' && !this.#loading && !this.#terminated)
          this.#replacementFailed(index, e);
      },
    );
  }

  #onDeath(death: ThreadDeath): void {
    this.#options.onWorkerExit?.(death);
    if (this.#loading || this.#terminated) return;
    if (death.phase === 'loading')
      this.#replacementFailed(death.index, new KilnError('UNAVAILABLE', death.reason));
    else this.#replace(death.index, 0);
  }

  /** A replacement could not load: retry with back-off, and fail the queue if no worker is left. */
  #replacementFailed(index: number, e: unknown): void {
    const failures = ++this.#failures[index];
    if (!this.#slots.some((t) => t.state === 'ready')) {
      const cause = toKilnError(e);
      const runs = this.#queue;
      this.#queue = [];
      for (const run of runs) {
        run.reject(
          new KilnError(
            'UNAVAILABLE',
            `model ${this.#options.label} has no working worker: ${cause.message}`,
            {
              label: this.#options.label,
            },
          ),
        );
      }
    }
    this.#replace(index, Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (failures - 1)));
  }

  #replace(index: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#terminated) return;
      this.#replacements[index]++;
      try {
        this.#start(index);
      } catch (e) {
        // new Worker() throws at once for a bad script path; retry like any failed replacement.
        this.#replacementFailed(index, e);
      }
    }, delayMs);
    this.#timers.add(timer);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const thread = this.#pick();
      if (thread === undefined) return;
      const run = this.#queue.shift() as QueuedRun;
      thread.run(run.inputs, run.transfer, run.outputNames).then(
        (outputs) => {
          run.resolve(outputs);
          this.#dispatch();
        },
        (e: unknown) => {
          run.reject(e);
          this.#dispatch();
        },
      );
    }
  }

  /** The ready worker with the fewest runs below {@link PIPELINE_DEPTH}; ties go in turn. */
  #pick(): SessionThread | undefined {
    let best: SessionThread | undefined;
    const n = this.#slots.length;
    for (let k = 0; k < n; k++) {
      const t = this.#slots[(this.#turn + k) % n];
      if (t.state !== 'ready' || t.outstanding >= PIPELINE_DEPTH) continue;
      if (best === undefined || t.outstanding < best.outstanding) best = t;
    }
    if (best !== undefined) this.#turn = (best.index + 1) % n;
    return best;
  }
}
