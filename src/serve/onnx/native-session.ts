/**
 * @module serve/onnx/native-session
 * onnxruntime-node's native session, called synchronously.
 *
 * The package's public `InferenceSession.run` is a synchronous native call that it defers with
 * `setImmediate` and wraps in two promise layers and a re-validation of the feeds. For a model
 * that runs in tens of µs — the models Kiln runs inline — that wrapping costs as much as the run
 * (measured: a 30→64→32→1 MLP at batch 1 takes 17 µs called directly, 34 µs through the public
 * API), it adds an event-loop turn to every batch, and it makes the run's time impossible to
 * measure apart from whatever else the event loop does in that turn.
 *
 * So Kiln loads the native binding the package itself uses (`onnxruntime-node/dist/binding.js`:
 * `binding.InferenceSession` with `loadModel`, `run`, `dispose`, `inputMetadata`,
 * `outputMetadata`; `initOrt()` first) and calls it directly. That is not a public API: every
 * piece is checked when this module loads, and if any is missing (another onnxruntime-node
 * version) {@link nativeSessionsAvailable} is false and Kiln uses the public API instead
 * (`onnx-session.ts`); a test fails in that case so that the change is noticed, not lived with.
 *
 * The native binding takes and returns the package's own `Tensor` objects, so tensors convert
 * exactly as on the public path (`ort-tensor.ts`). Metadata comes back raw (ONNX's numeric
 * element types, -1 for a dynamic dimension with its name beside it) and is translated here to
 * the public API's form, which the signature reader expects.
 */
import { createRequire } from 'node:module';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';

type ElementType = OrtTensor.Type;

/** The public API's per-value metadata, which `readModelSignature` reads. */
export type ValueMetadata = InferenceSession.ValueMetadata;

/** A loaded native session. Runs block the calling thread; one at a time per session. */
export interface NativeSession {
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Runs the model on `feeds` (every input, by name) and returns the named outputs. */
  run(feeds: Record<string, OrtTensor>, outputNames: readonly string[]): Record<string, OrtTensor>;
  /** Frees the native session; it must not be used afterwards. */
  dispose(): void;
}

/** What Kiln passes to `loadModel` (the binding reads these keys of the session options). */
export interface NativeSessionOptions {
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly executionMode: 'sequential' | 'parallel';
}

interface RawMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type: number;
  readonly shape: readonly number[];
  readonly symbolicDimensions: readonly string[];
}

interface RawSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: object, fetches: object, options: object): Record<string, OrtTensor>;
  dispose(): void;
  readonly inputMetadata: readonly RawMetadata[];
  readonly outputMetadata: readonly RawMetadata[];
}

interface Binding {
  readonly binding: { readonly InferenceSession: new () => RawSession };
  readonly initOrt: () => void;
}

// ONNX's TensorProto element types (onnx.proto), as the binding reports them.
const ELEMENT_TYPES: Readonly<Record<number, ElementType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  21: 'uint4',
  22: 'int4',
};

const binding = loadBinding();

/** Whether this onnxruntime-node exposes the native session Kiln expects. */
export function nativeSessionsAvailable(): boolean {
  return binding !== null;
}

/**
 * Loads a model into a native session, or returns null when the binding is not available (the
 * caller then uses the public API).
 * @throws Error with ONNX Runtime's message when the model does not load.
 */
export function loadNativeSession(bytes: Uint8Array, options: NativeSessionOptions): NativeSession | null {
  if (binding === null) return null;
  binding.initOrt();
  const raw = new binding.binding.InferenceSession();
  raw.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, { ...options });
  const inputMetadata = raw.inputMetadata.map(toValueMetadata);
  const outputMetadata = raw.outputMetadata.map(toValueMetadata);
  const noOptions = {};
  return {
    inputMetadata,
    outputMetadata,
    run(feeds, outputNames) {
      const fetches: Record<string, null> = {};
      for (const name of outputNames) fetches[name] = null;
      return raw.run(feeds, fetches, noOptions);
    },
    dispose() {
      raw.dispose();
    },
  };
}

/** The raw metadata in the public API's form: a type name, named dynamic dimensions as strings. */
export function toValueMetadata(m: RawMetadata): ValueMetadata {
  if (!m.isTensor) return { name: m.name, isTensor: false };
  const type = ELEMENT_TYPES[m.type];
  const shape = m.shape.map((d, i) => (d >= 0 ? d : (m.symbolicDimensions[i] ?? '')));
  // An element type with no name here (a newer ONNX type) is passed on as its number; the
  // signature reader refuses it by name like any other type without a V2 datatype.
  return { name: m.name, isTensor: true, type: type ?? (String(m.type) as ElementType), shape };
}

function loadBinding(): Binding | null {
  try {
    const loaded = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as Partial<Binding>;
    const Session = loaded.binding?.InferenceSession;
    if (typeof loaded.initOrt !== 'function' || typeof Session !== 'function') return null;
    const proto = Session.prototype as Partial<Record<keyof RawSession, unknown>>;
    if (typeof proto.loadModel !== 'function' || typeof proto.run !== 'function') return null;
    if (typeof proto.dispose !== 'function') return null;
    return loaded as Binding;
  } catch {
    return null;
  }
}
