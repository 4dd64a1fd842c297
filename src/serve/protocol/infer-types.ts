/**
 * @module serve/protocol/infer-types
 * The protocol-neutral inference request and response (Open Inference Protocol, "KServe V2"). The
 * REST codecs (JSON and the binary tensor extension) and the gRPC transport both decode into
 * {@link InferRequest} and encode from {@link InferResponse}; the data plane sees only these.
 *
 * Ownership: a decoded request owns its tensors' data (copied out of the body), so the body buffer
 * may be reused once decoding returns.
 */
import type { InferParameters, Tensor } from '../tensor.js';

/** An output the client asked for, by name, with the parameters it attached to it. */
export interface RequestedOutput {
  readonly name: string;
  /**
   * As sent. `binary_data` (boolean) is the binary tensor extension's per-output switch and has
   * already been checked to be a boolean when present.
   */
  readonly parameters: InferParameters;
}

/** One decoded inference request. */
export interface InferRequest {
  /** The client's request id; absent when it sent none (the data plane may then generate one). */
  readonly id?: string;
  /** Request-level parameters as sent (string, number, boolean, or bigint for a 64-bit integer). */
  readonly parameters: InferParameters;
  /** Decoded inputs in the order the client sent them; names are unique. */
  readonly inputs: readonly Tensor[];
  /**
   * Per input name, the parameters the client attached to that input, minus `binary_data_size`
   * (a transport detail consumed by the decoder). Inputs with no parameters have no entry.
   */
  readonly inputParameters: ReadonlyMap<string, InferParameters>;
  /** The outputs asked for; undefined means "all of the model's outputs". Names are unique. */
  readonly outputs?: readonly RequestedOutput[];
  /**
   * Default for outputs that do not say `binary_data` themselves: request-level
   * `binary_data_output`, true for a raw binary request, else false.
   */
  readonly binaryOutput: boolean;
}

/** One inference response, before encoding. */
export interface InferResponse {
  readonly modelName: string;
  readonly modelVersion?: string;
  /** The request's id (the client's, or one the data plane generated). */
  readonly id: string;
  readonly parameters?: InferParameters;
  /** Output tensors in the order they are to appear in the response. */
  readonly outputs: readonly Tensor[];
  /** Per output name, parameters to send with that output (optional). */
  readonly outputParameters?: ReadonlyMap<string, InferParameters>;
}

/** Bounds the decoders enforce on every tensor. */
export interface ProtocolLimits {
  /**
   * The most elements one tensor may hold (the product of its shape). A larger shape is refused
   * with PAYLOAD_TOO_LARGE before any data is read or allocated.
   */
  readonly maxElements: number;
}

/** 2^24 elements per tensor: 64 MiB of FP32, well above any single request Kiln expects. */
export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = Object.freeze({ maxElements: 16_777_216 });
