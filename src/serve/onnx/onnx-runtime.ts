/**
 * @module serve/onnx/onnx-runtime
 * The ONNX Runtime implementation of {@link ModelRuntime}: `workers: 0` runs the model inline on the
 * event loop ({@link InlineModel}), `workers ≥ 1` on a pool of worker threads
 * ({@link WorkerPoolModel}). Choosing between them, and the thread counts, is the deployment layer's
 * job; `execution-plan.ts` holds the rule. See docs/model-runtime.md.
 */
import { invalid, KilnError } from '../../core/errors.js';
import type { LoadedModel, ModelRuntime, RuntimeLoadOptions } from '../model-runtime.js';
import { InlineModel } from './inline-model.js';
import type { ThreadDeath } from './session-thread.js';
import { WorkerPoolModel } from './worker-pool-model.js';

/** Upper bounds on the load options, matching the deployment settings' limits. */
export const MAX_WORKERS = 64;
export const MAX_INTRA_OP_THREADS = 64;

export interface OnnxRuntimeOptions {
  /** Called when a worker of any model dies, before it is replaced (for logs and metrics). */
  readonly onWorkerExit?: (label: string, death: ThreadDeath) => void;
  /** The session worker script; defaults to the compiled `session-worker.js` beside this module. */
  readonly workerScript?: string;
}

/**
 * Loads ONNX models. Each `load` gets its own session(s); nothing is shared between models.
 * `close()` closes every model this runtime loaded and still holds, then refuses new loads.
 */
export class OnnxModelRuntime implements ModelRuntime {
  readonly name = 'onnxruntime';
  readonly #options: OnnxRuntimeOptions;
  readonly #models = new Set<LoadedModel>();
  #closed: Promise<void> | undefined;

  constructor(options: OnnxRuntimeOptions = {}) {
    this.#options = options;
  }

  /**
   * Loads `bytes` (left untouched; the caller may reuse them) and resolves once every session is
   * created and warmed up.
   * @throws KilnError INVALID_ARGUMENT for out-of-range options; INVALID_MODEL when ONNX Runtime
   *   cannot load the model or its warm-up run fails; UNAVAILABLE when the runtime is closed or a
   *   worker dies while loading.
   */
  async load(bytes: Uint8Array, options: RuntimeLoadOptions): Promise<LoadedModel> {
    if (this.#closed !== undefined) {
      throw new KilnError('UNAVAILABLE', `the ONNX runtime is closed: cannot load model ${options.label}`);
    }
    checkLoadOptions(options);
    const { workers, intraOpNumThreads, label } = options;
    let model: LoadedModel;
    const onClosed = () => this.#models.delete(model);
    if (workers === 0) {
      model = await InlineModel.load(bytes, { intraOpNumThreads, label, onClosed });
    } else {
      const onExit = this.#options.onWorkerExit;
      model = await WorkerPoolModel.load(bytes, {
        workers,
        intraOpNumThreads,
        label,
        onClosed,
        ...(this.#options.workerScript !== undefined ? { script: this.#options.workerScript } : {}),
        ...(onExit !== undefined ? { onWorkerExit: (death: ThreadDeath) => onExit(label, death) } : {}),
      });
    }
    this.#models.add(model);
    return model;
  }

  /** Closes every model still open (each waits for its in-flight runs). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= Promise.all([...this.#models].map((m) => m.close())).then(() => {});
    return this.#closed;
  }
}

/**
 * Checks load options against their ranges.
 * @throws KilnError INVALID_ARGUMENT naming the field.
 */
export function checkLoadOptions(options: RuntimeLoadOptions): void {
  const { workers, intraOpNumThreads, label } = options;
  if (!Number.isSafeInteger(workers) || workers < 0 || workers > MAX_WORKERS) {
    throw invalid('workers', `an integer from 0 to ${MAX_WORKERS}`, workers);
  }
  // 0 is ONNX Runtime's "one per core", which oversubscribes as soon as there are two sessions.
  if (
    !Number.isSafeInteger(intraOpNumThreads) ||
    intraOpNumThreads < 1 ||
    intraOpNumThreads > MAX_INTRA_OP_THREADS
  ) {
    throw invalid('intraOpNumThreads', `an integer from 1 to ${MAX_INTRA_OP_THREADS}`, intraOpNumThreads);
  }
  if (typeof label !== 'string' || label === '') throw invalid('label', 'a non-empty string', label);
}
