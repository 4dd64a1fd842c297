import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy } from './outbound-policy.js';
import { sendToCheckedTarget } from './pinned-request.js';
import { type LocalHttpServer, startLocalHttpServer } from './test-support/local-http-server.js';

describe('sendToCheckedTarget', () => {
  let server: LocalHttpServer;
  beforeAll(async () => {
    server = await startLocalHttpServer();
  });
  afterAll(() => server.close());

  // `hooks.test` has no DNS record anywhere (RFC 6761), so reaching the server proves the
  // connection went to the checked address and the name was not resolved again.
  const policy = new OutboundPolicy(['http://hooks.test:*', 'http://127.0.0.1:*'], {
    lookup: async (hostname) => (hostname === 'hooks.test' ? [{ address: '127.0.0.1', family: 4 }] : []),
  });

  it('connects to the checked address, keeping the host name in the Host header', async () => {
    server.respond((_req, res) => {
      res.statusCode = 201;
      res.end('created');
    });
    const before = server.received.length;
    const target = await policy.checkResolved(`http://hooks.test:${server.port}/in?x=1`);
    const res = await sendToCheckedTarget(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: '{"a":1}',
      timeoutMs: 5000,
    });
    expect(res.status).toBe(201);
    expect(res.bodyStart).toBe('created');
    const got = server.received[before]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/in?x=1');
    expect(got.headers.host).toBe(`hooks.test:${server.port}`);
    expect(got.headers['x-test']).toBe('yes');
    expect(got.headers['content-length']).toBe('7');
    expect(got.body.toString()).toBe('{"a":1}');
  });

  it('does not follow redirects', async () => {
    server.respond((req, res) => {
      if (req.path === '/moved') {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
      } else res.end('followed');
    });
    const before = server.received.length;
    const target = await policy.checkResolved(`${server.origin}/moved`);
    const res = await sendToCheckedTarget(target, {
      method: 'POST',
      headers: {},
      body: 'x',
      timeoutMs: 5000,
    });
    expect(res.status).toBe(302);
    expect(server.received.slice(before).map((r) => r.path)).toEqual(['/moved']);
  });

  it('keeps only the start of a large response body', async () => {
    server.respond((_req, res) => res.end('y'.repeat(100_000)));
    const target = await policy.checkResolved(`${server.origin}/big`);
    const res = await sendToCheckedTarget(target, { method: 'POST', headers: {}, timeoutMs: 5000 });
    expect(res.bodyStart).toBe('y'.repeat(1024));
  });

  it('gives up when the receiver does not answer in time', async () => {
    server.respond(() => {
      // never answers
    });
    const target = await policy.checkResolved(`${server.origin}/slow`);
    await expect(
      sendToCheckedTarget(target, { method: 'POST', headers: {}, timeoutMs: 200 }),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('stops when the caller aborts', async () => {
    server.respond(() => {});
    const target = await policy.checkResolved(`${server.origin}/slow`);
    const controller = new AbortController();
    const sent = sendToCheckedTarget(target, {
      method: 'POST',
      headers: {},
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    controller.abort(new Error('job cancelled'));
    await expect(sent).rejects.toThrow('job cancelled');
  });

  it('fails with a network error when nothing listens', async () => {
    const closed = await startLocalHttpServer();
    await closed.close();
    const target = await policy.checkResolved(`${closed.origin}/`);
    await expect(
      sendToCheckedTarget(target, { method: 'POST', headers: {}, timeoutMs: 5000 }),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
