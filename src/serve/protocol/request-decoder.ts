/**
 * @module serve/protocol/request-decoder
 * Decodes a REST inference request body (`POST /v2/models/{m}/infer`) into an {@link InferRequest}:
 *
 * - raw bytes, no `Inference-Header-Content-Length`: the body is JSON;
 * - raw bytes with `Inference-Header-Content-Length: N > 0`: the binary tensor extension — JSON
 *   header of N bytes, then the blobs of the inputs that announce `parameters.binary_data_size`;
 * - raw bytes with `Inference-Header-Content-Length: 0`: a raw binary request (needs the signature);
 * - any other value: JSON the transport already parsed. Give raw bytes where possible: only then
 *   are 64-bit integer literals past 2^53 read exactly and Python's `NaN`/`Infinity` tokens read.
 *
 * The top level may hold only `id` (string), `parameters` (object of string/number/boolean),
 * `inputs` (a non-empty array, names unique) and `outputs` (`[{name, parameters?}]`, names
 * unique; an empty array means all outputs, as when it is omitted). Anything else is refused with
 * a message naming the key. Checking the inputs against the model is `signature-check`'s job.
 */
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import type { InferParameters, Tensor } from '../tensor.js';
import {
  type BinarySlot,
  INFERENCE_HEADER_CONTENT_LENGTH,
  type RequestHeaders,
  readBinaryDataSize,
  readInferenceHeaderLength,
  sliceBinaryBlobs,
} from './binary-extension.js';
import { decodeTensorBytes } from './binary-tensor.js';
import { DEFAULT_PROTOCOL_LIMITS, type InferRequest, type ProtocolLimits } from './infer-types.js';
import { parseJsonBody } from './json-body.js';
import { decodeJsonData } from './json-tensor.js';
import { describeValue, protocolError } from './protocol-errors.js';
import { decodeRawBinaryRequest } from './raw-binary-request.js';
import { readRequestedOutputs } from './requested-outputs.js';
import { isPlainObject, readParameters, readTensorHead, type TensorHead } from './tensor-head.js';

export type { RequestHeaders };

/** What the decoder needs besides the body and headers. */
export interface DecodeRequestOptions {
  /** The model's signature: needed only for raw binary requests (`Inference-Header-Content-Length: 0`). */
  readonly signature?: ModelSignature;
  readonly limits?: ProtocolLimits;
}

const REQUEST_KEYS: ReadonlySet<string> = new Set(['id', 'parameters', 'inputs', 'outputs']);
const EMPTY = new Uint8Array(0);

/**
 * Decodes one inference request body.
 * @throws KilnError INVALID_JSON for text that is not UTF-8 JSON; INVALID_ARGUMENT naming the field
 *   for every structural, header, binary-size or data error; PAYLOAD_TOO_LARGE for a tensor above
 *   `limits.maxElements`.
 */
export function decodeInferRequest(
  body: unknown,
  headers: RequestHeaders,
  options: DecodeRequestOptions = {},
): InferRequest {
  const limits = options.limits ?? DEFAULT_PROTOCOL_LIMITS;
  if (!(body instanceof Uint8Array)) {
    if (readInferenceHeaderLength(headers, Number.POSITIVE_INFINITY) !== undefined) {
      throw protocolError(
        `${INFERENCE_HEADER_CONTENT_LENGTH} is set, but the body reached the decoder already parsed; ` +
          'a binary body must be passed as raw bytes',
        { field: INFERENCE_HEADER_CONTENT_LENGTH, reason: 'binary_body_not_bytes' },
      );
    }
    return decodeRequestValue(body, EMPTY, false, limits);
  }
  const headerLength = readInferenceHeaderLength(headers, body.length);
  if (headerLength === undefined)
    return decodeRequestValue(parseJsonBody(body, 'request body'), EMPTY, false, limits);
  if (headerLength === 0) return decodeRawBinaryRequest(body, options.signature, limits);
  const json = parseJsonBody(body.subarray(0, headerLength), `JSON header (the first ${headerLength} bytes)`);
  return decodeRequestValue(json, body.subarray(headerLength), true, limits);
}

/**
 * Decodes a parsed request object; `blobs` is what follows the JSON header in a binary body.
 * @param binary whether the body is a binary-extension body (inputs may then use binary_data_size).
 */
export function decodeRequestValue(
  value: unknown,
  blobs: Uint8Array,
  binary: boolean,
  limits: ProtocolLimits,
): InferRequest {
  if (!isPlainObject(value)) {
    throw protocolError(`request body: expected a JSON object {inputs, …}, got ${describeValue(value)}`, {
      field: 'body',
      reason: 'not_an_object',
    });
  }
  for (const key of Object.keys(value)) {
    if (!REQUEST_KEYS.has(key)) {
      throw protocolError(
        `request body: unknown key ${JSON.stringify(key)}; a request may have id, parameters, inputs, outputs`,
        {
          field: key,
          reason: 'unknown_key',
        },
      );
    }
  }
  const { id } = value;
  if (id !== undefined && typeof id !== 'string') {
    throw protocolError(`id: expected a string, got ${describeValue(id)}`, { field: 'id', reason: 'bad_id' });
  }
  const parameters = readParameters(value.parameters, 'request parameters', 'parameters');
  const binaryOutput = parameters.binary_data_output ?? false;
  if (typeof binaryOutput !== 'boolean') {
    throw protocolError(
      `request parameters: "binary_data_output" expected true or false, got ${describeValue(binaryOutput)}`,
      {
        field: 'parameters.binary_data_output',
        reason: 'bad_parameter',
      },
    );
  }
  const { inputs, inputParameters } = decodeInputs(value.inputs, blobs, binary, limits);
  const outputs = readRequestedOutputs(value.outputs);
  return {
    ...(id === undefined ? {} : { id }),
    parameters,
    inputs,
    inputParameters,
    ...(outputs ? { outputs } : {}),
    binaryOutput,
  };
}

function decodeInputs(
  value: unknown,
  blobs: Uint8Array,
  binary: boolean,
  limits: ProtocolLimits,
): { inputs: Tensor[]; inputParameters: Map<string, InferParameters> } {
  if (!Array.isArray(value) || value.length === 0) {
    throw protocolError(`inputs: expected a non-empty array of input tensors, got ${describeValue(value)}`, {
      field: 'inputs',
      reason: 'bad_inputs',
    });
  }
  const inputs: Tensor[] = new Array(value.length);
  const inputParameters = new Map<string, InferParameters>();
  const seen = new Map<string, number>();
  const pending: { index: number; head: TensorHead; slot: BinarySlot }[] = [];
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    const head = readTensorHead(entry, index, limits);
    const first = seen.get(head.name);
    if (first !== undefined) {
      throw protocolError(`${head.label}: given twice (inputs[${first}] and inputs[${index}])`, {
        field: `inputs[${index}].name`,
        reason: 'duplicate_input',
      });
    }
    seen.set(head.name, index);
    const { binary_data_size: _size, ...rest } = head.parameters;
    if (Object.keys(rest).length > 0) inputParameters.set(head.name, Object.freeze(rest));
    const size = readBinaryDataSize(head.parameters, head.label, head.field);
    const data = (entry as { data?: unknown }).data;
    if (size === undefined) {
      inputs[index] = decodeJsonData(head, data).tensor;
      continue;
    }
    if (!binary) {
      throw protocolError(
        `${head.label}: parameters.binary_data_size needs a binary body with an ${INFERENCE_HEADER_CONTENT_LENGTH} header`,
        { field: `${head.field}.parameters.binary_data_size`, reason: 'binary_without_header' },
      );
    }
    if (data !== undefined) {
      throw protocolError(`${head.label}: has both "data" and parameters.binary_data_size; send one`, {
        field: `${head.field}.data`,
        reason: 'data_and_binary',
      });
    }
    pending.push({ index, head, slot: { label: head.label, field: head.field, size } });
  }
  const pieces = binary
    ? sliceBinaryBlobs(
        blobs,
        pending.map((p) => p.slot),
      )
    : [];
  pending.forEach(({ index, head }, k) => {
    const data = decodeTensorBytes(
      pieces[k],
      head.datatype,
      head.shape,
      head.count,
      head.label,
      `${head.field}.parameters.binary_data_size`,
    );
    inputs[index] = { name: head.name, datatype: head.datatype, shape: head.shape, data };
  });
  return { inputs, inputParameters };
}
