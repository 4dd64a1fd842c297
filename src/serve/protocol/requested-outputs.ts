/**
 * @module serve/protocol/requested-outputs
 * The request's `outputs` list, and which outputs a response sends in binary. An output goes binary
 * when its own `parameters.binary_data` says true, or, when it says nothing, when the request's
 * default says so (`binary_data_output`, or a raw binary request).
 */
import type { InferRequest, RequestedOutput } from './infer-types.js';
import { describeValue, protocolError, tensorLabel } from './protocol-errors.js';
import { isPlainObject, readParameters } from './tensor-head.js';

const OUTPUT_KEYS: ReadonlySet<string> = new Set(['name', 'parameters']);

/**
 * Reads `outputs`: undefined or an empty array mean "all outputs" (undefined is returned).
 * @throws KilnError INVALID_ARGUMENT naming the entry: not an object, unknown key, bad name,
 *   duplicate name, bad parameters, `binary_data` not a boolean.
 */
export function readRequestedOutputs(value: unknown): RequestedOutput[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw protocolError(`outputs: expected an array of {name, parameters?}, got ${describeValue(value)}`, {
      field: 'outputs',
      reason: 'bad_outputs',
    });
  }
  if (value.length === 0) return undefined;
  const seen = new Map<string, number>();
  const outputs: RequestedOutput[] = [];
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    const field = `outputs[${index}]`;
    if (!isPlainObject(entry)) {
      throw protocolError(`${field}: expected an object {name, parameters?}, got ${describeValue(entry)}`, {
        field,
        reason: 'not_an_object',
      });
    }
    const { name } = entry;
    if (typeof name !== 'string' || name === '') {
      throw protocolError(`${field}.name: expected a non-empty string, got ${describeValue(name)}`, {
        field: `${field}.name`,
        reason: 'bad_name',
      });
    }
    const label = tensorLabel('output', name);
    for (const key of Object.keys(entry)) {
      if (!OUTPUT_KEYS.has(key)) {
        throw protocolError(
          `${label}: unknown key ${JSON.stringify(key)}; a requested output may have name, parameters`,
          {
            field: `${field}.${key}`,
            reason: 'unknown_key',
          },
        );
      }
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw protocolError(`${label}: requested twice (outputs[${first}] and outputs[${index}])`, {
        field: `${field}.name`,
        reason: 'duplicate_output',
      });
    }
    seen.set(name, index);
    const parameters = readParameters(entry.parameters, `${label} parameters`, `${field}.parameters`);
    const binary = parameters.binary_data;
    if (binary !== undefined && typeof binary !== 'boolean') {
      throw protocolError(
        `${label}: parameters.binary_data expected true or false, got ${describeValue(binary)}`,
        {
          field: `${field}.parameters.binary_data`,
          reason: 'bad_parameter',
        },
      );
    }
    outputs.push({ name, parameters });
  }
  return outputs;
}

/**
 * The names, among `outputNames`, that the response should carry in binary for `request`.
 */
export function chooseBinaryOutputs(request: InferRequest, outputNames: readonly string[]): Set<string> {
  const asked = new Map((request.outputs ?? []).map((o) => [o.name, o.parameters.binary_data]));
  const chosen = new Set<string>();
  for (const name of outputNames) {
    const own = asked.get(name);
    if (typeof own === 'boolean' ? own : request.binaryOutput) chosen.add(name);
  }
  return chosen;
}
