/**
 * @module serve/onnx/worker-messages
 * The messages between a worker pool (main thread) and its session workers, and how tensors cross.
 *
 * Ownership: a tensor's bytes cross by transfer, never by sharing. {@link packTensors} with
 * `copy: true` (main → worker) copies each numeric array into a fresh buffer and transfers the copy,
 * so the caller's arrays are never detached and the worker gets exactly the view's bytes, not the
 * whole buffer behind it (a plain structured clone would copy all of a request body a view points
 * into). With `copy: false` (worker → main) ONNX Runtime's output buffers, which nothing else holds,
 * move without a copy. BYTES tensors (string[]) are cloned.
 */
import { type ErrorDetails, isErrorCode, KilnError } from '../../core/errors.js';
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import { arrayClassOf, type FixedDatatype } from '../protocol/datatype-layout.js';
import type { Tensor, TensorData } from '../tensor.js';

type NumericData = Exclude<TensorData, string[]>;

/** `workerData.kind` of a session worker; the worker script serves only when it sees it. */
export const SESSION_WORKER_KIND = 'kiln-onnx-session';

/** A KilnError as it crosses threads (an Error's own class does not survive structured clone). */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details: ErrorDetails;
}

/** Ways a worker can be made to die, for tests of the pool's recovery. */
export type CrashHow = 'exit' | 'throw';

export type ToWorker =
  | {
      readonly type: 'load';
      readonly bytes: Uint8Array;
      readonly intraOpNumThreads: number;
      readonly label: string;
    }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly inputs: readonly Tensor[];
      readonly outputNames: readonly string[] | undefined;
    }
  /** Release the session once loading has settled and runs before this one are done, then exit. */
  | { readonly type: 'close' }
  /** Test hook: `exit` calls process.exit in the worker, `throw` raises an uncaught exception. */
  | { readonly type: 'crash'; readonly how: CrashHow };

export type FromWorker =
  | { readonly type: 'ready'; readonly signature: ModelSignature; readonly warmUpMicros: number }
  | { readonly type: 'load-failed'; readonly error: WireError }
  | { readonly type: 'result'; readonly id: number; readonly outputs: readonly Tensor[] }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError };

export function toWireError(e: unknown): WireError {
  if (e instanceof KilnError) return { code: e.code, message: e.message, details: e.details };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e), details: {} };
}

export function fromWireError(w: WireError): KilnError {
  return new KilnError(isErrorCode(w.code) ? w.code : 'INTERNAL', w.message, w.details);
}

/**
 * Prepares tensors to be posted: returns tensors to put in the message and the buffers to transfer.
 * `copy: true` leaves the given arrays untouched (see the module note); `copy: false` transfers the
 * given arrays' buffers when a plain typed array covers its whole buffer, so those arrays are
 * detached afterwards.
 * @throws KilnError INVALID_ARGUMENT when a tensor's array is not of its datatype's class.
 */
export function packTensors(
  tensors: readonly Tensor[],
  copy: boolean,
): { tensors: Tensor[]; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const packed = tensors.map((t) => {
    if (Array.isArray(t.data)) return t;
    const view = t.data as NumericData;
    const Standard = arrayClassOf(t.datatype as FixedDatatype) as unknown as new (
      source: NumericData,
    ) => NumericData;
    if (!(view instanceof Standard)) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `tensor "${t.name}": datatype ${t.datatype} needs a ${Standard.name}, got a ${view.constructor.name}`,
        { tensor: t.name },
      );
    }
    // Only a plain typed array is moved: a Node Buffer may sit in Node's shared allocation pool.
    const owned =
      !copy &&
      view.constructor === Standard &&
      view.buffer instanceof ArrayBuffer &&
      view.byteOffset === 0 &&
      view.byteLength === view.buffer.byteLength &&
      !transfer.has(view.buffer);
    // The constructor copies exactly the view's elements into a new buffer of their size (not
    // slice(): on a Node Buffer it returns a view of the same memory).
    const data = owned ? view : new Standard(view);
    transfer.add(data.buffer as ArrayBuffer);
    return data === view ? t : { ...t, data };
  });
  return { tensors: packed, transfer: [...transfer] };
}
