/**
 * @module serve/onnx/inline-model
 * Inline execution (`workers: 0`): one session on the calling thread. A run is synchronous native
 * work that blocks the event loop for its whole length (called directly when the native session is
 * available, else by onnxruntime-node behind a `setImmediate`); this mode suits models whose run
 * is a few tens of microseconds, where a thread hop would cost more than the run (see
 * docs/model-runtime.md).
 */
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import type { LoadedModel } from '../model-runtime.js';
import type { Tensor } from '../tensor.js';
import { OnnxSession, type OnnxSessionOptions } from './onnx-session.js';
import { closedError } from './runtime-errors.js';

export interface InlineModelOptions extends OnnxSessionOptions {
  /** Called once when `close()` has finished. */
  readonly onClosed?: () => void;
}

/**
 * A model run on the event loop, one run at a time in arrival order. Inputs are read during the run
 * and left untouched; outputs are fresh arrays that belong to the caller.
 */
export class InlineModel implements LoadedModel {
  readonly mode = 'inline' as const;
  readonly signature: ModelSignature;
  readonly #session: OnnxSession;
  // Settles when the last queued run has; each run waits for the one before it.
  #tail: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  #closed: Promise<void> | undefined;

  readonly #onClosed: (() => void) | undefined;

  private constructor(session: OnnxSession, onClosed: (() => void) | undefined) {
    this.#session = session;
    this.signature = session.signature;
    this.#onClosed = onClosed;
  }

  /**
   * Creates the session and runs one warm-up inference; resolves when the model is ready.
   * @throws KilnError INVALID_MODEL when the model does not load or fails its warm-up run.
   */
  static async load(bytes: Uint8Array, options: InlineModelOptions): Promise<InlineModel> {
    const session = await OnnxSession.create(bytes, options);
    try {
      await session.warmUp();
    } catch (e) {
      await session.release();
      throw e;
    }
    return new InlineModel(session, options.onClosed);
  }

  /**
   * See {@link LoadedModel.run}; rejects with UNAVAILABLE once `close()` has been called. With the
   * native session the run happens before this returns (nothing else can run meanwhile, so there
   * is no queue to wait in); the promise only carries the result.
   */
  run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]> {
    if (this.#closed !== undefined) return Promise.reject(closedError(this.#session.label));
    if (this.#session.synchronous) {
      try {
        return Promise.resolve(this.#session.runSync(inputs, outputNames));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.#inFlight++;
    const result = this.#tail.then(() => this.#session.run(inputs, outputNames));
    this.#tail = result.catch(() => {});
    return result.finally(() => {
      this.#inFlight--;
    });
  }

  inFlight(): number {
    return this.#inFlight;
  }

  /** Refuses new runs, waits for queued ones, then frees the session. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#tail.then(async () => {
      await this.#session.release();
      this.#onClosed?.();
    });
    return this.#closed;
  }
}
