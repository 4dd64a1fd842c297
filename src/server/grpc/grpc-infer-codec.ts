/**
 * @module server/grpc/grpc-infer-codec
 * `ModelInferRequest` → the protocol-neutral {@link InferRequest}, and {@link InferResponse} →
 * `ModelInferResponse`. Proto3 has no "absent" for strings, so an empty `id` or `model_version`
 * means "not given" (the data plane then generates an id, or serves its one version).
 */
import {
  DEFAULT_PROTOCOL_LIMITS,
  type InferRequest,
  type InferResponse,
  type ProtocolLimits,
} from '../../serve/protocol/infer-types.js';
import { readRequestedOutputs } from '../../serve/protocol/requested-outputs.js';
import type { ModelInferRequestMsg, ModelInferResponseOut } from './grpc-messages.js';
import { decodeParameters, encodeParameters } from './grpc-params.js';
import { decodeGrpcInputs, encodeGrpcOutputs } from './grpc-tensors.js';

/** A decoded request, and whether its answer should carry raw output contents. */
export interface DecodedInferRequest {
  readonly request: InferRequest;
  /** The inputs came as `raw_input_contents`, so the outputs go back as `raw_output_contents`. */
  readonly rawOutputs: boolean;
}

/**
 * Decodes a `ModelInferRequest` (the model name and version are the caller's to route on).
 * @throws KilnError INVALID_ARGUMENT naming the field (see `decodeGrpcInputs`; also parameters with
 *   no value, requested outputs with an empty or repeated name, `binary_data` not a boolean);
 *   PAYLOAD_TOO_LARGE for a tensor above `limits.maxElements`.
 */
export function decodeModelInferRequest(
  msg: ModelInferRequestMsg,
  limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS,
): DecodedInferRequest {
  const parameters = decodeParameters(msg.parameters, 'request parameters', 'parameters');
  const { inputs, inputParameters, raw } = decodeGrpcInputs(msg.inputs, msg.raw_input_contents, limits);
  // The REST reader checks names, duplicates and `binary_data` the same way for both transports.
  const outputs = readRequestedOutputs(
    msg.outputs.map((o, i) => ({
      name: o.name,
      parameters: decodeParameters(o.parameters, `outputs[${i}] parameters`, `outputs[${i}].parameters`),
    })),
  );
  const request: InferRequest = {
    ...(msg.id === '' ? {} : { id: msg.id }),
    parameters,
    inputs,
    inputParameters,
    ...(outputs ? { outputs } : {}),
    binaryOutput: raw,
  };
  return { request, rawOutputs: raw };
}

/**
 * Encodes a response; outputs go raw when `rawOutputs` is set or any output is FP16.
 * @throws KilnError INTERNAL when an output does not fit its datatype and shape.
 */
export function encodeModelInferResponse(
  response: InferResponse,
  rawOutputs: boolean,
): ModelInferResponseOut {
  const { outputs, raw_output_contents } = encodeGrpcOutputs(
    response.outputs,
    response.outputParameters,
    rawOutputs,
  );
  return {
    model_name: response.modelName,
    model_version: response.modelVersion ?? '',
    id: response.id,
    parameters: encodeParameters(response.parameters),
    outputs,
    raw_output_contents,
  };
}
