/**
 * @module serve/protocol/json-elements
 * Converts between flat JSON element lists and Kiln's typed tensor data, per datatype. The rules
 * a client can rely on:
 *
 * | datatype | accepted JSON element | written as |
 * |---|---|---|
 * | BOOL | `true` / `false` only (0 and 1 are refused, as Triton does) | `true` / `false` |
 * | INT8–INT32, UINT8–UINT32 | integer numbers in the type's range | numbers |
 * | INT64, UINT64 | integers in range given as numbers up to ±2^53, as exact integer literals of any size (when Kiln parses the body text itself), or as decimal strings (`"9223372036854775807"`) | exact integer literals, even past 2^53 |
 * | FP16, FP32, FP64 | numbers (rounded to the type, to nearest even; too large → ±Infinity), or the strings "NaN", "Infinity", "-Infinity" | numbers; NaN and ±Infinity as those strings |
 * | BYTES | strings (well-formed UTF-16, i.e. valid UTF-8 once encoded) | strings |
 *
 * A number past ±2^53 that reached Kiln already parsed (as a JS number) may have lost digits, so it
 * is refused for INT64/UINT64 rather than silently changed.
 */
import type { V2Datatype } from '../../registry/onnx/model-signature.js';
import type { TensorData } from '../tensor.js';
import { allocateData } from './datatype-layout.js';
import { floatToHalf, halfToFloat } from './fp16.js';
import { floatText } from './json-text.js';
import { describeValue, protocolError } from './protocol-errors.js';

const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};

const BIG_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  UINT64: [0n, 2n ** 64n - 1n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
};

const DECIMAL = /^-?(?:0|[1-9][0-9]{0,19})$/;
const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Converts row-major JSON elements into the typed data for `datatype`.
 * @throws KilnError INVALID_ARGUMENT naming the tensor and the element's row-major index.
 */
export function jsonToData(
  values: readonly unknown[],
  datatype: V2Datatype,
  label: string,
  field: string,
): TensorData {
  const n = values.length;
  const out = allocateData(datatype, n);
  const bad = (i: number, expected: string, reason = 'bad_element') =>
    protocolError(`${label}: element ${i} expected ${expected}, got ${describeValue(values[i])}`, {
      field,
      reason,
      index: i,
    });

  switch (datatype) {
    case 'BOOL': {
      const o = out as Uint8Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === true) o[i] = 1;
        else if (v !== false) throw bad(i, 'true or false');
      }
      return o;
    }
    case 'UINT64':
    case 'INT64': {
      const o = out as BigInt64Array | BigUint64Array;
      const [min, max] = BIG_RANGE[datatype];
      const expected = `an integer from ${min} to ${max} (${datatype})`;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        let b: bigint;
        if (typeof v === 'number') {
          if (!Number.isInteger(v)) throw bad(i, expected);
          if (!Number.isSafeInteger(v)) {
            throw bad(
              i,
              `${expected}; past ±2^53 a JSON number may have lost digits: send it as a decimal string or in binary`,
              'unsafe_integer',
            );
          }
          b = BigInt(v);
        } else if (typeof v === 'bigint') b = v;
        else if (typeof v === 'string' && DECIMAL.test(v)) b = BigInt(v);
        else throw bad(i, expected);
        if (b < min || b > max) throw bad(i, expected, 'out_of_range');
        o[i] = b;
      }
      return o;
    }
    case 'FP16':
    case 'FP32':
    case 'FP64': {
      const o = out as Uint16Array | Float32Array | Float64Array;
      const half = datatype === 'FP16';
      for (let i = 0; i < n; i++) {
        const v = values[i];
        let x: number;
        if (typeof v === 'number') x = v;
        else if (typeof v === 'bigint') x = Number(v);
        else if (typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) x = NON_FINITE[v];
        else throw bad(i, `a number (or "NaN", "Infinity", "-Infinity")`);
        o[i] = half ? floatToHalf(x) : x;
      }
      return o;
    }
    case 'BYTES': {
      const o = out as string[];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'string') throw bad(i, 'a string');
        if (LONE_SURROGATE.test(v))
          throw bad(i, 'text that is valid UTF-8 (it has a lone surrogate)', 'invalid_utf8');
        o[i] = v;
      }
      return o;
    }
    default: {
      const o = out as Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array;
      const [min, max] = INT_RANGE[datatype];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) o[i] = v;
        else {
          const inRangeType = typeof v === 'number' && Number.isInteger(v);
          throw bad(
            i,
            `an integer from ${min} to ${max} (${datatype})`,
            inRangeType ? 'out_of_range' : 'bad_element',
          );
        }
      }
      return o;
    }
  }
}

/** The JSON text of a flat `data` array for `datatype` (see the table above for each type). */
export function dataToJsonText(datatype: V2Datatype, data: TensorData): string {
  const n = data.length;
  const parts = new Array<string>(n);
  switch (datatype) {
    case 'BOOL':
      for (let i = 0; i < n; i++) parts[i] = data[i] ? 'true' : 'false';
      break;
    case 'FP16':
      for (let i = 0; i < n; i++) parts[i] = floatText(halfToFloat(data[i] as number));
      break;
    case 'FP32':
    case 'FP64':
      for (let i = 0; i < n; i++) parts[i] = floatText(data[i] as number);
      break;
    case 'BYTES':
      for (let i = 0; i < n; i++) parts[i] = JSON.stringify(data[i]);
      break;
    default:
      // Integers, bigints included: String() gives the exact decimal literal.
      for (let i = 0; i < n; i++) parts[i] = String(data[i]);
  }
  return `[${parts.join(',')}]`;
}
