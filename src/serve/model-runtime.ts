/**
 * @module serve/model-runtime
 * The model runtime contract: load a model's bytes into something that runs tensors. The ONNX
 * Runtime implementation lives in `onnx/`; others may come. A runtime never validates requests —
 * the data plane checks every request against the signature before it reaches the runtime.
 *
 * Lifecycle: `load()` → a `LoadedModel` that is ready once its promise resolves (warmed up when the
 * implementation warms up); `close()` releases it after in-flight runs settle; idempotent.
 */
import type { ModelSignature } from '../registry/onnx/model-signature.js';
import type { Tensor } from './tensor.js';

export interface RuntimeLoadOptions {
  /** Worker threads for this model (0: run inline on the calling thread). */
  readonly workers: number;
  /** ONNX Runtime intra-op threads per session. */
  readonly intraOpNumThreads: number;
  /** A label for logs and metrics, e.g. `fraud@3`. */
  readonly label: string;
}

export interface LoadedModel {
  readonly signature: ModelSignature;
  /** How runs execute: `inline` on the event loop, or on `workers` threads. */
  readonly mode: 'inline' | 'workers';
  /**
   * Runs the model on one batch. Inputs are in signature order and already validated. Returns the
   * requested outputs (all when `outputNames` is omitted) in signature order. Rejects with
   * UNAVAILABLE when the worker that held the run died; the model stays usable.
   */
  run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]>;
  /** Runs currently executing or queued inside the runtime. */
  inFlight(): number;
  close(): Promise<void>;
}

export interface ModelRuntime {
  readonly name: string;
  load(bytes: Uint8Array, options: RuntimeLoadOptions): Promise<LoadedModel>;
  close(): Promise<void>;
}
