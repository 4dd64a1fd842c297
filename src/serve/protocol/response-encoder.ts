/**
 * @module serve/protocol/response-encoder
 * Encodes an {@link InferResponse} for REST: `{model_name, model_version?, id, parameters?,
 * outputs}`. With no binary outputs the body is JSON (`application/json`). Otherwise it is a
 * binary-extension body (`application/octet-stream`): the JSON header, in which each binary output
 * carries `parameters.binary_data_size` and no `data`, then the binary outputs' blobs in the order
 * they appear in `outputs`; the `Inference-Header-Content-Length` header gives the JSON's length.
 *
 * Output data follows the JSON rules of `json-elements` (exact 64-bit integers, NaN/±Infinity as
 * strings) and the blob layout of `binary-tensor`.
 */
import type { InferParameters } from '../tensor.js';
import { buildBinaryBody, INFERENCE_HEADER_CONTENT_LENGTH } from './binary-extension.js';
import { encodeTensorBytes } from './binary-tensor.js';
import type { InferResponse } from './infer-types.js';
import { encodeJsonTensor, encodeTensorHead } from './json-tensor.js';
import { parametersText } from './json-text.js';

export { chooseBinaryOutputs } from './requested-outputs.js';

/** How to encode the outputs. */
export interface EncodeResponseOptions {
  /** Names of the outputs to send as binary blobs (see `chooseBinaryOutputs`); others go as JSON. */
  readonly binaryOutputs?: ReadonlySet<string>;
}

/** A response ready for the transport to send. */
export interface EncodedResponse {
  readonly contentType: string;
  readonly body: Buffer;
  /** Extra headers to set: `Inference-Header-Content-Length` for a binary body, else none. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Encodes a response as JSON or, when any output is to go binary, as a binary-extension body.
 * @throws KilnError INTERNAL when an output's data does not fit its datatype and shape.
 */
export function encodeInferResponse(
  response: InferResponse,
  options: EncodeResponseOptions = {},
): EncodedResponse {
  const binary = options.binaryOutputs;
  const blobs: Uint8Array[] = [];
  let outputs = '';
  for (const tensor of response.outputs) {
    const parameters: InferParameters = response.outputParameters?.get(tensor.name) ?? NO_PARAMETERS;
    if (outputs !== '') outputs += ',';
    if (binary === undefined || !binary.has(tensor.name)) {
      outputs += encodeJsonTensor(tensor, parameters);
      continue;
    }
    const bytes = encodeTensorBytes(tensor);
    blobs.push(bytes);
    outputs += encodeTensorHead(tensor, { ...parameters, binary_data_size: bytes.length });
  }
  let json = `{"model_name":${JSON.stringify(response.modelName)}`;
  if (response.modelVersion !== undefined)
    json += `,"model_version":${JSON.stringify(response.modelVersion)}`;
  json += `,"id":${JSON.stringify(response.id)}`;
  if (response.parameters && Object.keys(response.parameters).length > 0) {
    json += `,"parameters":${parametersText(response.parameters)}`;
  }
  json += `,"outputs":[${outputs}]}`;

  if (blobs.length === 0)
    return { contentType: 'application/json', body: Buffer.from(json, 'utf8'), headers: NO_HEADERS };
  const { body, headerLength } = buildBinaryBody(json, blobs);
  return {
    contentType: 'application/octet-stream',
    body,
    headers: { [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength) },
  };
}

const NO_PARAMETERS: InferParameters = Object.freeze({});
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
