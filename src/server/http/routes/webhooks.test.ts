/**
 * Webhook routes over HTTP, on a workspace whose network.allow is `http://127.0.0.1:*`: URLs are
 * checked against the allow-list when created, metadata addresses are refused, secrets are shown
 * once and never listed, and registry events enqueue deliveries for the webhooks that want them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

let t: TestKiln;
beforeAll(async () => {
  t = await createTestKiln({ env: { KILN_NETWORK_ALLOW: 'http://127.0.0.1:*' } });
});
afterAll(() => t.close());

function req(method: 'GET' | 'POST' | 'DELETE', url: string, role: Role, payload?: unknown) {
  return t.http.app.inject({
    method,
    url,
    headers: t.auth(role),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
const create = (payload: unknown) => req('POST', '/api/v1/webhooks', 'deployer', payload);

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  return body as { code: string; message: string; details: Record<string, unknown> };
}

async function listed(): Promise<{ id: string; url: string }[]> {
  return (await req('GET', '/api/v1/webhooks', 'viewer')).json().webhooks;
}

describe('POST /api/v1/webhooks', () => {
  it('creates a webhook for an allowed URL and returns a generated secret once', async () => {
    const res = await create({
      url: 'http://127.0.0.1:8080/hooks/kiln',
      events: ['model.created', 'alias.moved'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      id: expect.any(String),
      url: 'http://127.0.0.1:8080/hooks/kiln',
      events: ['model.created', 'alias.moved'],
      model: null,
      createdBy: 'deployer',
    });
    expect(res.json().secret.length).toBeGreaterThanOrEqual(32);
    expect((await listed()).map((w) => w.id)).toContain(res.json().id);
  });

  it('keeps a given secret and a model filter, and removes repeated events', async () => {
    expect((await req('POST', '/api/v1/models', 'engineer', { name: 'fraud' })).statusCode).toBe(201);
    const secret = 'a-secret-of-enough-length';
    const res = await create({
      url: 'http://127.0.0.1:9000/x',
      events: ['alias.moved', 'alias.moved'],
      model: 'fraud',
      secret,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ secret, model: 'fraud', events: ['alias.moved'] });
  });

  it('refuses a model filter naming no registered model with 404 MODEL_NOT_FOUND', async () => {
    expectError(
      await create({ url: 'http://127.0.0.1:9000/x', events: ['alias.moved'], model: 'ghost' }),
      404,
      'MODEL_NOT_FOUND',
    );
  });

  it('records the creation in the audit log', async () => {
    const { id } = (await create({ url: 'http://127.0.0.1:9001/', events: ['model.created'] })).json();
    const events = (await req('GET', `/api/v1/audit/events?resource=webhook/${id}`, 'admin')).json().events;
    expect(events.map((e: { actor: string; action: string }) => [e.actor, e.action])).toEqual([
      ['deployer', 'webhook.create'],
    ]);
  });

  it.each([
    ['a host not in network.allow', 'https://example.com/hook', 'no-match'],
    ['another scheme on an allowed host', 'https://127.0.0.1:8443/hook', 'no-match'],
    ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/', 'special-address'],
    [
      'the metadata service written as IPv4-mapped IPv6',
      'http://[::ffff:169.254.169.254]/latest',
      'special-address',
    ],
    [
      'the metadata service by name',
      'http://metadata.google.internal/computeMetadata/v1/',
      'special-address',
    ],
    ['credentials in the URL', 'http://user:pw@127.0.0.1:8080/', 'credentials'],
    ['a file URL', 'file:///etc/passwd', 'scheme'],
    ['not a URL', 'not a url', 'invalid-url'],
  ])('refuses %s with 400 URL_NOT_ALLOWED, and stores nothing', async (_what, url, reason) => {
    const before = await listed();
    const body = expectError(await create({ url, events: ['model.created'] }), 400, 'URL_NOT_ALLOWED');
    expect(body.details.reason).toBe(reason);
    expect(body.message).not.toContain(':pw@');
    expect(await listed()).toEqual(before);
  });

  it.each([
    ['an unknown event type', { url: 'http://127.0.0.1:1/', events: ['model.exploded'] }, 'events'],
    ['no events', { url: 'http://127.0.0.1:1/', events: [] }, 'events'],
    ['a short secret', { url: 'http://127.0.0.1:1/', events: ['model.created'], secret: 'short' }, 'secret'],
    ['an unknown key', { url: 'http://127.0.0.1:1/', events: ['model.created'], retries: 3 }, 'retries'],
  ])('refuses %s with 400 INVALID_ARGUMENT naming the field', async (_what, payload, field) => {
    expect(expectError(await create(payload), 400, 'INVALID_ARGUMENT').message).toContain(field);
  });

  it('refuses a model filter breaking the naming rule with 400 INVALID_NAME', async () => {
    expectError(
      await create({ url: 'http://127.0.0.1:1/', events: ['model.created'], model: '../etc' }),
      400,
      'INVALID_NAME',
    );
  });
});

describe('GET /api/v1/webhooks', () => {
  it('lists webhooks without their secrets', async () => {
    const secrets: string[] = [];
    for (const port of [7001, 7002]) {
      secrets.push(
        (await create({ url: `http://127.0.0.1:${port}/`, events: ['model_version.created'] })).json().secret,
      );
    }
    secrets.push(
      (
        await create({
          url: 'http://127.0.0.1:7003/',
          events: ['model.created'],
          secret: 'my-own-secret-123456',
        })
      ).json().secret,
    );
    const res = await req('GET', '/api/v1/webhooks', 'viewer');
    expect(res.statusCode).toBe(200);
    for (const secret of secrets) expect(res.body).not.toContain(secret);
    for (const w of res.json().webhooks) {
      expect(Object.keys(w).sort()).toEqual(['createdAt', 'createdBy', 'events', 'id', 'model', 'url']);
    }
    expect(res.json().webhooks.map((w: { url: string }) => w.url)).toEqual(
      expect.arrayContaining(['http://127.0.0.1:7001/', 'http://127.0.0.1:7002/', 'http://127.0.0.1:7003/']),
    );
  });
});

describe('deliveries', () => {
  it('enqueues one delivery per webhook that wants the event, in the same change', async () => {
    const wants = (await create({ url: 'http://127.0.0.1:7100/', events: ['model.created'] })).json();
    const other = (await create({ url: 'http://127.0.0.1:7101/', events: ['alias.deleted'] })).json();
    const filtered = (
      await create({ url: 'http://127.0.0.1:7102/', events: ['model.created'], model: 'fraud' })
    ).json();
    const all = (await req('GET', '/api/v1/webhooks', 'viewer')).json().webhooks as {
      id: string;
      events: string[];
      model: string | null;
    }[];
    const expected = all
      .filter((w) => w.events.includes('model.created') && w.model === null)
      .map((w) => w.id);
    expect(expected).toContain(wants.id);

    const deliveries = async () =>
      (await req('GET', '/api/v1/jobs?type=webhook.deliver&limit=1000', 'viewer')).json().jobs as {
        id: string;
        payload: { webhookId: string; type: string };
      }[];
    const before = new Set((await deliveries()).map((j) => j.id));
    expect((await req('POST', '/api/v1/models', 'engineer', { name: 'newcomer' })).statusCode).toBe(201);
    const added = (await deliveries()).filter((j) => !before.has(j.id));
    expect(added.map((j) => j.payload.webhookId).sort()).toEqual([...expected].sort());
    expect(added.every((j) => j.payload.type === 'model.created')).toBe(true);
    expect(added.map((j) => j.payload.webhookId)).not.toContain(other.id);
    expect(added.map((j) => j.payload.webhookId)).not.toContain(filtered.id);
    expect(JSON.stringify(added)).not.toContain(wants.secret);
  });
});

describe('DELETE /api/v1/webhooks/:id', () => {
  it('deletes a webhook, audits it, and answers 404 WEBHOOK_NOT_FOUND the second time', async () => {
    const { id } = (await create({ url: 'http://127.0.0.1:7200/', events: ['alias.deleted'] })).json();
    expect((await req('DELETE', `/api/v1/webhooks/${id}`, 'deployer')).statusCode).toBe(204);
    expect((await listed()).map((w) => w.id)).not.toContain(id);
    const events = (await req('GET', `/api/v1/audit/events?resource=webhook/${id}`, 'admin')).json().events;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['webhook.create', 'webhook.delete']);
    expectError(await req('DELETE', `/api/v1/webhooks/${id}`, 'deployer'), 404, 'WEBHOOK_NOT_FOUND');
  });

  it('answers 404 for an id that never existed, and a valid delete still works after', async () => {
    expectError(
      await req('DELETE', '/api/v1/webhooks/00000000-0000-0000-0000-000000000000', 'deployer'),
      404,
      'WEBHOOK_NOT_FOUND',
    );
    const { id } = (await create({ url: 'http://127.0.0.1:7201/', events: ['alias.deleted'] })).json();
    expect((await req('DELETE', `/api/v1/webhooks/${id}`, 'deployer')).statusCode).toBe(204);
  });
});
