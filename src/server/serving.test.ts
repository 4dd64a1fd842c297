/**
 * The data plane end to end in one process: a real workspace, real ONNX models in the real
 * runtime, the real HTTP app (no port), deployments followed as they change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModelVersion } from '../registry/version-registration.js';
import { buildHttpApp, type BuiltHttpApp } from './http/http-app.js';
import { ALL_ROUTES } from './http/routes/index.js';
import { type Serving, createServing } from './serving.js';
import { type TestKiln, createTestKiln } from './test-support/test-kiln.js';

const FIXTURES = new URL('../../test/fixtures/models/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;
const FRAUD = new URL('../../examples/fraud/model.onnx', import.meta.url).pathname;
const alice = { name: 'alice', role: 'deployer' as const };
const limits = { maxModelBytes: 1 << 26, inspectTimeoutMs: 30_000 };

describe('serving (in process)', () => {
  let t: TestKiln;
  let serving: Serving;
  let http: BuiltHttpApp;

  beforeAll(async () => {
    t = await createTestKiln();
    const { registry, deployments } = t.kiln;
    await registerModelVersion(registry, alice, 'simple', fixture('simple.onnx'), {}, limits);
    await registerModelVersion(registry, alice, 'fraud', FRAUD, {}, limits);
    await registerModelVersion(registry, alice, 'fraud', FRAUD, { description: 'second copy' }, limits);
    await registry.setAlias(alice, 'fraud', 'champion', 1);
    await deployments.create(alice, { name: 'simple', model: 'simple@1', maxBatchSize: 8, maxQueueDelayMicros: 200, workers: 0 });
    await deployments.create(alice, { name: 'fraud', model: 'fraud@champion', maxBatchSize: 32, maxQueueDelayMicros: 300, workers: 2 });
    serving = createServing(t.kiln, { pollMs: 20, defaultMetrics: false });
    await serving.start();
    http = await buildHttpApp({ services: t.kiln, routes: [...ALL_ROUTES, ...serving.routes], logger: false });
  }, 60_000);

  afterAll(async () => {
    await http?.app.close();
    await serving?.close();
    await t?.close();
  });

  const infer = (name: string, body: unknown, role: 'predictor' | 'viewer' | null = 'predictor') =>
    http.app.inject({
      method: 'POST',
      url: `/v2/models/${name}/infer`,
      headers: { 'content-type': 'application/json', ...(role ? t.auth(role) : {}) },
      payload: JSON.stringify(body),
    });

  const simpleBody = (a: number[], b: number[], id?: string) => ({
    ...(id ? { id } : {}),
    inputs: [
      { name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: a },
      { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: b },
    ],
  });

  it('answers Triton-style simple: sum and difference, with the id echoed', async () => {
    const a = Array.from({ length: 16 }, (_, i) => i);
    const b = Array.from({ length: 16 }, () => 1);
    const res = await infer('simple', simpleBody(a, b, 'req-1'));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.id).toBe('req-1');
    expect(body.model_name).toBe('simple');
    expect(body.model_version).toBe('1');
    const out = Object.fromEntries(body.outputs.map((o: { name: string; data: number[] }) => [o.name, o.data]));
    expect(out.OUTPUT0).toEqual(a.map((x) => x + 1));
    expect(out.OUTPUT1).toEqual(a.map((x) => x - 1));
  });

  it('serves metadata, readiness and statistics', async () => {
    const meta = await http.app.inject({ method: 'GET', url: '/v2/models/simple', headers: t.auth('viewer') });
    expect(meta.json()).toMatchObject({
      name: 'simple',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'INPUT0', datatype: 'INT32', shape: [-1, 16] },
        { name: 'INPUT1', datatype: 'INT32', shape: [-1, 16] },
      ],
    });
    const ready = await http.app.inject({ method: 'GET', url: '/v2/models/simple/versions/1/ready', headers: t.auth('viewer') });
    expect(ready.statusCode).toBe(200);
    const server = await http.app.inject({ method: 'GET', url: '/v2', headers: t.auth('viewer') });
    expect(server.json().extensions).toContain('binary_tensor_data');
    const live = await http.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect(live.statusCode).toBe(200);
    const stats = await http.app.inject({ method: 'GET', url: '/v2/models/simple/stats', headers: t.auth('viewer') });
    const s = stats.json().model_stats[0];
    expect(s.name).toBe('simple');
    expect(s.inference_stats.success.count).toBeGreaterThan(0);
  });

  it('needs a predictor token to infer, and names unknown models as Triton does', async () => {
    expect((await infer('simple', simpleBody(new Array(16).fill(0), new Array(16).fill(0)), null)).statusCode).toBe(401);
    expect((await infer('simple', simpleBody(new Array(16).fill(0), new Array(16).fill(0)), 'viewer')).statusCode).toBe(403);
    const unknown = await infer('nope', simpleBody(new Array(16).fill(0), new Array(16).fill(0)));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/^Request for unknown model/);
    expect(unknown.json().code).toBe('DEPLOYMENT_NOT_FOUND');
    const wrongVersion = await http.app.inject({
      method: 'POST',
      url: '/v2/models/simple/versions/7/infer',
      headers: { 'content-type': 'application/json', ...t.auth('predictor') },
      payload: JSON.stringify(simpleBody(new Array(16).fill(0), new Array(16).fill(0))),
    });
    expect(wrongVersion.statusCode).toBe(404);
  });

  it('refuses a request that does not fit the signature, naming the tensor, and keeps serving', async () => {
    const bad = await infer('simple', {
      inputs: [
        { name: 'INPUT0', shape: [1, 15], datatype: 'INT32', data: new Array(15).fill(0) },
        { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: new Array(16).fill(0) },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('INPUT0');
    const malformed = await http.app.inject({
      method: 'POST',
      url: '/v2/models/simple/infer',
      headers: { 'content-type': 'application/json', ...t.auth('predictor') },
      payload: '{"inputs": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('INVALID_JSON');
    const good = await infer('simple', simpleBody(new Array(16).fill(2), new Array(16).fill(1)));
    expect(good.statusCode).toBe(200);
  });

  it('switches an alias moved while requests flow, failing none', async () => {
    const row = [23.08, 7, 0.05, 15, 0, 5, 0.4284, 1, 0, 1970, 1];
    const body = { inputs: [{ name: 'features', shape: [1, 11], datatype: 'FP32', data: row }] };
    const versions = new Set<string>();
    const failures: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const res = await infer('fraud', body);
        if (res.statusCode !== 200) failures.push(`${res.statusCode} ${res.body}`);
        else versions.add(res.json().model_version);
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((r) => setTimeout(r, 100));
    await t.kiln.registry.setAlias(alice, 'fraud', 'champion', 2);
    const deadline = Date.now() + 10_000;
    while (!versions.has('2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await t.kiln.registry.setAlias(alice, 'fraud', 'champion', 1);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect([...versions].sort()).toEqual(['1', '2']);
  });

  it('exports Prometheus metrics with queue and compute time apart', async () => {
    const res = await http.app.inject({ method: 'GET', url: '/metrics', headers: t.auth('viewer') });
    expect(res.statusCode).toBe(200);
    for (const name of [
      'kiln_inference_requests_total',
      'kiln_inference_request_duration_seconds',
      'kiln_inference_queue_duration_seconds',
      'kiln_inference_compute_duration_seconds',
      'kiln_inference_batch_size',
      'kiln_inference_pending_requests',
      'kiln_model_load_duration_seconds',
    ]) {
      expect(res.body).toContain(name);
    }
    expect(res.body).toMatch(/kiln_inference_requests_total\{deployment="simple",model="simple",version="1",code="OK"\} \d+/);
    expect((await http.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });

  it('serves a public deployment without a token', async () => {
    await t.kiln.deployments.update(alice, 'simple', { public: true });
    await serving.manager.reconcile();
    const res = await infer('simple', simpleBody(new Array(16).fill(1), new Array(16).fill(1)), null);
    expect(res.statusCode, res.body).toBe(200);
  });

});
