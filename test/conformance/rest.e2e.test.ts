/**
 * Open Inference Protocol conformance over REST, against a real `kiln serve`: every datatype at the
 * edges of its range through `all_types` (JSON, and the binary tensor extension both ways),
 * output selection, ids, parameters, metadata, readiness, statistics, the dynamic batcher splitting
 * 32 concurrent requests back to their own callers, and the raw binary request form. What is
 * expected is written here from the spec (`docs/serving.md`, Triton's binary extension), never
 * computed by Kiln's own codecs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverChildren } from '../support/run-kiln.js';
import {
  allTypesJsonObject,
  allTypesJsonRequest,
  big,
  binaryInput,
  DATATYPES,
  type Datatype,
  expectJsonOutput,
  JSON_EDGES,
  TEXTS,
  withLiterals,
} from './all-types-cases.js';
import { type ConformanceKiln, startConformanceKiln } from './conformance-kiln.js';
import {
  binaryBody,
  bytesElements,
  dataLiterals,
  type InferAnswer,
  inferJson,
  keepAliveAgent,
  leBytes,
  parseBinaryResponse,
  send,
} from './v2-http.js';

let k: ConformanceKiln;

beforeAll(async () => {
  k = await startConformanceKiln('conf-rest', {
    models: ['simple', 'all_types', 'bytes_identity', 'mlp_small', 'fixed_batch'],
    deployments: [
      {
        name: 'simple',
        model: 'simple@1',
        flags: ['--max-batch-size', '8', '--max-queue-delay-us', '200', '--workers', '0'],
      },
      // A long queue delay makes merging certain, so the split back to callers is exercised for real.
      {
        name: 'simple_wait',
        model: 'simple@1',
        flags: ['--max-batch-size', '8', '--max-queue-delay-us', '100000', '--workers', '2'],
      },
      { name: 'all_types', model: 'all_types@1', flags: ['--workers', '0'] },
      { name: 'text', model: 'bytes_identity@1', flags: ['--workers', '0'] },
      {
        name: 'text_wait',
        model: 'bytes_identity@1',
        flags: ['--max-batch-size', '8', '--max-queue-delay-us', '100000', '--workers', '0'],
      },
      { name: 'mlp', model: 'mlp_small@1', flags: ['--max-batch-size', '8', '--workers', '2'] },
      { name: 'fixed', model: 'fixed_batch@1', flags: ['--workers', '0'] },
    ],
  });
}, 120_000);

afterAll(async () => {
  await k?.close();
  killLeftoverChildren();
});

const infer = (model: string, body: Record<string, unknown> | string, headers: Record<string, string> = {}) =>
  inferJson(k.url, `/v2/models/${model}/infer`, body, { ...k.auth, ...headers });
const get = (path: string, headers: Record<string, string> = k.auth) => send(`${k.url}${path}`, { headers });

/** One entry of Triton's `model_stats`. */
interface ModelStats {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: Record<'success' | 'fail' | 'queue' | 'compute_infer', { count: number; ns: number }>;
}

describe('every datatype through all_types', () => {
  it('JSON: values at the edges of each type come back exactly (64-bit exact, FP16 rounded to nearest even)', async () => {
    const res = await infer('all_types', allTypesJsonRequest());
    expect(res.status, res.text()).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<InferAnswer>();
    expect(body.model_name).toBe('all_types');
    expect(body.outputs.map((o) => o.name).sort()).toEqual(DATATYPES.map((d) => `out_${d}`).sort());
    for (const dt of DATATYPES) expectJsonOutput(res.text(), body, dt);
  });

  it.each([
    ['BOOL', 1, 'true or false'],
    ['UINT8', 256, '255'],
    ['UINT16', -1, '65535'],
    ['UINT32', 4294967296, '4294967295'],
    ['UINT64', big('18446744073709551616'), '18446744073709551615'],
    ['INT8', -129, '-128'],
    ['INT16', 32768, '32767'],
    ['INT32', -2147483649, '-2147483648'],
    ['INT64', big('9223372036854775808'), '9223372036854775807'],
    ['INT32', 1.5, 'integer'],
    ['FP32', 'one', 'a number'],
    ['BYTES', 7, 'a string'],
  ] as const)(
    'JSON: a %s element past its range or of the wrong kind (%s) → 400 naming the tensor and element',
    async (dt, bad, mention) => {
      const body = allTypesJsonObject();
      const input = body.inputs.find((i) => i.name === `in_${dt}`)!;
      input.data = [...input.data.slice(0, -1), bad];
      const res = await infer('all_types', withLiterals(body));
      expect(res.status, res.text()).toBe(400);
      const err = res.json<{ error: string; code: string }>();
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.error).toContain(`"in_${dt}"`);
      expect(err.error).toContain(`element ${input.data.length - 1}`);
      expect(err.error).toContain(mention);
    },
  );

  it('binary extension: every input as a blob, every output requested binary, bytes identical', async () => {
    const blobs: Buffer[] = [];
    const inputs = DATATYPES.map((dt) => {
      const { count, bytes } = binaryInput(dt);
      blobs.push(bytes);
      return {
        name: `in_${dt}`,
        datatype: dt,
        shape: [count],
        parameters: { binary_data_size: bytes.length },
      };
    });
    const { body, headerLength } = binaryBody(
      { id: 'bin-1', inputs, parameters: { binary_data_output: true } },
      blobs,
    );
    const res = await send(`${k.url}/v2/models/all_types/infer`, {
      method: 'POST',
      headers: {
        ...k.auth,
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
      },
      body,
    });
    expect(res.status, res.text()).toBe(200);
    const { header, blobs: out } = parseBinaryResponse(res);
    expect(header.id).toBe('bin-1');
    expect(Number(res.headers['inference-header-content-length'])).toBeLessThan(res.body.length);
    DATATYPES.forEach((dt, i) => {
      const entry = header.outputs.find((o) => o.name === `out_${dt}`)!;
      expect(entry, dt).toMatchObject({ datatype: dt, shape: [inputs[i].shape[0]] });
      expect(entry.data, `${dt}: a binary output carries no data`).toBeUndefined();
      expect(entry.parameters?.binary_data_size, dt).toBe(blobs[i].length);
      expect(out.get(`out_${dt}`)!.equals(blobs[i]), `${dt} bytes`).toBe(true);
    });
  });

  it('binary extension: binary and JSON inputs mixed, per-output binary_data overriding binary_data_output', async () => {
    const binaryTypes = new Set<Datatype>(['INT64', 'FP16', 'BYTES', 'UINT8']);
    const blobs: Buffer[] = [];
    const inputs = DATATYPES.map((dt) => {
      if (!binaryTypes.has(dt)) {
        return {
          name: `in_${dt}`,
          datatype: dt,
          shape: [JSON_EDGES[dt].send.length],
          data: JSON_EDGES[dt].send,
        };
      }
      const { count, bytes } = binaryInput(dt);
      blobs.push(bytes);
      return {
        name: `in_${dt}`,
        datatype: dt,
        shape: [count],
        parameters: { binary_data_size: bytes.length },
      };
    });
    const header = {
      inputs,
      parameters: { binary_data_output: true },
      outputs: [
        { name: 'out_FP16', parameters: { binary_data: true } },
        { name: 'out_BYTES' }, // takes the request's default: binary
        { name: 'out_INT32', parameters: { binary_data: false } },
        { name: 'out_UINT64', parameters: { binary_data: false } },
      ],
    };
    const json = Buffer.from(withLiterals(header), 'utf8');
    const res = await send(`${k.url}/v2/models/all_types/infer`, {
      method: 'POST',
      headers: { ...k.auth, 'inference-header-content-length': String(json.length) },
      body: Buffer.concat([json, ...blobs]),
    });
    expect(res.status, res.text()).toBe(200);
    const { header: h, blobs: out } = parseBinaryResponse(res);
    expect(h.outputs.map((o) => o.name).sort()).toEqual(['out_BYTES', 'out_FP16', 'out_INT32', 'out_UINT64']);
    expect([...out.keys()].sort()).toEqual(['out_BYTES', 'out_FP16']);
    expect(out.get('out_FP16')!.equals(binaryInput('FP16').bytes)).toBe(true);
    expect(out.get('out_BYTES')!.equals(bytesElements(TEXTS))).toBe(true);
    const headerText = res.body
      .subarray(0, Number(res.headers['inference-header-content-length']))
      .toString('utf8');
    expect(dataLiterals(headerText, 'out_INT32')).toEqual(JSON_EDGES.INT32.expect);
    expect(dataLiterals(headerText, 'out_UINT64')).toEqual(JSON_EDGES.UINT64.expect);
  });

  it('a JSON request may ask for one output in binary (no Inference-Header-Content-Length sent)', async () => {
    const res = await infer(
      'all_types',
      allTypesJsonRequest({
        outputs: [{ name: 'out_INT16', parameters: { binary_data: true } }, { name: 'out_BOOL' }],
      }),
    );
    expect(res.status, res.text()).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/octet-stream/);
    const { header, blobs } = parseBinaryResponse(res);
    expect(blobs.get('out_INT16')!.equals(leBytes('INT16', [-32768, 32767]))).toBe(true);
    expect(header.outputs.find((o) => o.name === 'out_BOOL')!.data).toEqual([true, false, true]);
  });

  it('BYTES: non-ASCII text round-trips through JSON and binary on a BYTES-only model', async () => {
    const json = await infer('text', {
      inputs: [{ name: 'TEXT', shape: [TEXTS.length], datatype: 'BYTES', data: TEXTS }],
    });
    expect(json.status, json.text()).toBe(200);
    expect(json.json<InferAnswer>().outputs).toEqual([
      { name: 'TEXT_OUT', datatype: 'BYTES', shape: [TEXTS.length], data: TEXTS },
    ]);
    // Raw binary request: the body is the one input; the element count comes from the lengths.
    const raw = await send(`${k.url}/v2/models/text/infer`, {
      method: 'POST',
      headers: {
        ...k.auth,
        'inference-header-content-length': '0',
        'content-type': 'application/octet-stream',
      },
      body: bytesElements(TEXTS),
    });
    expect(raw.status, raw.text()).toBe(200);
    const { header, blobs } = parseBinaryResponse(raw);
    expect(header.outputs[0]).toMatchObject({ name: 'TEXT_OUT', datatype: 'BYTES', shape: [TEXTS.length] });
    expect(blobs.get('TEXT_OUT')!.equals(bytesElements(TEXTS))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// simple: INT32 [-1,16] INPUT0, INPUT1 → OUTPUT0 = sum, OUTPUT1 = difference.

function rows(n: number, f: (r: number, c: number) => number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: 16 }, (_, c) => f(r, c)));
}

function simpleRequest(a: number[][], b: number[][], nested = true): Record<string, unknown> {
  const shape = [a.length, 16];
  return {
    inputs: [
      { name: 'INPUT0', shape, datatype: 'INT32', data: nested ? a : a.flat() },
      { name: 'INPUT1', shape, datatype: 'INT32', data: nested ? b : b.flat() },
    ],
  };
}

function expectSumAndDifference(body: InferAnswer, a: number[][], b: number[][]): void {
  const o0 = body.outputs.find((o) => o.name === 'OUTPUT0')!;
  const o1 = body.outputs.find((o) => o.name === 'OUTPUT1')!;
  expect(o0).toMatchObject({ datatype: 'INT32', shape: [a.length, 16] });
  expect(o1).toMatchObject({ datatype: 'INT32', shape: [a.length, 16] });
  expect(o0.data).toEqual(a.flat().map((x, i) => x + b.flat()[i]));
  expect(o1.data).toEqual(a.flat().map((x, i) => x - b.flat()[i]));
}

describe('the inference request', () => {
  it('takes data nested, flat, or partly flattened (rows of a [2,16] tensor)', async () => {
    const a = rows(2, (r, c) => r * 100 + c);
    const b = rows(2, (r, c) => c - r);
    for (const body of [simpleRequest(a, b, true), simpleRequest(a, b, false)]) {
      const res = await infer('simple', body);
      expect(res.status, res.text()).toBe(200);
      expectSumAndDifference(res.json<InferAnswer>(), a, b);
    }
    // Partly flattened: [[16 values], [16 values]] for shape [2,16] is the nested form; [2,2,8] data
    // given as two rows of 16 is "partly flattened". simple is rank 2, so send one nested row per batch.
    const res = await infer('simple', {
      inputs: [
        { name: 'INPUT0', shape: [2, 16], datatype: 'INT32', data: [a[0], a[1]] },
        { name: 'INPUT1', shape: [2, 16], datatype: 'INT32', data: b.flat() },
      ],
    });
    expect(res.status, res.text()).toBe(200);
    expectSumAndDifference(res.json<InferAnswer>(), a, b);
  });

  it('selects outputs: only those asked for are returned', async () => {
    const a = rows(1, (_r, c) => c);
    const b = rows(1, () => 3);
    const res = await infer('simple', { ...simpleRequest(a, b), outputs: [{ name: 'OUTPUT1' }] });
    expect(res.status, res.text()).toBe(200);
    const body = res.json<InferAnswer>();
    expect(body.outputs.map((o) => o.name)).toEqual(['OUTPUT1']);
    expect(body.outputs[0].data).toEqual(a[0].map((x) => x - 3));
    // An empty list means all outputs, as when it is omitted.
    const all = await infer('simple', { ...simpleRequest(a, b), outputs: [] });
    expect(
      all
        .json<InferAnswer>()
        .outputs.map((o) => o.name)
        .sort(),
    ).toEqual(['OUTPUT0', 'OUTPUT1']);
  });

  it('echoes the id, and makes one when none is sent', async () => {
    const a = rows(1, () => 1);
    const id = 'req-42 ünïcödé/🙂';
    const res = await infer('simple', { id, ...simpleRequest(a, a) });
    expect(res.json<InferAnswer>()).toMatchObject({ id, model_name: 'simple', model_version: '1' });
    const [x, y] = await Promise.all([
      infer('simple', simpleRequest(a, a)),
      infer('simple', simpleRequest(a, a)),
    ]);
    const idX = x.json<InferAnswer>().id;
    const idY = y.json<InferAnswer>().id;
    expect(typeof idX).toBe('string');
    expect(idX.length).toBeGreaterThan(0);
    expect(idX).not.toBe(idY);
  });

  it('accepts parameters at request, input and output level (Triton and MLServer keys included)', async () => {
    const a = rows(1, (_r, c) => c * 7);
    const b = rows(1, (_r, c) => -c);
    const body = withLiterals({
      id: 'with-params',
      parameters: {
        sequence_id: 0,
        priority: 1,
        timeout: 1000000,
        content_type: 'np',
        flag: false,
        ratio: 0.25,
        huge: big('18446744073709551615'),
        triton_enable_empty_final_response: true,
      },
      inputs: [
        {
          name: 'INPUT0',
          shape: [1, 16],
          datatype: 'INT32',
          data: a,
          parameters: { content_type: 'np', n: -1 },
        },
        { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: b, parameters: {} },
      ],
      outputs: [
        { name: 'OUTPUT0', parameters: { binary_data: false, classification: 0, note: 'x' } },
        { name: 'OUTPUT1' },
      ],
    });
    const res = await infer('simple', body);
    expect(res.status, res.text()).toBe(200);
    expect(res.json<InferAnswer>().id).toBe('with-params');
    expectSumAndDifference(res.json<InferAnswer>(), a, b);
  });

  it('a binary-extension body with no blobs (the header length is the whole body) is plain JSON', async () => {
    const a = rows(1, (_r, c) => c + 1);
    const body = JSON.stringify(simpleRequest(a, a));
    const res = await send(`${k.url}/v2/models/simple/infer`, {
      method: 'POST',
      headers: { ...k.auth, 'inference-header-content-length': String(Buffer.byteLength(body)) },
      body,
    });
    expect(res.status, res.text()).toBe(200);
    expectSumAndDifference(res.json<InferAnswer>(), a, a);
  });

  it('ignores unknown query parameters (Triton clients send test_1/test_2)', async () => {
    const a = rows(1, (_r, c) => c);
    const res = await inferJson(
      k.url,
      '/v2/models/simple/infer?test_1=1&test_2=2',
      simpleRequest(a, a),
      k.auth,
    );
    expect(res.status, res.text()).toBe(200);
    expectSumAndDifference(res.json<InferAnswer>(), a, a);
  });

  it('answers on the versioned path for the version served', async () => {
    const a = rows(1, (_r, c) => 2 * c);
    const res = await inferJson(k.url, '/v2/models/simple/versions/1/infer', simpleRequest(a, a), k.auth);
    expect(res.status, res.text()).toBe(200);
    expect(res.json<InferAnswer>()).toMatchObject({ model_name: 'simple', model_version: '1' });
  });
});

describe('metadata, readiness and statistics', () => {
  it('health is open: live and ready answer 200 without a token', async () => {
    expect((await get('/v2/health/live', {})).status).toBe(200);
    expect((await get('/v2/health/ready', {})).status).toBe(200);
  });

  it('GET /v2: server metadata with the extensions Kiln implements', async () => {
    const res = await get('/v2');
    expect(res.status).toBe(200);
    const body = res.json<{ name: string; version: string; extensions: string[] }>();
    expect(body.name).toBe('kiln');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.extensions).toEqual(expect.arrayContaining(['binary_tensor_data', 'model_stats']));
    expect((await get('/v2', {})).status).toBe(401);
  });

  it('model metadata: inputs and outputs with -1 for dynamic dimensions, versions, platform', async () => {
    const expected = {
      name: 'simple',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'INPUT0', datatype: 'INT32', shape: [-1, 16] },
        { name: 'INPUT1', datatype: 'INT32', shape: [-1, 16] },
      ],
      outputs: [
        { name: 'OUTPUT0', datatype: 'INT32', shape: [-1, 16] },
        { name: 'OUTPUT1', datatype: 'INT32', shape: [-1, 16] },
      ],
    };
    for (const path of ['/v2/models/simple', '/v2/models/simple/versions/1']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.json()).toEqual(expected);
    }
    const fixed = (await get('/v2/models/fixed')).json<{ inputs: unknown[] }>();
    expect(fixed.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [1, 4] }]);
    const types = (await get('/v2/models/all_types')).json<{
      inputs: { name: string; datatype: string; shape: number[] }[];
    }>();
    expect(types.inputs.map((i) => [i.name, i.datatype, i.shape])).toEqual(
      DATATYPES.map((d) => [`in_${d}`, d, [-1]]),
    );

    const other = await get('/v2/models/simple/versions/2');
    expect(other.status).toBe(404);
    expect(other.json()).toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
    expect(other.json<{ error: string }>().error).toMatch(/^Request for unknown model/);
  });

  it('model ready: 200 for a served model and its version, 404 for an unknown one', async () => {
    for (const path of ['/v2/models/simple/ready', '/v2/models/simple/versions/1/ready']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.json()).toMatchObject({ name: 'simple', ready: true });
    }
    const unknown = await get('/v2/models/nope/ready');
    expect(unknown.status).toBe(404);
    expect(unknown.json<{ error: string; code: string }>()).toMatchObject({ code: 'DEPLOYMENT_NOT_FOUND' });
  });

  it('statistics: Triton model_stats, one entry per model, counting successes and failures', async () => {
    const before = (await get('/v2/models/mlp/stats')).json<{ model_stats: ModelStats[] }>();
    expect(before.model_stats).toHaveLength(1);
    const s0 = before.model_stats[0];
    const x = Array.from({ length: 30 }, (_, i) => i / 30);
    const ok = await infer('mlp', {
      inputs: [{ name: 'x', shape: [2, 30], datatype: 'FP32', data: [...x, ...x] }],
    });
    expect(ok.status, ok.text()).toBe(200);
    const bad = await infer('mlp', { inputs: [{ name: 'x', shape: [1, 30], datatype: 'FP64', data: x }] });
    expect(bad.status).toBe(400);

    const res = await get('/v2/models/mlp/stats');
    expect(res.status).toBe(200);
    const stats = res.json<{ model_stats: ModelStats[] }>().model_stats;
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ name: 'mlp', version: '1' });
    expect(stats[0].inference_stats.success.count).toBe(s0.inference_stats.success.count + 1);
    expect(stats[0].inference_stats.fail.count).toBe(s0.inference_stats.fail.count + 1);
    expect(stats[0].inference_count).toBe(s0.inference_count + 2);
    expect(stats[0].execution_count).toBe(s0.execution_count + 1);
    expect(stats[0].last_inference).toBeGreaterThan(0);
    for (const key of ['success', 'fail', 'queue', 'compute_infer'] as const) {
      expect(stats[0].inference_stats[key]).toEqual({ count: expect.any(Number), ns: expect.any(Number) });
    }

    const all = (await get('/v2/models/stats')).json<{ model_stats: { name: string }[] }>();
    expect(all.model_stats.map((m) => m.name).sort()).toEqual(
      ['all_types', 'fixed', 'mlp', 'simple', 'simple_wait', 'text', 'text_wait'].sort(),
    );
  });
});

describe('the dynamic batcher', () => {
  it.each(['simple', 'simple_wait'])(
    '%s: 32 concurrent requests with distinct data each get their own answer',
    async (model) => {
      const agent = keepAliveAgent(32);
      const statsOf = async () =>
        (await get(`/v2/models/${model}/stats`)).json<{ model_stats: ModelStats[] }>().model_stats[0];
      const before = await statsOf();
      const cases = Array.from({ length: 32 }, (_, i) => {
        // 1, 2 or 3 rows, and now and then none: merged batches of uneven requests.
        const n = i % 8 === 7 ? 0 : (i % 3) + 1;
        return {
          id: `${model}-${i}`,
          a: rows(n, (r, c) => i * 1000 + r * 100 + c),
          b: rows(n, (r, c) => (i % 2 === 0 ? 1 : -1) * (i + r + c)),
        };
      });
      const answers = await Promise.all(
        cases.map((c) =>
          send(`${k.url}/v2/models/${model}/infer`, {
            method: 'POST',
            agent,
            headers: { ...k.auth, 'content-type': 'application/json' },
            body: JSON.stringify({ id: c.id, ...simpleRequest(c.a, c.b, false) }),
          }),
        ),
      );
      agent.destroy();
      answers.forEach((res, i) => {
        expect(res.status, res.text()).toBe(200);
        const body = res.json<InferAnswer>();
        expect(body.id).toBe(cases[i].id);
        expectSumAndDifference(body, cases[i].a, cases[i].b);
      });
      const after = await statsOf();
      const rowsSent = cases.reduce((sum, c) => sum + c.a.length, 0);
      expect(after.inference_count - before.inference_count).toBe(rowsSent);
      expect(after.inference_stats.success.count - before.inference_stats.success.count).toBe(32);
      const executions = after.execution_count - before.execution_count;
      expect(executions).toBeGreaterThanOrEqual(Math.ceil(rowsSent / 8));
      expect(executions).toBeLessThanOrEqual(32);
      // With a 100 ms queue delay, requests that arrive together are merged.
      if (model === 'simple_wait') expect(executions).toBeLessThan(32);
    },
  );

  it('requests merged into one batch may each select other outputs, in JSON or binary', async () => {
    const agent = keepAliveAgent(16);
    const choices: {
      outputs?: { name: string; parameters?: { binary_data: boolean } }[];
      binary?: boolean;
    }[] = [
      {},
      { outputs: [{ name: 'OUTPUT0' }] },
      { outputs: [{ name: 'OUTPUT1' }] },
      { outputs: [{ name: 'OUTPUT1', parameters: { binary_data: true } }, { name: 'OUTPUT0' }] },
      { binary: true },
      { binary: true, outputs: [{ name: 'OUTPUT0', parameters: { binary_data: false } }] },
    ];
    const cases = Array.from({ length: 16 }, (_, i) => ({
      i,
      choice: choices[i % choices.length],
      a: rows(1 + (i % 2), (r, c) => i * 64 + r * 16 + c),
      b: rows(1 + (i % 2), (r, c) => i - r - c),
    }));
    const answers = await Promise.all(
      cases.map((c) =>
        send(`${k.url}/v2/models/simple_wait/infer`, {
          method: 'POST',
          agent,
          headers: { ...k.auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: `mix-${c.i}`,
            ...simpleRequest(c.a, c.b),
            ...(c.choice.outputs ? { outputs: c.choice.outputs } : {}),
            ...(c.choice.binary ? { parameters: { binary_data_output: true } } : {}),
          }),
        }),
      ),
    );
    agent.destroy();
    answers.forEach((res, n) => {
      const { i, choice, a, b } = cases[n];
      expect(res.status, res.text()).toBe(200);
      const binary = res.headers['inference-header-content-length'] !== undefined;
      const { header, blobs } = binary
        ? parseBinaryResponse(res)
        : { header: res.json<InferAnswer>(), blobs: new Map<string, Buffer>() };
      expect(header.id).toBe(`mix-${i}`);
      const wanted = choice.outputs?.map((o) => o.name) ?? ['OUTPUT0', 'OUTPUT1'];
      expect(header.outputs.map((o) => o.name).sort()).toEqual([...wanted].sort());
      const expected: Record<string, number[]> = {
        OUTPUT0: a.flat().map((x, j) => x + b.flat()[j]),
        OUTPUT1: a.flat().map((x, j) => x - b.flat()[j]),
      };
      for (const o of header.outputs) {
        const own = choice.outputs?.find((x) => x.name === o.name)?.parameters?.binary_data;
        const asBinary = own ?? choice.binary ?? false;
        expect(o.shape, `mix-${i} ${o.name}`).toEqual([a.length, 16]);
        if (asBinary) {
          const blob = blobs.get(o.name)!;
          expect(Array.from({ length: blob.length / 4 }, (_, j) => blob.readInt32LE(j * 4))).toEqual(
            expected[o.name],
          );
        } else {
          expect(o.data, `mix-${i} ${o.name}`).toEqual(expected[o.name]);
        }
      }
    });
  });

  it('BYTES requests merged into one batch each get their own strings back', async () => {
    const agent = keepAliveAgent(16);
    const cases = Array.from({ length: 16 }, (_, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, j) => `req ${i} · élément ${j} · ${'🙂'.repeat(i % 4)}`),
    );
    const answers = await Promise.all(
      cases.map((texts, i) =>
        send(`${k.url}/v2/models/text_wait/infer`, {
          method: 'POST',
          agent,
          headers: { ...k.auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: `t${i}`,
            inputs: [{ name: 'TEXT', shape: [texts.length], datatype: 'BYTES', data: texts }],
          }),
        }),
      ),
    );
    agent.destroy();
    answers.forEach((res, i) => {
      expect(res.status, res.text()).toBe(200);
      expect(res.json<InferAnswer>()).toMatchObject({
        id: `t${i}`,
        outputs: [{ name: 'TEXT_OUT', datatype: 'BYTES', shape: [cases[i].length], data: cases[i] }],
      });
    });
    const stats = (await get('/v2/models/text_wait/stats')).json<{ model_stats: ModelStats[] }>()
      .model_stats[0];
    expect(stats.execution_count).toBeLessThan(16);
  });
});

describe('the raw binary request (Inference-Header-Content-Length: 0)', () => {
  it('mlp_small: the body is the one FP32 input; the batch comes from its size; outputs are binary', async () => {
    const r0 = Array.from({ length: 30 }, (_, i) => Math.fround(Math.sin(i) * 2));
    const r1 = Array.from({ length: 30 }, (_, i) => Math.fround(i / 7 - 2));
    const res = await send(`${k.url}/v2/models/mlp/infer`, {
      method: 'POST',
      headers: {
        ...k.auth,
        'inference-header-content-length': '0',
        'content-type': 'application/octet-stream',
      },
      body: leBytes('FP32', [...r0, ...r1]),
    });
    expect(res.status, res.text()).toBe(200);
    const { header, blobs } = parseBinaryResponse(res);
    expect(header).toMatchObject({ model_name: 'mlp', model_version: '1' });
    expect(header.outputs).toEqual([
      { name: 'y', datatype: 'FP32', shape: [2, 1], parameters: { binary_data_size: 8 } },
    ]);
    const y = blobs.get('y')!;
    const raw = [y.readFloatLE(0), y.readFloatLE(4)];
    // The same rows through JSON give the same numbers: the raw body was read as those rows.
    const json = await infer('mlp', {
      inputs: [{ name: 'x', shape: [2, 30], datatype: 'FP32', data: [r0, r1] }],
    });
    expect(json.status, json.text()).toBe(200);
    expect(json.json<InferAnswer>().outputs[0].data).toEqual(raw);
    for (const v of raw) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    expect(raw[0]).not.toBe(raw[1]);
  });

  it('fixed_batch: a fully fixed shape [1,4] is taken as is (Relu)', async () => {
    const res = await send(`${k.url}/v2/models/fixed/infer`, {
      method: 'POST',
      headers: { ...k.auth, 'inference-header-content-length': '0' },
      body: leBytes('FP32', [-1.5, 0, 2.25, -3]),
    });
    expect(res.status, res.text()).toBe(200);
    const { header, blobs } = parseBinaryResponse(res);
    expect(header.outputs[0]).toMatchObject({ name: 'output', datatype: 'FP32', shape: [1, 4] });
    const out = blobs.get('output')!;
    expect([0, 4, 8, 12].map((at) => out.readFloatLE(at))).toEqual([0, 0, 2.25, 0]);
  });
});
