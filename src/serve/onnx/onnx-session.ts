/**
 * @module serve/onnx/onnx-session
 * One ONNX Runtime session and the Kiln-facing way to run it: tensors in signature order in, the
 * requested outputs in signature order out, errors as KilnErrors. Inline mode holds one on the event
 * loop; worker mode holds one per worker thread (a JS session cannot cross threads).
 *
 * The session is onnxruntime-node's native one called synchronously (`native-session.ts`: half
 * the cost of a small model's run, no event-loop turn per run) when the installed package exposes
 * it, else the package's public API.
 */
import { InferenceSession, type Tensor as OrtTensor } from 'onnxruntime-node';
import { KilnError } from '../../core/errors.js';
import {
  type ModelSignature,
  readModelSignature,
  type TensorSpec,
} from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import { loadNativeSession, type NativeSession, type NativeSessionOptions } from './native-session.js';
import { fromOrtTensor, toOrtTensor } from './ort-tensor.js';
import { warmUpInputs } from './warm-up-inputs.js';

export interface OnnxSessionOptions {
  /** ONNX Runtime intra-op threads for this session (≥ 1; its default would take every core). */
  readonly intraOpNumThreads: number;
  /** The model's label (`fraud@3`), put in error messages. */
  readonly label: string;
  /**
   * Use onnxruntime-node's native session directly when it is available (default true); false
   * forces the public API, whose runs are deferred by a `setImmediate` (see native-session.ts).
   */
  readonly nativeSession?: boolean;
}

// Messages of ONNX Runtime run errors that a caller's tensors caused; every other failure is INTERNAL.
const CALLER_CAUSED =
  /invalid dimensions|invalid rank|unexpected input data type|missing in 'feeds'|invalid (input|output) name/i;

/** The two ways to hold a session: the native one (runs synchronously) or the public API's. */
type Held = { readonly native: NativeSession } | { readonly public: InferenceSession };

/** A loaded ONNX Runtime session with its V2 signature. Not safe to run concurrently: callers serialise. */
export class OnnxSession {
  readonly signature: ModelSignature;
  readonly label: string;
  readonly #held: Held;

  private constructor(held: Held, signature: ModelSignature, label: string) {
    this.#held = held;
    this.signature = signature;
    this.label = label;
  }

  /** Whether {@link runSync} is available (the native session is in use). */
  get synchronous(): boolean {
    return 'native' in this.#held;
  }

  /**
   * Creates a session from the model's bytes (the caller keeps ownership; ONNX Runtime copies them).
   * @throws KilnError INVALID_MODEL when ONNX Runtime cannot load the model or its signature has a
   *   value Kiln cannot serve.
   */
  static async create(bytes: Uint8Array, options: OnnxSessionOptions): Promise<OnnxSession> {
    const sessionOptions: NativeSessionOptions = {
      intraOpNumThreads: options.intraOpNumThreads,
      // Kiln parallelises across workers, not across branches of one graph.
      interOpNumThreads: 1,
      executionMode: 'sequential',
    };
    let held: Held;
    try {
      const native = options.nativeSession === false ? null : loadNativeSession(bytes, sessionOptions);
      held = native ? { native } : { public: await InferenceSession.create(bytes, sessionOptions) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new KilnError(
        'INVALID_MODEL',
        `model ${options.label}: ONNX Runtime cannot load it: ${message}`,
        {
          label: options.label,
          runtimeMessage: message,
        },
      );
    }
    const metadata = 'native' in held ? held.native : held.public;
    try {
      return new OnnxSession(held, readModelSignature(metadata), options.label);
    } catch (e) {
      await release(held);
      throw e;
    }
  }

  /**
   * Runs one warm-up inference (see {@link warmUpInputs}) and returns how long it took, in µs.
   * @throws KilnError INVALID_MODEL when the model cannot run on the warm-up input.
   */
  async warmUp(): Promise<number> {
    const started = performance.now();
    try {
      await this.run(warmUpInputs(this.signature));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new KilnError('INVALID_MODEL', `model ${this.label}: the warm-up run failed: ${message}`, {
        label: this.label,
        runtimeMessage: message,
      });
    }
    return (performance.now() - started) * 1000;
  }

  /**
   * Runs one batch. `inputs` are in signature order; the result holds the outputs named in
   * `outputNames` (all when it is omitted or empty), in signature order. Output arrays are fresh and
   * belong to the caller; input arrays are read, never kept or changed.
   * @throws KilnError INVALID_ARGUMENT when the tensors do not fit the model (wrong count, order,
   *   datatype or dimensions) or an output name is unknown; INTERNAL for any other run failure. The
   *   message carries ONNX Runtime's.
   */
  async run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]> {
    if ('native' in this.#held) return this.runSync(inputs, outputNames);
    const session = this.#held.public;
    const wanted = selectOutputs(this.signature, outputNames, this.label);
    const feeds = feedsOf(this.signature, inputs, this.label);
    let results: InferenceSession.ReturnType;
    try {
      results = await session.run(
        feeds,
        wanted.map((o) => o.name),
      );
    } catch (e) {
      throw this.#runError(e);
    }
    return wanted.map((o) => fromOrtTensor(o.name, results[o.name]));
  }

  /**
   * {@link run}, done before it returns: the calling thread is blocked for the run. Only when
   * {@link synchronous} is true.
   * @throws KilnError as {@link run}; INTERNAL when the session is not the native one.
   */
  runSync(inputs: readonly Tensor[], outputNames?: readonly string[]): Tensor[] {
    if (!('native' in this.#held)) {
      throw new KilnError('INTERNAL', `model ${this.label}: runSync needs the native session`);
    }
    const wanted = selectOutputs(this.signature, outputNames, this.label);
    const feeds = feedsOf(this.signature, inputs, this.label);
    let results: Record<string, OrtTensor>;
    try {
      results = this.#held.native.run(
        feeds,
        wanted.map((o) => o.name),
      );
    } catch (e) {
      throw this.#runError(e);
    }
    return wanted.map((o) => fromOrtTensor(o.name, results[o.name]));
  }

  #runError(e: unknown): KilnError {
    const message = e instanceof Error ? e.message : String(e);
    return new KilnError(
      CALLER_CAUSED.test(message) ? 'INVALID_ARGUMENT' : 'INTERNAL',
      `model ${this.label}: ONNX Runtime failed to run: ${message}`,
      { label: this.label, runtimeMessage: message },
    );
  }

  /** Frees the native session. The session must not be used afterwards. */
  async release(): Promise<void> {
    await release(this.#held);
  }
}

async function release(held: Held): Promise<void> {
  if ('native' in held) held.native.dispose();
  else await held.public.release();
}

/**
 * The output specs a run returns, in signature order.
 * @throws KilnError INVALID_ARGUMENT naming the first requested output the model does not have.
 */
export function selectOutputs(
  signature: ModelSignature,
  outputNames: readonly string[] | undefined,
  label: string,
): readonly TensorSpec[] {
  if (outputNames === undefined || outputNames.length === 0) return signature.outputs;
  const unknown = outputNames.find((n) => !signature.outputs.some((o) => o.name === n));
  if (unknown !== undefined) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `model ${label}: expected output names among ${signature.outputs.map((o) => o.name).join(', ')}, got "${unknown}"`,
      { label, output: unknown },
    );
  }
  return signature.outputs.filter((o) => outputNames.includes(o.name));
}

function feedsOf(
  signature: ModelSignature,
  inputs: readonly Tensor[],
  label: string,
): Record<string, OrtTensor> {
  if (inputs.length !== signature.inputs.length) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `model ${label}: expected ${signature.inputs.length} input tensors, got ${inputs.length}`,
      { label },
    );
  }
  const feeds: Record<string, OrtTensor> = {};
  for (const [i, spec] of signature.inputs.entries()) {
    const tensor = inputs[i];
    if (tensor.name !== spec.name) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `model ${label}: input ${i}: expected "${spec.name}" (inputs go in signature order), got "${tensor.name}"`,
        { label, input: tensor.name },
      );
    }
    feeds[spec.name] = toOrtTensor(tensor);
  }
  return feeds;
}
