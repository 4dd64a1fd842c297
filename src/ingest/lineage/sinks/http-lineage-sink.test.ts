import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../core/errors.js';
import { type HostLookup, OutboundPolicy } from '../../../govern/network/outbound-policy.js';
import {
  type LocalHttpServer,
  startLocalHttpServer,
} from '../../../govern/network/test-support/local-http-server.js';
import { RunEventBuilder } from '../openlineage-event.js';
import { SAMPLE_PRODUCER, sampleRun } from '../test-support/sample-run.js';
import { endpointUrl, HttpLineageSink } from './http-lineage-sink.js';

/** `marquez.test` → 127.0.0.1, `meta.test` → the cloud metadata address. */
const lookup: HostLookup = async (hostname) => {
  if (hostname === 'marquez.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'meta.test') return [{ address: '169.254.169.254', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
const builder = new RunEventBuilder(SAMPLE_PRODUCER);

async function rejection(p: Promise<unknown>): Promise<KilnError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KilnError);
  return e as KilnError;
}

describe('HttpLineageSink', () => {
  let server: LocalHttpServer;
  beforeAll(async () => {
    server = await startLocalHttpServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.received.length = 0;
    server.respond((_req, res) => {
      res.statusCode = 201;
      res.end();
    });
  });

  const allowLocal = () => new OutboundPolicy(['http://127.0.0.1:*', 'http://marquez.test:*'], { lookup });

  it('POSTs each event as JSON to /api/v1/lineage, exactly as built', async () => {
    const sink = new HttpLineageSink({ url: server.origin, outbound: allowLocal() });
    const start = builder.start(sampleRun());
    const complete = builder.complete(sampleRun({ eventTime: '2026-03-01T10:05:00Z' }));
    await sink.emit(start);
    await sink.emit(complete);
    expect(server.received).toHaveLength(2);
    for (const r of server.received) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/api/v1/lineage');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('Kiln-Lineage/1');
    }
    expect(server.received.map((r) => JSON.parse(r.body.toString('utf8')))).toEqual([start, complete]);
  });

  it('resolves a host name through the policy and sends extra headers', async () => {
    const sink = new HttpLineageSink({
      url: `http://marquez.test:${server.port}/`,
      outbound: allowLocal(),
      headers: { authorization: 'Bearer abc' },
    });
    await sink.emit(builder.start(sampleRun()));
    expect(server.received[0]!.headers.host).toBe(`marquez.test:${server.port}`);
    expect(server.received[0]!.headers.authorization).toBe('Bearer abc');
  });

  it('refuses at construction a URL that network.allow does not list', () => {
    const policy = new OutboundPolicy(['https://lineage.example.com'], { lookup });
    try {
      new HttpLineageSink({ url: server.origin, outbound: policy });
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as KilnError).code).toBe('URL_NOT_ALLOWED');
      expect((e as KilnError).details.reason).toBe('no-match');
    }
    expect(server.received).toHaveLength(0);
  });

  it('refuses at emit a host that resolves to a metadata address, sending nothing', async () => {
    const policy = new OutboundPolicy(['http://*.test:*'], { lookup });
    const sink = new HttpLineageSink({ url: 'http://meta.test:80', outbound: policy });
    const e = await rejection(sink.emit(builder.start(sampleRun())));
    expect(e.code).toBe('URL_NOT_ALLOWED');
    expect(e.details.reason).toBe('resolves-to-special-address');
    expect(server.received).toHaveLength(0);
  });

  it('reports a 500 with its status and the start of the body', async () => {
    server.respond((_req, res) => {
      res.statusCode = 500;
      res.end('database is down');
    });
    const sink = new HttpLineageSink({ url: server.origin, outbound: allowLocal() });
    const e = await rejection(sink.emit(builder.start(sampleRun())));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.details.status).toBe(500);
    expect(e.message).toContain('answered 500: database is down');
  });

  it('does not follow a redirect', async () => {
    server.respond((_req, res) => {
      res.writeHead(307, { location: 'http://169.254.169.254/' });
      res.end();
    });
    const sink = new HttpLineageSink({ url: server.origin, outbound: allowLocal() });
    const e = await rejection(sink.emit(builder.start(sampleRun())));
    expect(e.details.status).toBe(307);
    expect(e.message).toContain('redirects are not followed');
    expect(server.received).toHaveLength(1);
  });

  it('gives up after its timeout when the server never answers', async () => {
    server.respond(() => {
      // never answers
    });
    const sink = new HttpLineageSink({ url: server.origin, outbound: allowLocal(), timeoutMs: 200 });
    const e = await rejection(sink.emit(builder.start(sampleRun())));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain('no answer within 200 ms');
  });

  it('reports a refused connection', async () => {
    const closed = await startLocalHttpServer();
    const origin = closed.origin;
    await closed.close();
    const sink = new HttpLineageSink({ url: origin, outbound: allowLocal() });
    const e = await rejection(sink.emit(builder.start(sampleRun())));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.details.code).toBe('ECONNREFUSED');
  });

  it('refuses a bad timeout', () => {
    expect(() => new HttpLineageSink({ url: server.origin, outbound: allowLocal(), timeoutMs: 0 })).toThrow(
      /timeoutMs/,
    );
  });
});

describe('endpointUrl', () => {
  it('appends the Marquez endpoint once', () => {
    expect(endpointUrl('http://marquez:5000')).toBe('http://marquez:5000/api/v1/lineage');
    expect(endpointUrl('http://marquez:5000/')).toBe('http://marquez:5000/api/v1/lineage');
    expect(endpointUrl('https://x.example/prefix/')).toBe('https://x.example/prefix/api/v1/lineage');
    expect(endpointUrl('http://marquez:5000/api/v1/lineage')).toBe('http://marquez:5000/api/v1/lineage');
  });

  it('refuses what is not a base URL', () => {
    expect(() => endpointUrl('marquez')).toThrow(/not a valid absolute URL/);
    expect(() => endpointUrl('http://m/?k=1')).toThrow(/without query/);
  });
});
