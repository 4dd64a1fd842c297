import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelSignature, V2Datatype } from '../../registry/onnx/model-signature.js';
import { decodeInferRequest } from './request-decoder.js';
import { binaryRequest, hex, kilnErrorOf } from './test-support/wire.js';

const reference = JSON.parse(
  readFileSync(new URL('./fixtures/binary-reference.json', import.meta.url), 'utf8'),
) as {
  datatype: V2Datatype;
  shape: number[];
  values: unknown[][];
  hex: string;
}[];

const simple = {
  id: 'req-1',
  parameters: { priority: 1, tag: 'x', binary_data_output: true },
  inputs: [
    { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i) },
    { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], data: [Array.from({ length: 16 }, () => 1)] },
  ],
  outputs: [{ name: 'OUTPUT0', parameters: { binary_data: false } }, { name: 'OUTPUT1' }],
};
const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
const errorOf = (body: unknown, headers = {}) => kilnErrorOf(() => decodeInferRequest(body, headers));
const withInputs = (inputs: unknown) => ({ inputs });
const fp32 = (name: string, data: unknown = [1]) => ({ name, datatype: 'FP32', shape: [1], data });

describe('decodeInferRequest: JSON bodies', () => {
  it('decodes the Triton "simple" request, from bytes and from an already parsed object alike', () => {
    const req = decodeInferRequest(json(simple), {});
    expect(req.id).toBe('req-1');
    expect(req.parameters).toEqual({ priority: 1, tag: 'x', binary_data_output: true });
    expect(req.binaryOutput).toBe(true);
    expect(req.inputs.map((t) => [t.name, t.datatype, t.shape])).toEqual([
      ['INPUT0', 'INT32', [1, 16]],
      ['INPUT1', 'INT32', [1, 16]],
    ]);
    expect([...(req.inputs[0].data as Int32Array)]).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(req.outputs).toEqual([
      { name: 'OUTPUT0', parameters: { binary_data: false } },
      { name: 'OUTPUT1', parameters: {} },
    ]);
    expect(decodeInferRequest(structuredClone(simple), {})).toEqual(req);
  });

  it('treats omitted and empty outputs as all outputs, and binary output as off by default', () => {
    const req = decodeInferRequest(withInputs([fp32('a')]), {});
    expect(req.outputs).toBeUndefined();
    expect(req.binaryOutput).toBe(false);
    expect('id' in req).toBe(false);
    expect(decodeInferRequest({ inputs: [fp32('a')], outputs: [] }, {}).outputs).toBeUndefined();
  });

  it('keeps input parameters per input name', () => {
    const req = decodeInferRequest(
      withInputs([{ ...fp32('a'), parameters: { content_type: 'np' } }, fp32('b')]),
      {},
    );
    expect(req.inputParameters).toEqual(new Map([['a', { content_type: 'np' }]]));
  });

  it('reads 64-bit integers past 2^53 exactly from bytes, and refuses them when they arrive as JS numbers', () => {
    const text =
      '{"inputs":[{"name":"a","datatype":"INT64","shape":[2],"data":[9223372036854775807,"-9223372036854775808"]}]}';
    const req = decodeInferRequest(Buffer.from(text), {});
    expect([...(req.inputs[0].data as BigInt64Array)]).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
    const e = errorOf(JSON.parse(text));
    expect(e.details.reason).toBe('unsafe_integer');
  });

  it("reads Python's NaN and Infinity tokens from bytes", () => {
    const req = decodeInferRequest(
      Buffer.from('{"inputs":[{"name":"a","datatype":"FP64","shape":[2],"data":[NaN,-Infinity]}]}'),
      {},
    );
    expect([...(req.inputs[0].data as Float64Array)]).toEqual([Number.NaN, -Infinity]);
  });

  it('refuses bodies that are not JSON objects', () => {
    expect(errorOf(Buffer.from('{"inputs": [')).code).toBe('INVALID_JSON');
    expect(errorOf([1]).message).toBe(
      'request body: expected a JSON object {inputs, …}, got an array of 1 item',
    );
    expect(errorOf(null).details.reason).toBe('not_an_object');
  });

  it('refuses unknown top-level keys, naming them', () => {
    const e = errorOf({ ...withInputs([fp32('a')]), model_name: 'x' });
    expect(e.message).toBe(
      'request body: unknown key "model_name"; a request may have id, parameters, inputs, outputs',
    );
    expect(e.details).toMatchObject({ field: 'model_name', reason: 'unknown_key' });
  });

  it('refuses a bad id, bad parameters and a non-boolean binary_data_output', () => {
    expect(errorOf({ id: 7, inputs: [fp32('a')] }).message).toBe('id: expected a string, got 7');
    expect(errorOf({ parameters: [], inputs: [fp32('a')] }).details.field).toBe('parameters');
    expect(errorOf({ parameters: { a: { b: 1 } }, inputs: [fp32('a')] }).message).toBe(
      'request parameters: "a" expected a string, finite number or boolean, got an object',
    );
    expect(errorOf({ parameters: { a: null }, inputs: [fp32('a')] }).details.field).toBe('parameters.a');
    expect(errorOf({ parameters: { binary_data_output: 'yes' }, inputs: [fp32('a')] }).details.field).toBe(
      'parameters.binary_data_output',
    );
  });

  it('refuses missing, empty or non-array inputs and duplicate input names', () => {
    expect(errorOf({}).message).toBe('inputs: expected a non-empty array of input tensors, got nothing');
    expect(errorOf(withInputs([])).message).toBe(
      'inputs: expected a non-empty array of input tensors, got an array of 0 items',
    );
    expect(errorOf(withInputs({})).details.reason).toBe('bad_inputs');
    expect(errorOf(withInputs([fp32('a'), fp32('b'), fp32('a')])).message).toBe(
      'input "a": given twice (inputs[0] and inputs[2])',
    );
  });

  it('refuses bad outputs entries', () => {
    const bad = (outputs: unknown) => errorOf({ inputs: [fp32('a')], outputs });
    expect(bad({}).details.reason).toBe('bad_outputs');
    expect(bad(['y']).message).toBe('outputs[0]: expected an object {name, parameters?}, got the string "y"');
    expect(bad([{ name: 3 }]).details.field).toBe('outputs[0].name');
    expect(bad([{ name: 'y', shape: [1] }]).message).toBe(
      'output "y": unknown key "shape"; a requested output may have name, parameters',
    );
    expect(bad([{ name: 'y' }, { name: 'y' }]).message).toBe(
      'output "y": requested twice (outputs[0] and outputs[1])',
    );
    expect(bad([{ name: 'y', parameters: { binary_data: 1 } }]).message).toBe(
      'output "y": parameters.binary_data expected true or false, got 1',
    );
  });
});

describe('decodeInferRequest: binary bodies', () => {
  for (const c of reference) {
    it(`${c.datatype}: a binary input decodes to the same tensor as its JSON form`, () => {
      const values = c.values.flat().map((v) => (v === '-0' ? -0 : v));
      const fromJson = decodeInferRequest(
        { inputs: [{ name: 'x', datatype: c.datatype, shape: c.shape, data: values }] },
        {},
      );
      const blob = hex(c.hex);
      const { body, headers } = binaryRequest(
        {
          inputs: [
            {
              name: 'x',
              datatype: c.datatype,
              shape: c.shape,
              parameters: { binary_data_size: blob.length },
            },
          ],
        },
        [blob],
      );
      const fromBinary = decodeInferRequest(body, headers);
      expect(fromBinary.inputs).toEqual(fromJson.inputs);
      expect(fromBinary.inputParameters.size).toBe(0);
    });
  }

  it('mixes JSON and binary inputs, taking blobs in input order', () => {
    const a = new Uint8Array(new Float32Array([1, 2]).buffer);
    const c = new Uint8Array(new Int16Array([-3]).buffer);
    const { body, headers } = binaryRequest(
      {
        inputs: [
          { name: 'a', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8, keep: 'me' } },
          { name: 'b', datatype: 'UINT8', shape: [1], data: [7] },
          { name: 'c', datatype: 'INT16', shape: [1], parameters: { binary_data_size: 2 } },
        ],
        outputs: [{ name: 'y', parameters: { binary_data: true } }],
      },
      [a, c],
    );
    const req = decodeInferRequest(body, headers);
    expect(req.inputs.map((t) => [t.name, Array.from(t.data as ArrayLike<number>)])).toEqual([
      ['a', [1, 2]],
      ['b', [7]],
      ['c', [-3]],
    ]);
    expect(req.inputParameters.get('a')).toEqual({ keep: 'me' });
  });

  it('refuses announced sizes that do not add up to the body', () => {
    const head = {
      inputs: [{ name: 'a', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } }],
    };
    const truncated = binaryRequest(head, [new Uint8Array(5)]);
    const e = errorOf(truncated.body, truncated.headers);
    expect(e.details.reason).toBe('binary_truncated');
    expect(e.message).toContain(
      'the inputs announce 8 bytes of binary data (input "a" 8), but 5 bytes follow the JSON header',
    );
    const extra = binaryRequest(head, [new Uint8Array(9)]);
    expect(errorOf(extra.body, extra.headers).details.reason).toBe('binary_extra_bytes');
  });

  it('refuses a binary size that does not match the shape', () => {
    const r = binaryRequest(
      { inputs: [{ name: 'a', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 4 } }] },
      [new Uint8Array(4)],
    );
    expect(errorOf(r.body, r.headers).message).toBe(
      'input "a": shape [2] of FP32 needs 8 bytes (2 × 4), got 4',
    );
  });

  it('refuses binary_data_size without the header, and with data beside it', () => {
    const e = errorOf({
      inputs: [{ name: 'a', datatype: 'FP32', shape: [1], parameters: { binary_data_size: 4 } }],
    });
    expect(e.message).toBe(
      'input "a": parameters.binary_data_size needs a binary body with an Inference-Header-Content-Length header',
    );
    const both = binaryRequest({ inputs: [{ ...fp32('a'), parameters: { binary_data_size: 4 } }] }, [
      new Uint8Array(4),
    ]);
    expect(errorOf(both.body, both.headers).message).toBe(
      'input "a": has both "data" and parameters.binary_data_size; send one',
    );
  });

  it('refuses a JSON header that is not JSON, and a header on an already parsed body', () => {
    const e = errorOf(Buffer.from('{"inputs"xxxx'), { 'Inference-Header-Content-Length': '10' });
    expect(e.code).toBe('INVALID_JSON');
    expect(e.message).toMatch(/^JSON header \(the first 10 bytes\): not valid JSON/);
    expect(errorOf(simple, { 'inference-header-content-length': '10' }).details.reason).toBe(
      'binary_body_not_bytes',
    );
    expect(errorOf(Buffer.from('{}'), { 'inference-header-content-length': '3' }).details.reason).toBe(
      'header_length_beyond_body',
    );
  });

  it('decodes a raw binary request with the signature it is given', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'x', datatype: 'UINT8', shape: [-1, 3], dimNames: ['batch', null] }],
      outputs: [],
    };
    const req = decodeInferRequest(
      Buffer.from([1, 2, 3, 4, 5, 6]),
      { 'inference-header-content-length': '0' },
      { signature },
    );
    expect(req.inputs[0].shape).toEqual([2, 3]);
    expect(req.binaryOutput).toBe(true);
    expect(errorOf(Buffer.from([1]), { 'inference-header-content-length': '0' }).details.reason).toBe(
      'raw_binary_needs_single_input',
    );
  });

  it('applies the element limit to binary inputs too', () => {
    const r = binaryRequest(
      { inputs: [{ name: 'a', datatype: 'UINT8', shape: [10], parameters: { binary_data_size: 10 } }] },
      [new Uint8Array(10)],
    );
    const e = kilnErrorOf(() => decodeInferRequest(r.body, r.headers, { limits: { maxElements: 5 } }));
    expect(e.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
