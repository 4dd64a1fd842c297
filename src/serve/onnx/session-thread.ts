/**
 * @module serve/onnx/session-thread
 * The main thread's handle on one session worker: starts it, posts runs, matches answers to runs by
 * id, and turns the worker's death into UNAVAILABLE rejections of exactly the runs it held.
 */
import { Worker } from 'node:worker_threads';
import { KilnError } from '../../core/errors.js';
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import type { OnnxSessionOptions } from './onnx-session.js';
import {
  type CrashHow,
  type FromWorker,
  fromWireError,
  SESSION_WORKER_KIND,
  type ToWorker,
} from './worker-messages.js';

export interface SessionThreadOptions extends OnnxSessionOptions {
  /** The worker's slot in its pool, for messages and logs. */
  readonly index: number;
  /** The compiled session worker script (see `resolveSessionWorkerScript`). */
  readonly script: string;
}

/** What the worker reports once its session is created and warmed up. */
export interface ThreadReady {
  readonly signature: ModelSignature;
  readonly warmUpMicros: number;
}

/** How a worker ended without being asked to. */
export interface ThreadDeath {
  readonly index: number;
  readonly threadId: number;
  readonly exitCode: number;
  /** `exit code N`, or the uncaught exception's message. */
  readonly reason: string;
  /** Runs it held, now rejected with UNAVAILABLE. */
  readonly lostRuns: number;
  /** Whether it died before its session was ready (`loading`) or after (`serving`). */
  readonly phase: 'loading' | 'serving';
}

export type ThreadState = 'starting' | 'ready' | 'stopped' | 'dead';

/** How long `stop()` waits for a worker to exit before giving up on it (see `SessionThread.stop`). */
export const STOP_GRACE_MS = 10_000;

interface PendingRun {
  readonly resolve: (outputs: Tensor[]) => void;
  readonly reject: (e: unknown) => void;
}

/** One worker thread holding one session. */
export class SessionThread {
  readonly index: number;
  readonly threadId: number;
  /** Resolves when the session is warmed up; rejects with its load error or with UNAVAILABLE if the worker died first. */
  readonly ready: Promise<ThreadReady>;
  readonly #label: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, PendingRun>();
  readonly #onDeath: (death: ThreadDeath) => void;
  #state: ThreadState = 'starting';
  #stopped: Promise<void> | undefined;
  #nextId = 1;
  #uncaught: Error | undefined;
  #settleReady!: { resolve: (r: ThreadReady) => void; reject: (e: unknown) => void };

  /**
   * Starts a worker and sends it a copy of `bytes` (the caller's array is left intact).
   * `onDeath` is called once if the worker ends without {@link stop}.
   */
  constructor(bytes: Uint8Array, options: SessionThreadOptions, onDeath: (death: ThreadDeath) => void) {
    this.index = options.index;
    this.#label = options.label;
    this.#onDeath = onDeath;
    this.ready = new Promise<ThreadReady>((resolve, reject) => {
      this.#settleReady = { resolve, reject };
    });
    // The pool awaits `ready` when it cares; an unobserved rejection must not crash the process.
    this.ready.catch(() => {});
    // execArgv is emptied so workers do not inherit a test runner's or debugger's flags.
    this.#worker = new Worker(options.script, {
      workerData: { kind: SESSION_WORKER_KIND },
      execArgv: [],
      name: `kiln-onnx ${options.label} #${options.index}`,
    });
    this.threadId = this.#worker.threadId;
    this.#worker.on('message', (m: FromWorker) => this.#onMessage(m));
    this.#worker.on('error', (e) => {
      this.#uncaught = e;
    });
    this.#worker.on('exit', (code) => this.#onExit(code));
    // new Uint8Array(x) copies; Buffer#slice would only make a view, and the transfer would then
    // detach the caller's buffer.
    const copy = new Uint8Array(bytes);
    this.#post(
      { type: 'load', bytes: copy, intraOpNumThreads: options.intraOpNumThreads, label: options.label },
      [copy.buffer],
    );
  }

  get state(): ThreadState {
    return this.#state;
  }

  /** Runs posted to the worker and not yet answered. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /**
   * Posts one run. `inputs` must already be packed for transfer; the buffers in `transfer` are
   * detached by this call.
   */
  run(
    inputs: readonly Tensor[],
    transfer: ArrayBuffer[],
    outputNames?: readonly string[],
  ): Promise<Tensor[]> {
    if (this.#state !== 'ready') {
      return Promise.reject(
        new KilnError('INTERNAL', `worker ${this.index} of model ${this.#label} is ${this.#state}`),
      );
    }
    const id = this.#nextId++;
    return new Promise<Tensor[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#post({ type: 'run', id, inputs, outputNames }, transfer);
    });
  }

  /**
   * Test hook: makes the worker die for real. `exit` and `throw` are queued behind the runs already
   * posted; `terminate` stops the thread from outside at once, and must only be used while the
   * worker is idle: terminating a worker inside `session.run` (or while it creates its session)
   * aborts the whole process with onnxruntime-node 1.30.
   */
  crashForTest(how: CrashHow | 'terminate'): void {
    if (how === 'terminate') void this.#worker.terminate();
    else this.#post({ type: 'crash', how });
  }

  /**
   * Ends the worker on purpose; no death is reported. The worker lets its session finish loading
   * and its posted runs finish, releases the session and exits by itself. It is never terminated
   * from outside: with onnxruntime-node 1.30, terminating a worker inside `session.run` or
   * `InferenceSession.create` aborts the whole process. If it has not exited after `graceMs` (a run
   * stuck in native code), it is unref'd so it no longer keeps the process alive, and left to end
   * when its run does. Runs it still held reject with UNAVAILABLE. Idempotent.
   */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (this.#stopped !== undefined) return this.#stopped;
    if (this.#state === 'dead') return Promise.resolve();
    this.#state = 'stopped';
    this.#stopped = this.#exitGracefully(graceMs);
    return this.#stopped;
  }

  async #exitGracefully(graceMs: number): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#post({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    if ((await Promise.race([exited, late])) === 'late') this.#worker.unref();
    clearTimeout(timer);
    const message = `worker ${this.index} of model ${this.#label} was stopped`;
    this.#failAll(message, { label: this.#label, worker: this.index, reason: 'stopped' });
    this.#settleReady.reject(
      new KilnError('UNAVAILABLE', `${message} before it was ready`, { label: this.#label }),
    );
  }

  #onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        if (this.#state === 'starting') this.#state = 'ready';
        this.#settleReady.resolve({ signature: message.signature, warmUpMicros: message.warmUpMicros });
        return;
      case 'load-failed':
        this.#settleReady.reject(fromWireError(message.error));
        void this.stop();
        return;
      case 'result':
        this.#take(message.id)?.resolve([...message.outputs]);
        return;
      case 'failed':
        this.#take(message.id)?.reject(fromWireError(message.error));
        return;
    }
  }

  #onExit(exitCode: number): void {
    if (this.#state === 'stopped') return;
    const phase = this.#state === 'ready' ? 'serving' : 'loading';
    this.#state = 'dead';
    const reason =
      this.#uncaught !== undefined
        ? `uncaught exception: ${this.#uncaught.message}`
        : `exit code ${exitCode}`;
    const lostRuns = this.#pending.size;
    const details = { label: this.#label, worker: this.index, exitCode, reason };
    this.#failAll(
      `worker ${this.index} of model ${this.#label} died (${reason}); it is being replaced, retry`,
      details,
    );
    this.#settleReady.reject(
      new KilnError(
        'UNAVAILABLE',
        `worker ${this.index} of model ${this.#label} died while loading (${reason})`,
        details,
      ),
    );
    this.#onDeath({ index: this.index, threadId: this.threadId, exitCode, reason, lostRuns, phase });
  }

  #failAll(message: string, details: Record<string, unknown>): void {
    const runs = [...this.#pending.values()];
    this.#pending.clear();
    for (const run of runs) run.reject(new KilnError('UNAVAILABLE', message, details));
  }

  #take(id: number): PendingRun | undefined {
    const run = this.#pending.get(id);
    this.#pending.delete(id);
    return run;
  }

  #post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}
