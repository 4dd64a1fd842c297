/**
 * @module serve/protocol/json-tensor
 * One tensor in the REST JSON form of the Open Inference Protocol:
 * `{name, shape, datatype, parameters?, data}`. Decoding checks the head (see `tensor-head`),
 * flattens `data` (flat or nested, see `nested-data`) and converts each element (see
 * `json-elements` for the per-datatype rules). Encoding writes `{name, datatype, shape,
 * parameters?, data}` with flat data.
 */
import type { InferParameters, Tensor } from '../tensor.js';
import { assertTensorCoherent } from './datatype-layout.js';
import type { ProtocolLimits } from './infer-types.js';
import { dataToJsonText, jsonToData } from './json-elements.js';
import { parametersText } from './json-text.js';
import { flattenData } from './nested-data.js';
import { protocolError, tensorLabel } from './protocol-errors.js';
import { readTensorHead, type TensorHead } from './tensor-head.js';

/** A decoded input and the parameters that came with it. */
export interface DecodedInput {
  readonly tensor: Tensor;
  readonly parameters: InferParameters;
}

/**
 * Decodes the JSON input entry at `inputs[index]`, whose data is inline (`data`).
 * @throws KilnError INVALID_ARGUMENT naming the tensor and the field (bad key, name, datatype,
 *   shape, missing data, ragged nesting, element count, element type or range); PAYLOAD_TOO_LARGE
 *   when the shape holds more than `limits.maxElements` elements.
 */
export function decodeJsonTensor(entry: unknown, index: number, limits: ProtocolLimits): DecodedInput {
  return decodeJsonData(readTensorHead(entry, index, limits), (entry as { data?: unknown }).data);
}

/** Decodes inline `data` for a tensor whose head has been read. */
export function decodeJsonData(head: TensorHead, data: unknown): DecodedInput {
  if (data === undefined) {
    throw protocolError(
      `${head.label}: has no data (give "data", or parameters.binary_data_size with a binary body)`,
      {
        field: `${head.field}.data`,
        reason: 'missing_data',
      },
    );
  }
  const values = flattenData(data, head.shape, head.count, head.label, `${head.field}.data`);
  const tensorData = jsonToData(values, head.datatype, head.label, `${head.field}.data`);
  return {
    tensor: { name: head.name, datatype: head.datatype, shape: head.shape, data: tensorData },
    parameters: head.parameters,
  };
}

/**
 * The JSON text of an output tensor with its data: `{name, datatype, shape, parameters?, data}`.
 * @throws KilnError INTERNAL when the tensor's data does not fit its datatype and shape.
 */
export function encodeJsonTensor(tensor: Tensor, parameters?: InferParameters): string {
  const head = encodeTensorHead(tensor, parameters);
  return `${head.slice(0, -1)},"data":${dataToJsonText(tensor.datatype, tensor.data)}}`;
}

/**
 * The JSON text of an output tensor without data (a binary output, whose parameters carry
 * `binary_data_size`): `{name, datatype, shape, parameters?}`.
 */
export function encodeTensorHead(tensor: Tensor, parameters?: InferParameters): string {
  assertTensorCoherent(tensor, tensorLabel('output', tensor.name));
  const params =
    parameters && Object.keys(parameters).length > 0 ? `,"parameters":${parametersText(parameters)}` : '';
  return (
    `{"name":${JSON.stringify(tensor.name)},"datatype":${JSON.stringify(tensor.datatype)},` +
    `"shape":${JSON.stringify(tensor.shape)}${params}}`
  );
}
