/**
 * The raw `node:http` inference path against a listening server: it answers what the Fastify route
 * answers (same bytes), keeps the route's access rule, body limit and error shape, and leaves
 * everything it does not recognise to Fastify.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModelVersion } from '../../registry/version-registration.js';
import { createServing, type Serving } from '../serving.js';
import { createTestKiln, type TestKiln } from '../test-support/test-kiln.js';
import { fastInfer } from './fast-infer.js';
import { type BuiltHttpApp, buildHttpApp, type FastPath } from './http-app.js';
import { ALL_ROUTES } from './routes/index.js';

const SIMPLE = new URL('../../../test/fixtures/models/simple.onnx', import.meta.url).pathname;
const alice = { name: 'alice', role: 'deployer' as const };
const BODY_LIMIT = 4096;

const body = (id = 'r1', extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    inputs: [
      { name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: Array.from({ length: 16 }, (_, i) => i) },
      { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: Array.from({ length: 16 }, () => 2) },
    ],
    ...extra,
  });

/** Sends raw bytes on a new connection and returns everything the server wrote until it closed. */
function raw(port: number, text: string | Buffer, closeAfterMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
    socket.write(text);
    setTimeout(() => socket.destroy(), closeAfterMs).unref();
  });
}

describe('fast inference path (listening server)', () => {
  let t: TestKiln;
  let serving: Serving;
  let http: BuiltHttpApp;
  let base: string;
  let port: number;
  let answered = 0;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await createTestKiln();
    await registerModelVersion(
      t.kiln.registry,
      alice,
      'simple',
      SIMPLE,
      {},
      {
        maxModelBytes: 1 << 26,
        inspectTimeoutMs: 30_000,
      },
    );
    await t.kiln.deployments.create(alice, {
      name: 'simple',
      model: 'simple@1',
      maxBatchSize: 8,
      workers: 0,
    });
    await t.kiln.deployments.create(alice, {
      name: 'open',
      model: 'simple@1',
      maxBatchSize: 8,
      workers: 0,
      public: true,
    });
    serving = createServing(t.kiln, { pollMs: 20, defaultMetrics: false });
    await serving.start();
    const fast = fastInfer({
      dataPlane: serving.dataPlane,
      authenticate: (token) => t.kiln.tokens.authenticate(token),
      bodyLimit: BODY_LIMIT,
      logError: (_fields, message) => logged.push(message),
    });
    const counted: FastPath = (req, res) => {
      const handled = fast(req, res);
      if (handled) answered++;
      return handled;
    };
    http = await buildHttpApp({
      services: t.kiln,
      routes: [...ALL_ROUTES, ...serving.routes],
      logger: false,
      fastPaths: [counted],
    });
    await http.app.listen({ host: '127.0.0.1', port: 0 });
    port = (http.app.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await http?.app.close();
    await serving?.close();
    await t?.close();
  });

  const post = (path: string, payload: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.auth('predictor'), ...headers },
      body: payload,
    });

  it('answers inference itself, with the same status, headers and bytes as the Fastify route', async () => {
    for (const payload of [
      body('same-1'),
      // The binary extension on the way out: OUTPUT1 as a blob after the JSON header.
      body('same-2', {
        outputs: [{ name: 'OUTPUT0' }, { name: 'OUTPUT1', parameters: { binary_data: true } }],
      }),
    ]) {
      const before = answered;
      const res = await post('/v2/models/simple/infer', payload);
      expect(answered).toBe(before + 1);
      const viaFastify = await http.app.inject({
        method: 'POST',
        url: '/v2/models/simple/infer',
        headers: { 'content-type': 'application/json', ...t.auth('predictor') },
        payload,
      });
      expect(res.status).toBe(200);
      expect(viaFastify.statusCode).toBe(200);
      expect(res.headers.get('content-type')).toBe(viaFastify.headers['content-type']);
      expect(res.headers.get('inference-header-content-length') ?? undefined).toBe(
        viaFastify.headers['inference-header-content-length'],
      );
      expect(Buffer.from(await res.arrayBuffer())).toEqual(viaFastify.rawPayload);
    }
    const json = (await (await post('/v2/models/simple/infer', body('sum'))).json()) as {
      outputs: { name: string; data: number[] }[];
    };
    expect(json.outputs.find((o) => o.name === 'OUTPUT0')?.data).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 2),
    );
  });

  it('takes the versioned path and percent-encoded names', async () => {
    const before = answered;
    expect((await post('/v2/models/simple/versions/1/infer', body())).status).toBe(200);
    expect((await post('/v2/models/%73imple/infer', body())).status).toBe(200);
    expect(answered).toBe(before + 2);
    const wrong = await post('/v2/models/simple/versions/7/infer', body());
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
  });

  it('keeps the access rule: predictor token, or none for a public deployment', async () => {
    const none = await fetch(`${base}/v2/models/simple/infer`, { method: 'POST', body: body() });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: 'this route needs a token: send "Authorization: Bearer <token>"',
      code: 'UNAUTHENTICATED',
    });
    const viewer = await post('/v2/models/simple/infer', body(), t.auth('viewer'));
    expect(viewer.status).toBe(403);
    const denied = (await viewer.json()) as { error: string; code: string };
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.error).toContain('POST /v2/models/:name/infer needs the predictor role');
    const badToken = await post('/v2/models/simple/infer', body(), { authorization: 'Bearer kiln_nope' });
    expect(badToken.status).toBe(401);
    const open = await fetch(`${base}/v2/models/open/infer`, { method: 'POST', body: body() });
    expect(open.status).toBe(200);
    // An unknown deployment is only named to a caller with a token.
    expect((await fetch(`${base}/v2/models/ghost/infer`, { method: 'POST', body: body() })).status).toBe(401);
    const ghost = await post('/v2/models/ghost/infer', body());
    expect(ghost.status).toBe(404);
    expect(((await ghost.json()) as { error: string }).error).toMatch(/^Request for unknown model/);
  });

  it('refuses a body over the limit, announced or chunked, with 413 and closes the connection', async () => {
    const big = JSON.stringify({
      inputs: [{ name: 'INPUT0', shape: [1], datatype: 'INT32', data: [1] }],
      pad: 'x'.repeat(BODY_LIMIT),
    });
    const announced = await post('/v2/models/simple/infer', big);
    expect(announced.status).toBe(413);
    expect(await announced.json()).toEqual({
      error: `the request body is over the limit of ${BODY_LIMIT} bytes (server.body_limit_bytes)`,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const auth = t.auth('predictor').authorization;
    const chunk = 'y'.repeat(3000);
    const chunked = await raw(
      port,
      `POST /v2/models/simple/infer HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    expect(chunked.toLowerCase()).toContain('connection: close');
    expect(chunked).toContain('"code":"PAYLOAD_TOO_LARGE"');
    // The server goes on answering.
    expect((await post('/v2/models/simple/infer', body())).status).toBe(200);
  });

  it('answers bad bodies with 400 and keeps the keep-alive connection usable', async () => {
    const auth = t.auth('predictor').authorization;
    const good = body('after');
    const bad = '{"inputs": [';
    const reply = await raw(
      port,
      `POST /v2/models/simple/infer HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Length: ${bad.length}\r\n\r\n${bad}` +
        `POST /v2/models/simple/infer HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Length: ${good.length}\r\n\r\n${good}`,
      1500,
    );
    const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['400', '200']);
    expect(reply).toContain('"code":"INVALID_JSON"');
    expect(reply).toContain('"id":"after"');
  });

  it('survives a client that goes away mid-body', async () => {
    const auth = t.auth('predictor').authorization;
    await raw(
      port,
      `POST /v2/models/simple/infer HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Length: 500\r\n\r\n{"inputs":`,
      100,
    );
    expect((await post('/v2/models/simple/infer', body())).status).toBe(200);
    // A client that leaves is not the server's failure: nothing is logged as an error.
    expect(logged).toEqual([]);
  });

  it('leaves other methods and query strings to Fastify', async () => {
    const before = answered;
    const withQuery = await post('/v2/models/simple/infer?trace=1', body());
    expect(withQuery.status).toBe(200);
    const get = await fetch(`${base}/v2/models/simple/infer`, { headers: t.auth('predictor') });
    expect(get.status).toBe(404);
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    expect(answered).toBe(before);
  });

  it('answers 503 with Retry-After once serving stops accepting', async () => {
    serving.stopAccepting();
    const res = await post('/v2/models/simple/infer', body());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
