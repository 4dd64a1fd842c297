/**
 * @module server/grpc/grpc-params
 * `map<string, InferParameter>` ↔ Kiln's {@link InferParameters}. `InferParameter` is a oneof of
 * `bool_param`, `int64_param`, `string_param`, `double_param` and `uint64_param` (the superset
 * Triton and the Open Inference Protocol define; MLServer and KServe's docs have the first three).
 *
 * Decoding follows what the REST decoder gives for the same values, so the data plane sees one
 * shape whatever the transport: integers are numbers while they are safe (|n| ≤ 2^53 − 1) and
 * bigints past that — exact either way. Encoding picks the member from the value: boolean → bool,
 * string → string, safe integer number or int64-range bigint → int64, bigint above 2^63 − 1 →
 * uint64, any other number → double. A double that holds a whole number therefore comes back as
 * int64; the value is the same.
 */
import { KilnError } from '../../core/errors.js';
import { protocolError } from '../../serve/protocol/protocol-errors.js';
import type { InferParameters } from '../../serve/tensor.js';
import type { InferParameterMap, InferParameterOut } from './grpc-messages.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const MEMBERS = 'bool_param, int64_param, string_param, double_param, uint64_param';

/**
 * Decodes a parameter map.
 * @param label how messages name the owner (`request parameters`, `input "x" parameters`).
 * @param field the request field for `details.field` (`parameters`, `inputs[0].parameters`).
 * @throws KilnError INVALID_ARGUMENT naming the key when a parameter has no member set or a
 *   `double_param` that is NaN or infinite.
 */
export function decodeParameters(
  map: InferParameterMap | undefined,
  label: string,
  field: string,
): InferParameters {
  const out: Record<string, string | number | boolean | bigint> = {};
  for (const [key, param] of Object.entries(map ?? {})) {
    switch (param.parameter_choice) {
      case 'bool_param':
        out[key] = param.bool_param === true;
        break;
      case 'string_param':
        out[key] = param.string_param ?? '';
        break;
      case 'double_param': {
        const x = param.double_param ?? 0;
        // REST cannot carry NaN or ±Infinity in parameters; refusing them here too keeps the
        // data plane's view the same whichever transport a request came by.
        if (!Number.isFinite(x)) {
          throw protocolError(`${label}: ${JSON.stringify(key)} expected a finite double_param, got ${x}`, {
            field: `${field}.${key}`,
            reason: 'bad_parameter',
          });
        }
        out[key] = x;
        break;
      }
      case 'int64_param':
        out[key] = exactInteger(param.int64_param);
        break;
      case 'uint64_param':
        out[key] = exactInteger(param.uint64_param);
        break;
      default:
        throw protocolError(`${label}: ${JSON.stringify(key)} has no value; set one of ${MEMBERS}`, {
          field: `${field}.${key}`,
          reason: 'bad_parameter',
        });
    }
  }
  return Object.freeze(out);
}

/** A decimal string from proto-loader (`longs: String`) as a number when safe, else a bigint. */
function exactInteger(text: string | undefined): number | bigint {
  const big = BigInt(text ?? '0');
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/**
 * Encodes parameters for a response; undefined gives an empty map.
 * @throws KilnError INTERNAL for a bigint outside both int64 and uint64 (a bug in whoever set it).
 */
export function encodeParameters(params: InferParameters | undefined): Record<string, InferParameterOut> {
  const out: Record<string, InferParameterOut> = {};
  for (const [key, value] of Object.entries(params ?? {})) out[key] = encodeParameter(key, value);
  return out;
}

function encodeParameter(key: string, value: string | number | boolean | bigint): InferParameterOut {
  switch (typeof value) {
    case 'boolean':
      return { bool_param: value };
    case 'string':
      return { string_param: value };
    case 'number':
      return Number.isSafeInteger(value) ? { int64_param: String(value) } : { double_param: value };
    default:
      if (value >= INT64_MIN && value <= INT64_MAX) return { int64_param: value.toString() };
      if (value > INT64_MAX && value <= UINT64_MAX) return { uint64_param: value.toString() };
      throw new KilnError(
        'INTERNAL',
        `response parameter ${JSON.stringify(key)}: ${value} fits neither int64 nor uint64`,
        { field: `parameters.${key}` },
      );
  }
}
