import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { V2Datatype } from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import { encodeTensorBytes } from './binary-tensor.js';
import { DEFAULT_PROTOCOL_LIMITS } from './infer-types.js';
import { parseLosslessJson } from './json-body.js';
import { decodeJsonTensor, encodeJsonTensor } from './json-tensor.js';
import { kilnErrorOf } from './test-support/wire.js';

// Per datatype: values, shape, and the little-endian bytes numpy gives for them
// (fixtures/make-protocol-fixtures.py). 64-bit integers are decimal strings there.
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/binary-reference.json', import.meta.url), 'utf8'),
) as {
  datatype: V2Datatype;
  shape: number[];
  values: unknown[][];
  hex: string;
}[];

const limits = DEFAULT_PROTOCOL_LIMITS;
const decode = (entry: unknown) => decodeJsonTensor(entry, 0, limits).tensor;
const errorOf = (entry: unknown) => kilnErrorOf(() => decode(entry));
const entry = (
  datatype: string,
  data: unknown,
  shape: unknown = [Array.isArray(data) ? data.length : 1],
) => ({
  name: 'INPUT0',
  datatype,
  shape,
  data,
});
const minusZero = (v: unknown) => (v === '-0' ? -0 : v);

describe('decodeJsonTensor and encodeJsonTensor', () => {
  for (const c of reference) {
    it(`${c.datatype}: decodes to numpy's bytes and round-trips through JSON`, () => {
      const nested = c.values.map((row) => row.map(minusZero));
      const tensor = decode(entry(c.datatype, nested, c.shape));
      expect(Buffer.from(encodeTensorBytes(tensor)).toString('hex')).toBe(c.hex);
      expect(decode(entry(c.datatype, nested.flat(), c.shape))).toEqual(tensor);

      const text = encodeJsonTensor(tensor);
      const json = parseLosslessJson(text) as {
        name: string;
        datatype: string;
        shape: number[];
        data: unknown[];
      };
      expect(json).toMatchObject({ name: 'INPUT0', datatype: c.datatype, shape: c.shape });
      expect(json.data).toHaveLength(tensor.data.length);
      expect(decode(json)).toEqual(tensor);
    });
  }

  it('writes 64-bit integers as exact literals, even past 2^53', () => {
    const t = decode(entry('INT64', ['9223372036854775807', -5, 9007199254740993n]));
    expect(encodeJsonTensor(t)).toBe(
      '{"name":"INPUT0","datatype":"INT64","shape":[3],"data":[9223372036854775807,-5,9007199254740993]}',
    );
  });

  it('keeps BYTES text with non-ASCII characters intact', () => {
    const texts = ['héllo', '日本語', 'emoji 🎉', '', 'quote " and \\'];
    const t = decode(entry('BYTES', texts));
    expect(t.data).toEqual(texts);
    expect((parseLosslessJson(encodeJsonTensor(t)) as { data: string[] }).data).toEqual(texts);
  });

  it('reads FP16 numbers as their nearest half and writes them back as the half value', () => {
    const t = decode(entry('FP16', [1, -2.5, 65504, 6e-8, 'Infinity', 'NaN', '-Infinity', 70000]));
    expect([...(t.data as Uint16Array)]).toEqual([
      0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00, 0x7e00, 0xfc00, 0x7c00,
    ]);
    expect(encodeJsonTensor(t)).toContain(
      '"data":[1,-2.5,65504,5.960464477539063e-8,"Infinity","NaN","-Infinity","Infinity"]',
    );
  });

  it('writes non-finite floats as strings and -0 as -0', () => {
    const t: Tensor = {
      name: 'y',
      datatype: 'FP32',
      shape: [4],
      data: new Float32Array([Number.NaN, Infinity, -Infinity, -0]),
    };
    expect(encodeJsonTensor(t)).toBe(
      '{"name":"y","datatype":"FP32","shape":[4],"data":["NaN","Infinity","-Infinity",-0]}',
    );
  });

  it('writes output parameters when there are some', () => {
    const t: Tensor = { name: 'y', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) };
    expect(encodeJsonTensor(t, { big: 2n ** 60n, s: 'x' })).toBe(
      '{"name":"y","datatype":"BOOL","shape":[2],"parameters":{"big":1152921504606846976,"s":"x"},"data":[true,false]}',
    );
  });
});

describe('decodeJsonTensor refuses bad values, naming the tensor and the element', () => {
  it('out-of-range and non-integer values for integer types', () => {
    expect(errorOf(entry('UINT8', [1, 300])).message).toBe(
      'input "INPUT0": element 1 expected an integer from 0 to 255 (UINT8), got 300',
    );
    expect(errorOf(entry('UINT8', [1, 300])).details).toMatchObject({
      reason: 'out_of_range',
      index: 1,
      field: 'inputs[0].data',
    });
    expect(errorOf(entry('INT8', [-129])).details.reason).toBe('out_of_range');
    expect(errorOf(entry('INT32', [1.5])).message).toBe(
      'input "INPUT0": element 0 expected an integer from -2147483648 to 2147483647 (INT32), got 1.5',
    );
    expect(errorOf(entry('UINT32', ['7'])).details.reason).toBe('bad_element');
    expect(errorOf(entry('UINT64', [-1])).details.reason).toBe('out_of_range');
    expect(errorOf(entry('UINT64', ['18446744073709551616'])).details.reason).toBe('out_of_range');
    expect(errorOf(entry('INT64', ['9223372036854775808'])).details.reason).toBe('out_of_range');
    expect(errorOf(entry('INT64', ['1e3'])).details.reason).toBe('bad_element');
    expect(errorOf(entry('INT64', [2.5])).details.reason).toBe('bad_element');
  });

  it('64-bit integers that reached Kiln as unsafe JS numbers', () => {
    const e = errorOf(entry('INT64', [2 ** 60]));
    expect(e.details.reason).toBe('unsafe_integer');
    expect(e.message).toContain('send it as a decimal string or in binary');
  });

  it('anything but true/false for BOOL, 0 and 1 included', () => {
    expect(errorOf(entry('BOOL', [true, 1])).message).toBe(
      'input "INPUT0": element 1 expected true or false, got 1',
    );
    expect(errorOf(entry('BOOL', ['true'])).details.reason).toBe('bad_element');
  });

  it('non-strings and lone surrogates for BYTES', () => {
    expect(errorOf(entry('BYTES', ['a', 5])).message).toBe(
      'input "INPUT0": element 1 expected a string, got 5',
    );
    expect(errorOf(entry('BYTES', ['\uD800x'])).details.reason).toBe('invalid_utf8');
  });

  it('non-numbers for float types', () => {
    expect(errorOf(entry('FP32', ['1.5'])).message).toBe(
      'input "INPUT0": element 0 expected a number (or "NaN", "Infinity", "-Infinity"), got the string "1.5"',
    );
    expect(errorOf(entry('FP64', [null])).details.reason).toBe('bad_element');
  });

  it('bad shapes, datatypes, names and keys', () => {
    expect(errorOf(entry('FP32', [1], [1, -1])).message).toBe(
      'input "INPUT0": shape [1,-1] dimension 1 expected a non-negative integer, got -1',
    );
    expect(errorOf(entry('FP32', [1], [1.5])).details.field).toBe('inputs[0].shape[0]');
    expect(errorOf(entry('FP32', [1], 'x')).details.reason).toBe('bad_shape');
    expect(errorOf(entry('FP8', [1])).details.reason).toBe('bad_datatype');
    expect(errorOf(entry('BF16', [1])).details.reason).toBe('unsupported_datatype');
    expect(errorOf({ ...entry('FP32', [1]), name: '' }).message).toBe(
      'inputs[0].name: expected a non-empty string, got the string ""',
    );
    expect(errorOf({ ...entry('FP32', [1]), contents: [] }).message).toBe(
      'input "INPUT0": unknown key "contents"; an input may have name, shape, datatype, parameters, data',
    );
    expect(errorOf({ name: 'INPUT0', datatype: 'FP32', shape: [1] }).details.reason).toBe('missing_data');
    expect(errorOf(42).details.reason).toBe('not_an_object');
    expect(errorOf({ ...entry('FP32', [1]), parameters: { a: [1] } }).details.field).toBe(
      'inputs[0].parameters.a',
    );
  });

  it('shapes over the element limit with PAYLOAD_TOO_LARGE, before reading data', () => {
    const e = kilnErrorOf(() => decodeJsonTensor(entry('FP32', [], [1e9, 1e9]), 0, { maxElements: 1000 }));
    expect(e.code).toBe('PAYLOAD_TOO_LARGE');
    expect(e.message).toBe(
      'input "INPUT0": shape [1000000000,1000000000] holds more elements than the limit of 1000',
    );
  });
});
