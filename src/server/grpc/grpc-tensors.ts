/**
 * @module server/grpc/grpc-tensors
 * A `ModelInferRequest`'s input tensors → Kiln tensors, and Kiln's output tensors → the
 * response's `outputs` and `raw_output_contents`.
 *
 * Inputs carry their data one of two ways, never both in one request:
 * - typed `contents`, per datatype (see `grpc-contents`; FP16 cannot go this way);
 * - `raw_input_contents`: one entry per input, in the inputs' order, each in the binary layout of
 *   `binary-tensor` (little-endian, BYTES as 4-byte length + UTF-8). Triton's Python and C++
 *   clients always send this way.
 *
 * Outputs go raw when the request's inputs went raw (what Triton clients read back), or when any
 * output is FP16 (it has no typed field, and the protocol lets a response use raw contents only for
 * all outputs or none); otherwise they go as typed contents.
 */
import { decodeTensorBytes, encodeTensorBytes } from '../../serve/protocol/binary-tensor.js';
import type { ProtocolLimits } from '../../serve/protocol/infer-types.js';
import { describeValue, protocolError, tensorLabel } from '../../serve/protocol/protocol-errors.js';
import {
  checkElementCount,
  readDatatype,
  readShape,
  type TensorHead,
} from '../../serve/protocol/tensor-head.js';
import type { InferParameters, Tensor } from '../../serve/tensor.js';
import { contentsToData, dataToContents } from './grpc-contents.js';
import type { InferInputTensorMsg, InferOutputTensorOut, InferTensorContentsMsg } from './grpc-messages.js';
import { decodeParameters, encodeParameters } from './grpc-params.js';

/** The inputs of a request, decoded. */
export interface DecodedInputs {
  /** In the order sent; names unique. */
  readonly inputs: Tensor[];
  /** Per input name, its parameters (inputs with none have no entry). */
  readonly inputParameters: Map<string, InferParameters>;
  /** True when the data came in `raw_input_contents`. */
  readonly raw: boolean;
}

/**
 * Decodes every input of a request.
 * @throws KilnError INVALID_ARGUMENT naming the tensor or field: no inputs, a bad name, datatype or
 *   shape, a duplicate name, `raw_input_contents` not one per input, contents alongside raw
 *   contents, or data that does not fit the datatype and shape; PAYLOAD_TOO_LARGE for a shape
 *   above `limits.maxElements`.
 */
export function decodeGrpcInputs(
  inputs: readonly InferInputTensorMsg[],
  rawContents: readonly Uint8Array[],
  limits: ProtocolLimits,
): DecodedInputs {
  if (inputs.length === 0) {
    throw protocolError('inputs: expected at least one input tensor, got none', {
      field: 'inputs',
      reason: 'bad_inputs',
    });
  }
  const raw = rawContents.length > 0;
  if (raw && rawContents.length !== inputs.length) {
    throw protocolError(
      `raw_input_contents: the request has ${inputs.length} input${inputs.length === 1 ? '' : 's'}, so it needs ` +
        `${inputs.length} raw_input_contents entries (one per input, in order), got ${rawContents.length}`,
      {
        field: 'raw_input_contents',
        reason: 'raw_count_mismatch',
        expected: inputs.length,
        got: rawContents.length,
      },
    );
  }
  const tensors: Tensor[] = [];
  const inputParameters = new Map<string, InferParameters>();
  const seen = new Map<string, number>();
  inputs.forEach((msg, index) => {
    const head = readGrpcHead(msg, index, limits);
    const first = seen.get(head.name);
    if (first !== undefined) {
      throw protocolError(`${head.label}: given twice (inputs[${first}] and inputs[${index}])`, {
        field: `${head.field}.name`,
        reason: 'duplicate_input',
      });
    }
    seen.set(head.name, index);
    if (Object.keys(head.parameters).length > 0) inputParameters.set(head.name, head.parameters);
    const data = raw
      ? rawData(msg.contents, rawContents[index], index, head)
      : contentsToData(msg.contents, head);
    tensors.push({ name: head.name, datatype: head.datatype, shape: head.shape, data });
  });
  return { inputs: tensors, inputParameters, raw };
}

function readGrpcHead(msg: InferInputTensorMsg, index: number, limits: ProtocolLimits): TensorHead {
  const field = `inputs[${index}]`;
  if (msg.name === '') {
    throw protocolError(`${field}.name: expected a non-empty string, got ${describeValue(msg.name)}`, {
      field: `${field}.name`,
      reason: 'bad_name',
    });
  }
  const label = tensorLabel('input', msg.name);
  const datatype = readDatatype(msg.datatype, label, `${field}.datatype`);
  // int64 dimensions arrive as decimal strings; readShape refuses negatives and unsafe values.
  const shape = readShape(msg.shape.map(Number), label, `${field}.shape`);
  const count = checkElementCount(shape, limits, label, `${field}.shape`);
  const parameters = decodeParameters(msg.parameters, `${label} parameters`, `${field}.parameters`);
  return { name: msg.name, datatype, shape, count, parameters, label, field };
}

function rawData(
  contents: InferTensorContentsMsg | null,
  bytes: Uint8Array,
  index: number,
  head: TensorHead,
): Tensor['data'] {
  // An empty contents message carries nothing, so only contents holding elements conflict.
  const used = contents
    ? Object.entries(contents).find(([, v]) => Array.isArray(v) && v.length > 0)
    : undefined;
  if (used) {
    throw protocolError(
      `${head.label}: has contents.${used[0]} but the request uses raw_input_contents; when raw_input_contents ` +
        'is given, every input must send its data there and none in contents',
      { field: `${head.field}.contents`, reason: 'contents_and_raw' },
    );
  }
  return decodeTensorBytes(
    bytes,
    head.datatype,
    head.shape,
    head.count,
    head.label,
    `raw_input_contents[${index}]`,
  );
}

/** The response's output tensors and raw contents. */
export interface EncodedOutputs {
  readonly outputs: InferOutputTensorOut[];
  readonly raw_output_contents: Uint8Array[];
}

/**
 * Encodes outputs, raw when `raw` is set or any output is FP16, else as typed contents.
 * @throws KilnError INTERNAL when an output's data does not fit its datatype and shape.
 */
export function encodeGrpcOutputs(
  tensors: readonly Tensor[],
  outputParameters: ReadonlyMap<string, InferParameters> | undefined,
  raw: boolean,
): EncodedOutputs {
  const useRaw = raw || tensors.some((t) => t.datatype === 'FP16');
  const outputs: InferOutputTensorOut[] = [];
  const rawContents: Uint8Array[] = [];
  for (const tensor of tensors) {
    const out: InferOutputTensorOut = {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: [...tensor.shape],
      parameters: encodeParameters(outputParameters?.get(tensor.name)),
    };
    if (useRaw) rawContents.push(encodeTensorBytes(tensor));
    else out.contents = dataToContents(tensor) ?? {};
    outputs.push(out);
  }
  return { outputs, raw_output_contents: rawContents };
}
