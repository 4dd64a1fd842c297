/**
 * Bad inference requests against a real `kiln serve` (REST), each made for real: malformed JSON,
 * broken binary bodies and `Inference-Header-Content-Length` values, bad shapes, data that does not
 * fit its shape and datatype, bodies over the limit (sent with Content-Length and chunked), unknown
 * models and versions, a deployment that is not ready — then 1,000 garbage requests in a row.
 * Each answer is a 4xx (503 where the protocol says so) with a `{error, code}` body whose message
 * names the field or tensor, and the next valid request is answered correctly.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverChildren, waitUntil } from '../support/run-kiln.js';
import { type ConformanceKiln, startConformanceKiln } from './conformance-kiln.js';
import { garbageRequest, validSimpleRequest } from './garbage.js';
import {
  binaryBody,
  bytesElements,
  type HttpAnswer,
  type InferAnswer,
  inferJson,
  keepAliveAgent,
  leBytes,
  send,
} from './v2-http.js';

const BODY_LIMIT = 65_536;
let k: ConformanceKiln;

beforeAll(async () => {
  k = await startConformanceKiln('conf-bad', {
    models: ['simple', 'mlp_small', 'fixed_batch', 'bytes_identity'],
    aliases: [['mlp_small', 'gone', 1]],
    deployments: [
      {
        name: 'simple',
        model: 'simple@1',
        flags: ['--max-batch-size', '8', '--max-queue-delay-us', '200', '--workers', '0'],
      },
      { name: 'mlp', model: 'mlp_small@1', flags: ['--workers', '0'] },
      { name: 'fixed', model: 'fixed_batch@1', flags: ['--workers', '0'] },
      { name: 'text', model: 'bytes_identity@1', flags: ['--workers', '0'] },
      // Room for one waiting request, held up to 3 s for a batch to fill.
      {
        name: 'queue1',
        model: 'simple@1',
        flags: [
          '--max-batch-size',
          '8',
          '--max-queue-delay-us',
          '3000000',
          '--max-queue-size',
          '1',
          '--workers',
          '0',
        ],
      },
      // Follows an alias removed before the server starts: it cannot resolve, so it never loads.
      { name: 'ghost', model: 'mlp_small@gone', flags: ['--workers', '0'] },
    ],
    removeAliases: [['mlp_small', 'gone']],
    serveEnv: { KILN_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
  });
}, 120_000);

afterAll(async () => {
  await k?.close();
  killLeftoverChildren();
});

const SIMPLE = '/v2/models/simple/infer';
const row = Array.from({ length: 16 }, (_, c) => c * 5 - 7);

function post(
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return send(`${k.url}${path}`, { method: 'POST', headers: { ...k.auth, ...headers }, body });
}

/** The answer is `status` with exactly `{error, code}`, and the message names every `mention`. */
function expectV2Error(
  res: HttpAnswer,
  status: number,
  code: string,
  mention: readonly string[] = [],
): string {
  expect(res.status, res.text()).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<Record<string, unknown>>();
  expect(Object.keys(body).sort()).toEqual(['code', 'error']);
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe('string');
  for (const m of mention) expect(body.error).toContain(m);
  if (status === 503) expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  return body.error as string;
}

let afterCount = 0;
/** A valid request right after a bad one: answered, and answered correctly. */
async function stillWorks(): Promise<void> {
  afterCount += 1;
  const b = row.map((x) => x * afterCount);
  const res = await inferJson(
    k.url,
    SIMPLE,
    {
      id: `after-${afterCount}`,
      inputs: [
        { name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: row },
        { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: b },
      ],
    },
    k.auth,
  );
  expect(res.status, res.text()).toBe(200);
  const body = res.json<InferAnswer>();
  expect(body.id).toBe(`after-${afterCount}`);
  expect(body.outputs.find((o) => o.name === 'OUTPUT0')!.data).toEqual(row.map((x, i) => x + b[i]));
  expect(body.outputs.find((o) => o.name === 'OUTPUT1')!.data).toEqual(row.map((x, i) => x - b[i]));
}

function simpleWith(input0: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...extra,
    inputs: [
      { name: 'INPUT0', datatype: 'INT32', ...input0 },
      { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: row },
    ],
  });
}

describe('malformed bodies', () => {
  it.each([
    [
      'cut short',
      '{"inputs": [{"name": "INPUT0", "shape": [1, 16]',
      ['request body', 'not valid JSON', 'position'],
    ],
    ['a trailing comma', '{"inputs": [],}', ['request body', 'position']],
    ['empty', '', ['request body']],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), ['request body', 'UTF-8']],
  ] as const)('malformed JSON (%s) → 400 INVALID_JSON', async (_what, body, mention) => {
    expectV2Error(
      await post(SIMPLE, body as string | Buffer, { 'content-type': 'application/json' }),
      400,
      'INVALID_JSON',
      mention,
    );
    await stillWorks();
  });

  it('JSON that is not a request object → 400 naming what is wrong', async () => {
    expectV2Error(await post(SIMPLE, '[1,2,3]'), 400, 'INVALID_ARGUMENT', ['request body']);
    expectV2Error(await post(SIMPLE, '{"inputs": []}'), 400, 'INVALID_ARGUMENT', ['inputs']);
    expectV2Error(
      await post(SIMPLE, simpleWith({ shape: [1, 16], data: row }, { input: [] })),
      400,
      'INVALID_ARGUMENT',
      ['"input"'],
    );
    await stillWorks();
  });

  it('a truncated binary body → 400 naming the inputs and saying it is truncated', async () => {
    const header = {
      inputs: [
        { name: 'INPUT0', shape: [1, 16], datatype: 'INT32', parameters: { binary_data_size: 64 } },
        { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', parameters: { binary_data_size: 64 } },
      ],
    };
    const { body, headerLength } = binaryBody(header, [leBytes('INT32', row), leBytes('INT32', row)]);
    const cut = body.subarray(0, body.length - 30);
    expectV2Error(
      await post(SIMPLE, cut, { 'inference-header-content-length': String(headerLength) }),
      400,
      'INVALID_ARGUMENT',
      ['INPUT0', 'INPUT1', 'truncated'],
    );
    await stillWorks();
    // The JSON header itself cut short by a header length that is too small.
    expectV2Error(
      await post(SIMPLE, body, { 'inference-header-content-length': String(headerLength - 5) }),
      400,
      'INVALID_JSON',
      ['JSON header'],
    );
    await stillWorks();
  });

  it.each([
    ['negative', '-5'],
    ['non-numeric', 'abc'],
    ['fractional', '1.5'],
    ['in exponent form', '1e3'],
  ])('Inference-Header-Content-Length %s → 400 naming the header', async (_what, value) => {
    const body = simpleWith({ shape: [1, 16], data: row });
    expectV2Error(
      await post(SIMPLE, body, { 'inference-header-content-length': value }),
      400,
      'INVALID_ARGUMENT',
      ['Inference-Header-Content-Length', JSON.stringify(value)],
    );
    await stillWorks();
  });

  it('Inference-Header-Content-Length larger than the body → 400 giving both sizes', async () => {
    const body = simpleWith({ shape: [1, 16], data: row });
    const length = Buffer.byteLength(body);
    expectV2Error(
      await post(SIMPLE, body, { 'inference-header-content-length': String(length + 1) }),
      400,
      'INVALID_ARGUMENT',
      ['Inference-Header-Content-Length', String(length + 1), `${length} bytes`],
    );
    await stillWorks();
  });
});

describe('shapes, datatypes and data', () => {
  it('a negative dimension → 400 naming the tensor and the dimension', async () => {
    expectV2Error(await post(SIMPLE, simpleWith({ shape: [-1, 16], data: row })), 400, 'INVALID_ARGUMENT', [
      'INPUT0',
      'shape',
      'dimension 0',
    ]);
    await stillWorks();
  });

  it('a huge shape → 413 naming the tensor, before any data is read (JSON and binary)', async () => {
    expectV2Error(
      await post(SIMPLE, simpleWith({ shape: [1e9, 1e9], data: row })),
      413,
      'PAYLOAD_TOO_LARGE',
      ['INPUT0', 'shape', 'limit'],
    );
    await stillWorks();
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          { name: 'INPUT0', shape: [1e9, 1e9], datatype: 'INT32', parameters: { binary_data_size: 64 } },
        ],
      },
      [leBytes('INT32', row)],
    );
    expectV2Error(
      await post(SIMPLE, body, { 'inference-header-content-length': String(headerLength) }),
      413,
      'PAYLOAD_TOO_LARGE',
      ['INPUT0'],
    );
    await stillWorks();
  });

  it.each([
    [
      'JSON: 15 elements for [1,16]',
      simpleWith({ shape: [1, 16], data: row.slice(1) }),
      ['INPUT0', '16', '15'],
    ],
    ['JSON: one row for [2,16]', simpleWith({ shape: [2, 16], data: row }), ['INPUT0', '32']],
    [
      'JSON: ragged rows',
      simpleWith({ shape: [2, 8], data: [row.slice(0, 8), row.slice(0, 7)] }),
      ['INPUT0'],
    ],
    [
      'JSON: FP32 sent to an INT32 input',
      JSON.stringify({
        inputs: [
          { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: row },
          { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: row },
        ],
      }),
      ['INPUT0', 'INT32', 'FP32'],
    ],
    ['JSON: rank 1 for a rank-2 input', simpleWith({ shape: [16], data: row }), ['INPUT0', 'rank']],
    [
      'JSON: a fraction in INT32',
      simpleWith({ shape: [1, 16], data: [0.5, ...row.slice(1)] }),
      ['INPUT0', 'element 0'],
    ],
    [
      'JSON: 2^31 in INT32',
      simpleWith({ shape: [1, 16], data: [...row.slice(1), 2147483648] }),
      ['INPUT0', 'element 15'],
    ],
    [
      'JSON: a batch of 9 above max_batch_size 8',
      JSON.stringify({
        inputs: ['INPUT0', 'INPUT1'].map((name) => ({
          name,
          shape: [9, 16],
          datatype: 'INT32',
          data: new Array(144).fill(1),
        })),
      }),
      ['INPUT0', 'max_batch_size'],
    ],
    [
      'JSON: an input missing',
      JSON.stringify({ inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: row }] }),
      ['INPUT1', 'missing'],
    ],
    [
      'JSON: an unknown output',
      simpleWith({ shape: [1, 16], data: row }, { outputs: [{ name: 'OUTPUT9' }] }),
      ['OUTPUT9'],
    ],
  ] as const)('%s → 400', async (_what, body, mention) => {
    expectV2Error(await post(SIMPLE, body), 400, 'INVALID_ARGUMENT', mention);
    await stillWorks();
  });

  it('binary: blob size not shape × datatype size → 400 naming the tensor and both sizes', async () => {
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          { name: 'INPUT0', shape: [1, 16], datatype: 'INT32', parameters: { binary_data_size: 60 } },
          { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: row },
        ],
      },
      [leBytes('INT32', row).subarray(0, 60)],
    );
    expectV2Error(
      await post(SIMPLE, body, { 'inference-header-content-length': String(headerLength) }),
      400,
      'INVALID_ARGUMENT',
      ['INPUT0', '64', '60'],
    );
    await stillWorks();
  });

  it('a fixed dimension that differs → 400 naming the dimension', async () => {
    const res = await post(
      '/v2/models/fixed/infer',
      JSON.stringify({
        inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: new Array(8).fill(1) }],
      }),
    );
    expectV2Error(res, 400, 'INVALID_ARGUMENT', ['input', 'dimension 0', 'expected 1']);
    await stillWorks();
  });

  it('raw binary: a body that is not whole rows, and a model with two inputs → 400', async () => {
    expectV2Error(
      await post('/v2/models/mlp/infer', Buffer.alloc(100), { 'inference-header-content-length': '0' }),
      400,
      'INVALID_ARGUMENT',
      ['"x"', '100 bytes'],
    );
    expectV2Error(
      await post(SIMPLE, leBytes('INT32', row), { 'inference-header-content-length': '0' }),
      400,
      'INVALID_ARGUMENT',
      ['one input'],
    );
    await stillWorks();
  });

  it('BYTES that are not UTF-8 → 400 naming the element', async () => {
    const bad = Buffer.concat([bytesElements(['fine']), Buffer.from([2, 0, 0, 0, 0xc3, 0x28])]);
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          { name: 'TEXT', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: bad.length } },
        ],
      },
      [bad],
    );
    expectV2Error(
      await post('/v2/models/text/infer', body, { 'inference-header-content-length': String(headerLength) }),
      400,
      'INVALID_ARGUMENT',
      ['TEXT', 'element 1', 'UTF-8'],
    );
    await stillWorks();
  });

  it('BYTES holding U+0000 is refused with 400, never silently cut at the NUL', async () => {
    const texts = ['before', 'a\u0000b', 'after'];
    const json = await post(
      '/v2/models/text/infer',
      JSON.stringify({ inputs: [{ name: 'TEXT', shape: [3], datatype: 'BYTES', data: texts }] }),
    );
    expectV2Error(json, 400, 'INVALID_ARGUMENT', ['TEXT', 'element 1']);
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          {
            name: 'TEXT',
            shape: [3],
            datatype: 'BYTES',
            parameters: { binary_data_size: bytesElements(texts).length },
          },
        ],
      },
      [bytesElements(texts)],
    );
    const binary = await post('/v2/models/text/infer', body, {
      'inference-header-content-length': String(headerLength),
    });
    expectV2Error(binary, 400, 'INVALID_ARGUMENT', ['TEXT', 'element 1']);
    await stillWorks();
    // Text without NUL on the same model is carried exactly.
    const ok = await post(
      '/v2/models/text/infer',
      JSON.stringify({ inputs: [{ name: 'TEXT', shape: [2], datatype: 'BYTES', data: ['a b', 'ü'] }] }),
    );
    expect(ok.json<InferAnswer>().outputs[0].data).toEqual(['a b', 'ü']);
  });
});

describe('bodies over the limit', () => {
  // A valid request, padded with spaces (valid JSON whitespace) past KILN_BODY_LIMIT_BYTES.
  const oversized = `${JSON.stringify(validSimpleRequest()).slice(0, -1)}${' '.repeat(BODY_LIMIT + 1024)}}`;

  it('with Content-Length → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(SIMPLE, oversized, { 'content-type': 'application/json' });
    expectV2Error(res, 413, 'PAYLOAD_TOO_LARGE', [String(BODY_LIMIT), 'server.body_limit_bytes']);
    await stillWorks();
  });

  it('chunked (no Content-Length) → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await send(`${k.url}${SIMPLE}`, {
      method: 'POST',
      headers: { ...k.auth, 'content-type': 'application/json' },
      body: oversized,
      chunkBytes: 4096,
    });
    expectV2Error(res, 413, 'PAYLOAD_TOO_LARGE', [String(BODY_LIMIT)]);
    await stillWorks();
  });

  it('a body just under the limit, chunked, is answered', async () => {
    const under = `${JSON.stringify(validSimpleRequest()).slice(0, -1)}${' '.repeat(BODY_LIMIT - 2048)}}`;
    const res = await send(`${k.url}${SIMPLE}`, {
      method: 'POST',
      headers: { ...k.auth, 'content-type': 'application/json' },
      body: under,
      chunkBytes: 4096,
    });
    expect(res.status, res.text()).toBe(200);
  });
});

describe('unknown and unavailable models', () => {
  it('an unknown model → 404 DEPLOYMENT_NOT_FOUND, "Request for unknown model…"', async () => {
    const res = await post('/v2/models/nope/infer', JSON.stringify(validSimpleRequest()));
    const message = expectV2Error(res, 404, 'DEPLOYMENT_NOT_FOUND', ["'nope'"]);
    expect(message).toMatch(/^Request for unknown model/);
    await stillWorks();
  });

  it('an unknown version → 404 MODEL_VERSION_NOT_FOUND, naming the version', async () => {
    const res = await post('/v2/models/simple/versions/2/infer', JSON.stringify(validSimpleRequest()));
    const message = expectV2Error(res, 404, 'MODEL_VERSION_NOT_FOUND', ['version 2']);
    expect(message).toMatch(/^Request for unknown model/);
    await stillWorks();
  });

  it('a deployment that could not load → 503 DEPLOYMENT_NOT_READY with Retry-After; its ready is 503', async () => {
    const body = JSON.stringify({
      inputs: [{ name: 'x', shape: [1, 30], datatype: 'FP32', data: new Array(30).fill(0) }],
    });
    const res = await post('/v2/models/ghost/infer', body);
    expectV2Error(res, 503, 'DEPLOYMENT_NOT_READY', ["'ghost'", 'failed to load']);
    const ready = await send(`${k.url}/v2/models/ghost/ready`, { headers: k.auth });
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ name: 'ghost', ready: false });
    expectV2Error(await send(`${k.url}/v2/models/ghost`, { headers: k.auth }), 503, 'DEPLOYMENT_NOT_READY', [
      "'ghost'",
    ]);
    // The server as a whole is ready: every deployment was attempted.
    expect((await send(`${k.url}/v2/health/ready`)).status).toBe(200);
    await stillWorks();
  });

  it('a full queue → 503 QUEUE_FULL with Retry-After; the request already queued is answered', async () => {
    const path = '/v2/models/queue1/infer';
    const first = post(path, JSON.stringify({ id: 'queued', ...validSimpleRequest() }));
    const pending = /kiln_inference_pending_requests\{deployment="queue1"[^}]*\} (\d+)/;
    await waitUntil(async () => {
      const m = pending.exec((await send(`${k.url}/metrics`, { headers: k.auth })).text());
      return m !== null && Number(m[1]) === 1;
    }, 'the first request to wait in the queue');
    expectV2Error(await post(path, JSON.stringify(validSimpleRequest())), 503, 'QUEUE_FULL', [
      'max_queue_size 1',
    ]);
    const res = await first;
    expect(res.status, res.text()).toBe(200);
    const body = res.json<InferAnswer>();
    expect(body.id).toBe('queued');
    const row16 = validSimpleRequest().inputs[0].data as number[];
    expect(body.outputs.find((o) => o.name === 'OUTPUT0')!.data).toEqual(row16.map((x) => 2 * x));
    await stillWorks();
  });

  it('no token → 401 UNAUTHENTICATED, for a known and an unknown model alike', async () => {
    for (const path of [SIMPLE, '/v2/models/nope/infer']) {
      const res = await send(`${k.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(validSimpleRequest()),
      });
      expectV2Error(res, 401, 'UNAUTHENTICATED');
    }
    await stillWorks();
  });
});

/** Writes `bytes` on a fresh TCP connection, half-closes it, and resolves with all the server sent. */
function rawExchange(bytes: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(k.server.port, '127.0.0.1', () => socket.end(bytes));
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      got += d;
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(10_000, () =>
      socket.destroy(new Error(`no answer to ${JSON.stringify(String(bytes).slice(0, 60))}`)),
    );
  });
}

describe('malformed HTTP on the socket', () => {
  it('each framing error is answered 400 with an "error" message, and the server keeps serving', async () => {
    const auth = `Authorization: Bearer ${k.token}\r\n`;
    const cases: (Buffer | string)[] = [
      'GARBAGE\r\n\r\n',
      `POST ${SIMPLE} HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello`,
      `POST ${SIMPLE} HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`,
      `POST ${SIMPLE} HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 100\r\n\r\n{"inputs"`,
      `POST ${SIMPLE} HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n`,
      `POST ${SIMPLE} HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: -1\r\n\r\n`,
      ...Array.from({ length: 40 }, (_, i) =>
        Buffer.concat([
          Buffer.from([0]),
          Buffer.from(Array.from({ length: 64 + i * 13 }, (_, j) => (i * 31 + j * 17) % 256)),
        ]),
      ),
    ];
    for (const c of cases) {
      const answer = await rawExchange(c);
      expect(answer, JSON.stringify(String(c).slice(0, 80))).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error?: unknown };
      expect(typeof body.error).toBe('string');
    }
    expect(k.server.child.exitCode).toBeNull();
    await stillWorks();
  });
});

describe('1,000 garbage requests in a row', () => {
  it('each is answered 4xx with {error, code}; the server stays up and then answers correctly', async () => {
    const seed = 20_260_401;
    const total = 1000;
    const concurrency = 16;
    const agent = keepAliveAgent(concurrency);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      for (let n = next++; n < total; n = next++) {
        const g = garbageRequest(seed, n, k.token);
        let res: HttpAnswer;
        try {
          res = await send(`${k.url}${g.path}`, {
            method: g.method,
            headers: g.headers,
            body: g.body,
            agent,
          });
        } catch (e) {
          failures.push(`#${n} (${g.description}): no answer: ${(e as Error).message}`);
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        let body: Record<string, unknown> | undefined;
        try {
          body = JSON.parse(res.text()) as Record<string, unknown>;
        } catch {
          body = undefined;
        }
        const shaped =
          body !== undefined &&
          Object.keys(body).sort().join() === 'code,error' &&
          typeof body.error === 'string' &&
          typeof body.code === 'string';
        if (res.status < 400 || res.status >= 500 || !shaped) {
          failures.push(`#${n} (${g.description}): ${res.status} ${res.text().slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    agent.destroy();
    expect(failures, `seed ${seed}`).toEqual([]);
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(answered).toBe(total);
    // Most garbage is a bad request; some is unauthenticated, too large or addressed to nothing.
    expect(statuses.get(400)).toBeGreaterThan(total / 2);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 404]));

    expect(k.server.child.exitCode).toBeNull();
    expect((await send(`${k.url}/v2/health/live`)).status).toBe(200);
    await stillWorks();
    // No request was treated as the server's own failure.
    expect(k.server.stderr()).not.toContain('"level":50');
  }, 60_000);
});
