import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { V2Datatype } from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import { decodeTensorBytes } from './binary-tensor.js';
import type { InferResponse } from './infer-types.js';
import { decodeInferRequest } from './request-decoder.js';
import { chooseBinaryOutputs, encodeInferResponse } from './response-encoder.js';
import { binaryRequest, kilnErrorOf, splitResponse } from './test-support/wire.js';

const reference = JSON.parse(
  readFileSync(new URL('./fixtures/binary-reference.json', import.meta.url), 'utf8'),
) as {
  datatype: V2Datatype;
  shape: number[];
  values: unknown[][];
  hex: string;
}[];

/** Every fixture datatype as an output tensor named after its datatype. */
const outputs: Tensor[] = reference.map((c) => {
  const values = c.values.flat().map((v) => (v === '-0' ? -0 : v));
  const req = decodeInferRequest(
    { inputs: [{ name: c.datatype, datatype: c.datatype, shape: c.shape, data: values }] },
    {},
  );
  return req.inputs[0];
});
const response = (outs: readonly Tensor[], extra: Partial<InferResponse> = {}): InferResponse => ({
  modelName: 'simple',
  modelVersion: '3',
  id: 'req-1',
  outputs: outs,
  ...extra,
});

describe('encodeInferResponse', () => {
  it('writes a JSON body when no output goes binary', () => {
    const y: Tensor = { name: 'y', datatype: 'INT32', shape: [1, 2], data: new Int32Array([3, -4]) };
    const encoded = encodeInferResponse(response([y], { parameters: { seq: 5n, ok: true } }));
    expect(encoded.contentType).toBe('application/json');
    expect(encoded.headers).toEqual({});
    expect(encoded.body.toString('utf8')).toBe(
      '{"model_name":"simple","model_version":"3","id":"req-1","parameters":{"seq":5,"ok":true},' +
        '"outputs":[{"name":"y","datatype":"INT32","shape":[1,2],"data":[3,-4]}]}',
    );
  });

  it('omits model_version and empty parameters', () => {
    const y: Tensor = { name: 'y', datatype: 'BOOL', shape: [1], data: new Uint8Array([1]) };
    const text = encodeInferResponse({
      modelName: 'm',
      id: 'i',
      parameters: {},
      outputs: [y],
    }).body.toString();
    expect(text).toBe(
      '{"model_name":"m","id":"i","outputs":[{"name":"y","datatype":"BOOL","shape":[1],"data":[true]}]}',
    );
  });

  it('writes every datatype as JSON that decodes back to the same tensors', () => {
    const { json } = splitResponse(encodeInferResponse(response(outputs)));
    expect(json.outputs.map((o) => o.name)).toEqual(outputs.map((t) => t.name));
    const back = decodeInferRequest({ inputs: json.outputs }, {});
    expect(back.inputs).toEqual(outputs);
  });

  it('writes mixed outputs as a binary body: blobs in output order, sizes in the JSON header', () => {
    const binaryOutputs = new Set(['FP16', 'BYTES', 'INT64']);
    const encoded = encodeInferResponse(
      response(outputs, { outputParameters: new Map([['FP16', { note: 'half' }]]) }),
      { binaryOutputs },
    );
    expect(encoded.contentType).toBe('application/octet-stream');
    const { json, rest } = splitResponse(encoded);
    expect(Number(encoded.headers['Inference-Header-Content-Length'])).toBe(
      encoded.body.length - rest.length,
    );

    let at = 0;
    json.outputs.forEach((o, i) => {
      const c = reference[i];
      if (!binaryOutputs.has(o.name)) {
        expect(o.parameters).toBeUndefined();
        expect(o.data).toHaveLength(outputs[i].data.length);
        return;
      }
      expect(o.data).toBeUndefined();
      const size = o.parameters?.binary_data_size as number;
      expect(Buffer.from(rest.subarray(at, at + size)).toString('hex')).toBe(c.hex);
      const count = c.shape.reduce((a, b) => a * b, 1);
      expect(decodeTensorBytes(rest.subarray(at, at + size), c.datatype, c.shape, count, 'x', 'x')).toEqual(
        outputs[i].data,
      );
      at += size;
    });
    expect(at).toBe(rest.length);
    expect(json.outputs.find((o) => o.name === 'FP16')?.parameters).toEqual({
      note: 'half',
      binary_data_size: 12,
    });
  });

  it('round-trips every datatype: binary request in, binary response out', () => {
    const blobs = reference.map((c) => Buffer.from(c.hex, 'hex'));
    const { body, headers } = binaryRequest(
      {
        inputs: reference.map((c, i) => ({
          name: c.datatype,
          datatype: c.datatype,
          shape: c.shape,
          parameters: { binary_data_size: blobs[i].length },
        })),
        parameters: { binary_data_output: true },
      },
      blobs,
    );
    const req = decodeInferRequest(body, headers);
    const names = req.inputs.map((t) => t.name);
    const encoded = encodeInferResponse(response(req.inputs), {
      binaryOutputs: chooseBinaryOutputs(req, names),
    });
    const { rest } = splitResponse(encoded);
    expect(Buffer.from(rest).equals(Buffer.concat(blobs))).toBe(true);
  });

  it('refuses to encode an output whose data does not fit its shape, as an internal error', () => {
    const bad: Tensor = { name: 'y', datatype: 'FP32', shape: [3], data: new Float32Array(2) };
    const e = kilnErrorOf(() => encodeInferResponse(response([bad])));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe(
      'output "y": datatype FP32 and shape [3] need 3 elements in a Float32Array, got 2 in a Float32Array',
    );
  });
});

describe('chooseBinaryOutputs', () => {
  const req = (binaryOutput: boolean, outputs?: { name: string; parameters: Record<string, boolean> }[]) =>
    ({
      parameters: {},
      inputs: [],
      inputParameters: new Map(),
      binaryOutput,
      ...(outputs ? { outputs } : {}),
    }) as const;

  it('uses the request default unless an output says otherwise', () => {
    expect(chooseBinaryOutputs(req(false), ['a', 'b'])).toEqual(new Set());
    expect(chooseBinaryOutputs(req(true), ['a', 'b'])).toEqual(new Set(['a', 'b']));
    const asked: { name: string; parameters: Record<string, boolean> }[] = [
      { name: 'a', parameters: { binary_data: false } },
      { name: 'b', parameters: {} },
    ];
    expect(chooseBinaryOutputs(req(true, asked), ['a', 'b'])).toEqual(new Set(['b']));
    expect(
      chooseBinaryOutputs(req(false, [{ name: 'a', parameters: { binary_data: true } }]), ['a', 'b']),
    ).toEqual(new Set(['a']));
  });
});
