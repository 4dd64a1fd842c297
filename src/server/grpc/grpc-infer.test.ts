import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTensorBytes } from '../../serve/protocol/binary-tensor.js';
import { floatToHalf } from '../../serve/protocol/fp16.js';
import type { Tensor } from '../../serve/tensor.js';
import { grpcErrorOf, type Harness, startHarness } from './test-support/grpc-harness.js';

/** The response as the client decodes it (proto-loader: int64 as strings, bytes as Buffers). */
interface InferResponseMsg {
  model_name: string;
  model_version: string;
  id: string;
  outputs: {
    name: string;
    datatype: string;
    shape: string[];
    contents: Record<string, unknown[]> | null;
  }[];
  raw_output_contents: Buffer[];
}

const int32s = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const le32 = (values: number[]) => Buffer.from(new Int32Array(values).buffer);

describe('gRPC ModelInfer', () => {
  let h: Harness;
  const infer = (request: Record<string, unknown>, token = 'predictor-token') =>
    h.call<InferResponseMsg>('ModelInfer', request, token);
  const invalid = async (request: Record<string, unknown>) => {
    const e = await grpcErrorOf(infer(request));
    expect(e.code, e.details).toBe(status.INVALID_ARGUMENT);
    return e.details;
  };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const a = int32s(16, (i) => i);
  const b = int32s(16, () => 1);
  const simpleTyped = {
    model_name: 'simple',
    inputs: [
      { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], contents: { int_contents: a } },
      { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], contents: { int_contents: b } },
    ],
  };
  const simpleRaw = {
    model_name: 'simple',
    inputs: [
      { name: 'INPUT0', datatype: 'INT32', shape: [1, 16] },
      { name: 'INPUT1', datatype: 'INT32', shape: [1, 16] },
    ],
    raw_input_contents: [le32(a), le32(b)],
  };

  it('computes simple from typed contents and answers with typed contents', async () => {
    const r = await infer(simpleTyped);
    expect(r.model_name).toBe('simple');
    expect(r.model_version).toBe('1');
    expect(r.raw_output_contents).toEqual([]);
    expect(r.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ['OUTPUT0', 'INT32', ['1', '16']],
      ['OUTPUT1', 'INT32', ['1', '16']],
    ]);
    expect(r.outputs[0].contents?.int_contents).toEqual(a.map((x) => x + 1));
    expect(r.outputs[1].contents?.int_contents).toEqual(a.map((x) => x - 1));
  });

  it('computes simple from raw_input_contents and answers with raw_output_contents', async () => {
    const r = await infer(simpleRaw);
    expect(r.outputs.map((o) => o.contents)).toEqual([null, null]);
    expect(r.raw_output_contents).toHaveLength(2);
    const read = (buf: Buffer) => Array.from(new Int32Array(new Uint8Array(buf).buffer));
    expect(read(r.raw_output_contents[0])).toEqual(a.map((x) => x + 1));
    expect(read(r.raw_output_contents[1])).toEqual(a.map((x) => x - 1));
  });

  it('returns only the requested outputs', async () => {
    const r = await infer({ ...simpleTyped, outputs: [{ name: 'OUTPUT1' }] });
    expect(r.outputs.map((o) => o.name)).toEqual(['OUTPUT1']);
    expect(r.outputs[0].contents?.int_contents).toEqual(a.map((x) => x - 1));
    const raw = await infer({ ...simpleRaw, outputs: [{ name: 'OUTPUT0' }] });
    expect(raw.outputs.map((o) => o.name)).toEqual(['OUTPUT0']);
    expect(raw.raw_output_contents).toHaveLength(1);
    expect(await invalid({ ...simpleTyped, outputs: [{ name: 'OUTPUT9' }] })).toContain('output "OUTPUT9"');
    expect(await invalid({ ...simpleTyped, outputs: [{ name: 'OUTPUT0' }, { name: 'OUTPUT0' }] })).toContain(
      'requested twice',
    );
  });

  it('echoes the request id, and makes one up when none is sent', async () => {
    expect((await infer({ ...simpleTyped, id: 'req-42' })).id).toBe('req-42');
    const one = (await infer(simpleTyped)).id;
    const two = (await infer(simpleTyped)).id;
    expect(one).not.toBe('');
    expect(one).not.toBe(two);
  });

  describe('typed contents for every datatype (identity models)', () => {
    // [datatype, contents field, values sent, values expected back]
    const cases: [string, string, unknown[]][] = [
      ['BOOL', 'bool_contents', [true, false, true]],
      ['INT8', 'int_contents', [-128, 0, 127]],
      ['INT16', 'int_contents', [-32768, 1, 32767]],
      ['INT32', 'int_contents', [-2147483648, 2147483647]],
      ['INT64', 'int64_contents', ['-9223372036854775808', '9007199254740993', '9223372036854775807']],
      ['UINT8', 'uint_contents', [0, 255]],
      ['UINT16', 'uint_contents', [0, 65535]],
      ['UINT32', 'uint_contents', [0, 4294967295]],
      ['UINT64', 'uint64_contents', ['0', '18446744073709551615']],
      ['FP32', 'fp32_contents', [1.5, -0.25, 3.4028234663852886e38, Number.NaN, Number.NEGATIVE_INFINITY]],
      ['FP64', 'fp64_contents', [0.1, -1e300, Number.POSITIVE_INFINITY]],
    ];
    for (const [datatype, field, values] of cases) {
      it(`${datatype} in ${field} comes back exactly`, async () => {
        const r = await infer({
          model_name: `identity_${datatype.toLowerCase()}`,
          inputs: [{ name: 'INPUT0', datatype, shape: [values.length], contents: { [field]: values } }],
        });
        expect(r.raw_output_contents).toEqual([]);
        expect(r.outputs[0]).toMatchObject({ name: 'OUTPUT0', datatype, shape: [String(values.length)] });
        expect(r.outputs[0].contents?.[field]).toEqual(values);
      });
    }

    it('BYTES in bytes_contents comes back exactly, as UTF-8', async () => {
      const values = ['hello', 'wörld ☃', ''].map((s) => Buffer.from(s, 'utf8'));
      const r = await infer({
        model_name: 'identity_bytes',
        inputs: [{ name: 'INPUT0', datatype: 'BYTES', shape: [3], contents: { bytes_contents: values } }],
      });
      expect(r.outputs[0].contents?.bytes_contents).toEqual(values);
    });

    it('BYTES through simple_string', async () => {
      const bytes = (xs: number[]) => xs.map((x) => Buffer.from(String(x)));
      const r = await infer({
        model_name: 'simple_string',
        inputs: [
          { name: 'INPUT0', datatype: 'BYTES', shape: [1, 16], contents: { bytes_contents: bytes(a) } },
          { name: 'INPUT1', datatype: 'BYTES', shape: [1, 16], contents: { bytes_contents: bytes(b) } },
        ],
      });
      const text = (i: number) => ((r.outputs[i].contents?.bytes_contents ?? []) as Buffer[]).map(String);
      expect(text(0)).toEqual(a.map((x) => String(x + 1)));
      expect(text(1)).toEqual(a.map((x) => String(x - 1)));
    });
  });

  describe('raw contents for every datatype (identity models)', () => {
    const tensors: Tensor[] = [
      { name: 'INPUT0', datatype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      { name: 'INPUT0', datatype: 'UINT8', shape: [2], data: Uint8Array.of(0, 255) },
      { name: 'INPUT0', datatype: 'UINT16', shape: [2], data: Uint16Array.of(1, 65535) },
      { name: 'INPUT0', datatype: 'UINT32', shape: [2], data: Uint32Array.of(7, 4294967295) },
      { name: 'INPUT0', datatype: 'UINT64', shape: [2], data: BigUint64Array.of(0n, 2n ** 64n - 1n) },
      { name: 'INPUT0', datatype: 'INT8', shape: [2], data: Int8Array.of(-128, 127) },
      { name: 'INPUT0', datatype: 'INT16', shape: [2], data: Int16Array.of(-32768, 32767) },
      { name: 'INPUT0', datatype: 'INT32', shape: [2], data: Int32Array.of(-5, 2147483647) },
      { name: 'INPUT0', datatype: 'INT64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) },
      { name: 'INPUT0', datatype: 'FP16', shape: [3], data: Uint16Array.of(0x3c00, 0xc000, 0x7c00) },
      { name: 'INPUT0', datatype: 'FP32', shape: [2], data: Float32Array.of(1.5, Number.NaN) },
      { name: 'INPUT0', datatype: 'FP64', shape: [2], data: Float64Array.of(0.1, -1e300) },
      { name: 'INPUT0', datatype: 'BYTES', shape: [3], data: ['a', 'wörld ☃', ''] },
    ];
    for (const t of tensors) {
      it(`${t.datatype} comes back byte for byte`, async () => {
        const bytes = Buffer.from(encodeTensorBytes(t));
        const r = await infer({
          model_name: `identity_${t.datatype.toLowerCase()}`,
          inputs: [{ name: 'INPUT0', datatype: t.datatype, shape: t.shape }],
          raw_input_contents: [bytes],
        });
        expect(r.outputs).toEqual([
          {
            name: 'OUTPUT0',
            datatype: t.datatype,
            shape: t.shape.map(String),
            parameters: {},
            contents: null,
          },
        ]);
        expect(r.raw_output_contents).toEqual([bytes]);
      });
    }
  });

  describe('FP16', () => {
    it('is refused as typed contents, pointing at raw_input_contents', async () => {
      const details = await invalid({
        model_name: 'identity_fp16',
        inputs: [{ name: 'INPUT0', datatype: 'FP16', shape: [1], contents: { fp32_contents: [1] } }],
      });
      expect(details).toContain('input "INPUT0": FP16 has no typed contents field');
      expect(details).toContain('raw_input_contents');
    });

    it('makes the whole response raw when an output is FP16, even for typed inputs', async () => {
      const r = await infer({
        model_name: 'half',
        inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [3], contents: { fp32_contents: [1, -2, 0.5] } }],
      });
      expect(r.outputs.map((o) => [o.name, o.datatype, o.contents])).toEqual([
        ['OUTPUT0', 'FP16', null],
        ['OUTPUT1', 'FP32', null],
      ]);
      const half = new Uint16Array(new Uint8Array(r.raw_output_contents[0]).buffer);
      expect(Array.from(half)).toEqual([1, -2, 0.5].map(floatToHalf));
      const fp32 = new Float32Array(new Uint8Array(r.raw_output_contents[1]).buffer);
      expect(Array.from(fp32)).toEqual([1, -2, 0.5]);
    });
  });

  describe('bad inputs answer INVALID_ARGUMENT naming the tensor', () => {
    const one = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      model_name: 'identity_int32',
      inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [2], ...input }],
      ...extra,
    });

    it('typed data that does not fill the shape', async () => {
      const details = await invalid({
        ...simpleTyped,
        inputs: [{ ...simpleTyped.inputs[0], contents: { int_contents: a.slice(1) } }, simpleTyped.inputs[1]],
      });
      expect(details).toBe('input "INPUT0": shape [1,16] holds 16 elements, got 15 in contents.int_contents');
    });

    it('an input with no data at all', async () => {
      expect(await invalid(one({}))).toContain('input "INPUT0": shape [2] holds 2 elements, got 0');
    });

    it('raw data of the wrong size', async () => {
      const details = await invalid(one({}, { raw_input_contents: [le32([1, 2, 3])] }));
      expect(details).toBe('input "INPUT0": shape [2] of INT32 needs 8 bytes (2 × 4), got 12');
    });

    it('raw_input_contents not one per input', async () => {
      const details = await invalid({ ...simpleRaw, raw_input_contents: [le32(a)] });
      expect(details).toContain('the request has 2 inputs, so it needs 2 raw_input_contents entries');
      expect(details).toContain('got 1');
    });

    it('contents mixed with raw_input_contents', async () => {
      const details = await invalid({
        ...simpleRaw,
        inputs: [simpleTyped.inputs[0], simpleRaw.inputs[1]],
      });
      expect(details).toContain(
        'input "INPUT0": has contents.int_contents but the request uses raw_input_contents',
      );
    });

    it('BYTES that are not UTF-8, typed or raw', async () => {
      const bad = Buffer.from([0x61, 0xff, 0x62]);
      const typed = await invalid({
        model_name: 'identity_bytes',
        inputs: [
          {
            name: 'INPUT0',
            datatype: 'BYTES',
            shape: [2],
            contents: { bytes_contents: [Buffer.from('ok'), bad] },
          },
        ],
      });
      expect(typed).toBe('input "INPUT0": BYTES element 1 is not valid UTF-8 (Kiln carries BYTES as text)');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bad.length);
      const raw = await invalid({
        model_name: 'identity_bytes',
        inputs: [{ name: 'INPUT0', datatype: 'BYTES', shape: [1] }],
        raw_input_contents: [Buffer.concat([length, bad])],
      });
      expect(raw).toContain('input "INPUT0": BYTES element 0 is not valid UTF-8');
    });

    it('integers outside their datatype', async () => {
      const int8 = await invalid({
        model_name: 'identity_int8',
        inputs: [{ name: 'INPUT0', datatype: 'INT8', shape: [2], contents: { int_contents: [1, 300] } }],
      });
      expect(int8).toBe('input "INPUT0": element 1 expected an integer from -128 to 127 (INT8), got 300');
      const uint16 = await invalid({
        model_name: 'identity_uint16',
        inputs: [{ name: 'INPUT0', datatype: 'UINT16', shape: [1], contents: { uint_contents: [70000] } }],
      });
      expect(uint16).toContain('expected an integer from 0 to 65535 (UINT16), got 70000');
    });

    it("data in another datatype's field", async () => {
      expect(await invalid(one({ contents: { fp32_contents: [1, 2] } }))).toBe(
        'input "INPUT0": INT32 data goes in contents.int_contents, got 2 elements in contents.fp32_contents',
      );
    });

    it('bad heads: negative dimension, unknown datatype, empty name, duplicate name, no inputs', async () => {
      expect(await invalid(one({ shape: [-1], contents: { int_contents: [1] } }))).toContain(
        'dimension 0 expected a non-negative integer, got -1',
      );
      expect(await invalid(one({ datatype: 'BF16' }))).toContain('input "INPUT0": datatype expected one of');
      expect(await invalid(one({ name: '' }))).toContain('inputs[0].name: expected a non-empty string');
      const input = { name: 'INPUT0', datatype: 'INT32', shape: [1], contents: { int_contents: [1] } };
      expect(await invalid({ model_name: 'identity_int32', inputs: [input, input] })).toContain(
        'given twice (inputs[0] and inputs[1])',
      );
      expect(await invalid({ model_name: 'identity_int32', inputs: [] })).toContain(
        'inputs: expected at least one',
      );
    });

    it('inputs that do not fit the model signature', async () => {
      expect(await invalid({ ...simpleTyped, inputs: [simpleTyped.inputs[0]] })).toContain(
        'input "INPUT1": missing',
      );
      expect(
        await invalid({
          ...simpleTyped,
          inputs: [
            { ...simpleTyped.inputs[0], datatype: 'FP32', contents: { fp32_contents: a } },
            simpleTyped.inputs[1],
          ],
        }),
      ).toBe('input "INPUT0": expected datatype INT32, got FP32');
    });

    it('a shape above the element limit is RESOURCE_EXHAUSTED, before any data is read', async () => {
      const e = await grpcErrorOf(infer(one({ shape: [1 << 20, 1 << 20] })));
      expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
    });
  });
});
