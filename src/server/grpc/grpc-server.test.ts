import { status } from '@grpc/grpc-js';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataPlane } from '../../serve/data-plane.js';
import { KILN_ERROR_CODE_KEY } from './grpc-errors.js';
import { startGrpcServer } from './grpc-server.js';
import { fakeDataPlane } from './test-support/fake-models.js';
import { fakeAuthenticate, grpcErrorOf, type Harness, startHarness } from './test-support/grpc-harness.js';

const SIMPLE_INFER = {
  model_name: 'simple',
  inputs: [
    { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], contents: { int_contents: Array(16).fill(1) } },
    { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], contents: { int_contents: Array(16).fill(2) } },
  ],
};

describe('gRPC server: health, metadata and access', () => {
  let dataPlane: DataPlane;
  let h: Harness;
  beforeEach(async () => {
    dataPlane = fakeDataPlane();
    h = await startHarness({ dataPlane, healthPollMs: 20 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('binds a real port when asked for port 0', () => {
    expect(h.server.port).toBeGreaterThan(0);
  });

  it('answers ServerLive and ServerReady without a token', async () => {
    expect(await h.call('ServerLive', {})).toEqual({ live: true });
    expect(await h.call('ServerReady', {})).toEqual({ ready: true });
    dataPlane.stopAccepting();
    expect(await h.call('ServerReady', {})).toEqual({ ready: false });
  });

  it('answers ServerMetadata to a viewer', async () => {
    expect(await h.call('ServerMetadata', {}, 'viewer-token')).toEqual({
      name: 'kiln',
      version: '0.1.0',
      extensions: ['binary_tensor_data', 'model_stats'],
    });
  });

  it('answers ModelReady: true for a READY model, false while loading', async () => {
    expect(await h.call('ModelReady', { name: 'simple' }, 'viewer-token')).toEqual({ ready: true });
    expect(await h.call('ModelReady', { name: 'simple', version: '1' }, 'viewer-token')).toEqual({
      ready: true,
    });
    expect(await h.call('ModelReady', { name: 'loading' }, 'viewer-token')).toEqual({ ready: false });
  });

  it('answers ModelMetadata with int64 shapes, -1 for dynamic dimensions', async () => {
    const md = await h.call('ModelMetadata', { name: 'simple' }, 'viewer-token');
    const t = (name: string) => ({ name, datatype: 'INT32', shape: ['-1', '16'] });
    expect(md).toEqual({
      name: 'simple',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [t('INPUT0'), t('INPUT1')],
      outputs: [t('OUTPUT0'), t('OUTPUT1')],
    });
  });

  it('answers NOT_FOUND "Request for unknown model" for an unknown model or version', async () => {
    for (const [method, request] of [
      ['ModelReady', { name: 'nope' }],
      ['ModelMetadata', { name: 'nope' }],
      ['ModelMetadata', { name: 'simple', version: '7' }],
      ['ModelInfer', { ...SIMPLE_INFER, model_name: 'nope' }],
      ['ModelInfer', { ...SIMPLE_INFER, model_version: '7' }],
    ] as const) {
      const e = await grpcErrorOf(h.call(method, request, 'admin-token'));
      expect(e.code, `${method} ${JSON.stringify(request).slice(0, 60)}`).toBe(status.NOT_FOUND);
      expect(e.details).toMatch(/^Request for unknown model/);
    }
    const e = await grpcErrorOf(h.call('ModelInfer', { ...SIMPLE_INFER, model_name: 'nope' }, 'admin-token'));
    expect(e.metadata.get(KILN_ERROR_CODE_KEY)).toEqual(['DEPLOYMENT_NOT_FOUND']);
  });

  it('answers UNAVAILABLE for inference on a model still loading', async () => {
    const e = await grpcErrorOf(
      h.call('ModelInfer', { ...SIMPLE_INFER, model_name: 'loading' }, 'admin-token'),
    );
    expect(e.code).toBe(status.UNAVAILABLE);
  });

  describe('access', () => {
    it('refuses metadata RPCs without a token, with a malformed one, or an unknown one', async () => {
      for (const method of ['ServerMetadata', 'ModelReady', 'ModelMetadata']) {
        const none = await grpcErrorOf(h.call(method, { name: 'simple' }));
        expect(none.code).toBe(status.UNAUTHENTICATED);
        expect(none.details).toContain('authorization: Bearer <token>');
        const bad = await grpcErrorOf(h.call(method, { name: 'simple' }, 'not-a-token'));
        expect(bad.code).toBe(status.UNAUTHENTICATED);
      }
    });

    it('refuses an authorization value that is not "Bearer <token>"', async () => {
      const e = await grpcErrorOf(h.call('ServerMetadata', {}, 'two words'));
      expect(e.code).toBe(status.UNAUTHENTICATED);
    });

    it('needs predictor for ModelInfer: none and bad tokens UNAUTHENTICATED, viewer PERMISSION_DENIED', async () => {
      expect((await grpcErrorOf(h.call('ModelInfer', SIMPLE_INFER))).code).toBe(status.UNAUTHENTICATED);
      expect((await grpcErrorOf(h.call('ModelInfer', SIMPLE_INFER, 'wrong'))).code).toBe(
        status.UNAUTHENTICATED,
      );
      const low = await grpcErrorOf(h.call('ModelInfer', SIMPLE_INFER, 'viewer-token'));
      expect(low.code).toBe(status.PERMISSION_DENIED);
      expect(low.details).toBe('ModelInfer needs the predictor role; token "viewer" has viewer');
      await expect(h.call('ModelInfer', SIMPLE_INFER, 'predictor-token')).resolves.toMatchObject({
        model_name: 'simple',
      });
    });

    it('asks an unknown caller for a token before telling it a model does not exist', async () => {
      const e = await grpcErrorOf(h.call('ModelInfer', { ...SIMPLE_INFER, model_name: 'nope' }));
      expect(e.code).toBe(status.UNAUTHENTICATED);
    });

    it('serves a public deployment without a token', async () => {
      const r = await h.call<{ outputs: { name: string }[] }>('ModelInfer', {
        ...SIMPLE_INFER,
        model_name: 'simple_public',
      });
      expect(r.outputs.map((o) => o.name)).toEqual(['OUTPUT0', 'OUTPUT1']);
      // Public covers inference only: its metadata still needs a viewer.
      const e = await grpcErrorOf(h.call('ModelMetadata', { name: 'simple_public' }));
      expect(e.code).toBe(status.UNAUTHENTICATED);
    });

    it('answers INTERNAL without internals when authentication itself fails, and never logs the token', async () => {
      const e = await grpcErrorOf(h.call('ServerMetadata', {}, 'broken-token'));
      expect(e.code).toBe(status.INTERNAL);
      expect(e.details).toBe('internal error; see the server log');
      // The fake's error quotes the token: the log keeps the failure but not the token.
      const log = h.logLines.join('');
      expect(log).toContain('gRPC call failed');
      expect(log).toContain('database exploded while looking up [redacted]');
      expect(log).not.toContain('broken-token');
    });

    it('logs nothing about a call refused for a bad token', async () => {
      const before = h.logLines.length;
      await grpcErrorOf(h.call('ModelInfer', SIMPLE_INFER, 'secret-value-123'));
      expect(h.logLines.slice(before).join('')).not.toContain('secret-value-123');
      expect(h.logLines.length).toBe(before);
    });
  });

  describe('health', () => {
    it('reports SERVING for the server and the inference service, NOT_SERVING once shutting down', async () => {
      expect(await h.healthCheck('')).toEqual({ status: 'SERVING' });
      expect(await h.healthCheck('inference.GRPCInferenceService')).toEqual({ status: 'SERVING' });
      dataPlane.stopAccepting();
      expect(await h.healthCheck('')).toEqual({ status: 'NOT_SERVING' });
    });

    it('answers NOT_FOUND for an unknown service', async () => {
      const e = await grpcErrorOf(h.healthCheck('no.such.Service'));
      expect(e.code).toBe(status.NOT_FOUND);
    });

    it('streams status changes on Watch and ends the stream when the server closes', async () => {
      let sawFirst!: () => void;
      const first = new Promise<void>((r) => {
        sawFirst = r;
      });
      let sawChange!: () => void;
      const changed = new Promise<void>((r) => {
        sawChange = r;
      });
      const done = h.healthWatch('', (s) => (s === 'SERVING' ? sawFirst() : sawChange()));
      await first;
      dataPlane.stopAccepting();
      await changed;
      await h.server.close();
      expect(await done).toEqual(['SERVING', 'NOT_SERVING']);
    });

    it('sends SERVICE_UNKNOWN on Watch for an unknown service', async () => {
      let seen!: (s: string) => void;
      const got = new Promise<string>((r) => {
        seen = r;
      });
      const done = h.healthWatch('no.such.Service', (s) => seen(s));
      expect(await got).toBe('SERVICE_UNKNOWN');
      await h.server.close();
      await done;
    });
  });

  it('rejects when the port is taken, leaving the running server alone', async () => {
    const start = startGrpcServer({
      dataPlane,
      authenticate: fakeAuthenticate,
      host: '127.0.0.1',
      port: h.server.port,
      logger: pino({ level: 'silent' }),
    });
    await expect(start).rejects.toThrow(/EADDRINUSE|No address added/);
    expect(await h.call('ServerLive', {})).toEqual({ live: true });
  });

  it('closes idempotently and stops answering', async () => {
    await Promise.all([h.server.close(), h.server.close()]);
    const e = await grpcErrorOf(h.call('ServerLive', {}));
    expect(e.code).toBe(status.UNAVAILABLE);
  });
});
