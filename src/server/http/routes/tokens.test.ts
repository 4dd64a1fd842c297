/**
 * Token routes over HTTP: the secret is shown once, lists never carry a secret or its hash,
 * revocation takes effect at once, and bad requests get stable error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../govern/auth/token-service.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

let t: TestKiln;
beforeAll(async () => {
  t = await createTestKiln();
});
afterAll(() => t.close());

const admin = () => t.auth('admin');

async function createToken(payload: unknown) {
  return t.http.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: admin(),
    payload: payload as object,
  });
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  return body as { code: string; message: string; details: Record<string, unknown> };
}

describe('POST /api/v1/tokens', () => {
  it('returns the secret once, with the token info, and the secret works', async () => {
    const res = await createToken({ name: 'ci', role: 'engineer' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      name: 'ci',
      role: 'engineer',
      createdBy: 'admin',
      expiresAt: null,
      revokedAt: null,
    });
    expect(body.token).toMatch(/^kiln_[A-Za-z0-9_-]{43}$/);
    expect(body.token.startsWith(body.prefix)).toBe(true);
    expect(body.prefix.length).toBeLessThan(body.token.length / 2);

    const me = await t.http.app.inject({
      method: 'GET',
      url: '/api/v1/models',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.statusCode).toBe(200);
    // engineer is below admin: the new token cannot manage tokens.
    const denied = await t.http.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expectError(denied, 403, 'PERMISSION_DENIED');
  });

  it('sets an expiry when expires_in_days is given', async () => {
    const res = await createToken({ name: 'short-lived', role: 'viewer', expires_in_days: 2 });
    expect(res.statusCode).toBe(201);
    const { createdAt, expiresAt } = res.json();
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(2 * 86_400_000);
  });

  it('refuses a duplicate name with 409 TOKEN_EXISTS, keeping the first token valid', async () => {
    const first = (await createToken({ name: 'dup', role: 'viewer' })).json();
    const body = expectError(await createToken({ name: 'dup', role: 'admin' }), 409, 'TOKEN_EXISTS');
    expect(body.message).toContain('"dup"');
    const list = (await t.http.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: admin() })).json();
    expect(list.tokens.filter((x: { name: string }) => x.name === 'dup')).toEqual([
      expect.objectContaining({ role: 'viewer' }),
    ]);
    const still = await t.http.app.inject({
      method: 'GET',
      url: '/api/v1/models',
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(still.statusCode).toBe(200);
  });

  it('refuses a role that does not exist with 400 naming the field', async () => {
    const body = expectError(
      await createToken({ name: 'bad-role', role: 'superuser' }),
      400,
      'INVALID_ARGUMENT',
    );
    expect(body.message).toContain('role');
  });

  it.each([
    ['a name breaking the naming rule', { name: '1abc', role: 'viewer' }, 'INVALID_NAME'],
    ['a name with a slash', { name: 'a/b', role: 'viewer' }, 'INVALID_NAME'],
    ['no name', { role: 'viewer' }, 'INVALID_ARGUMENT'],
    ['a zero expiry', { name: 'zero', role: 'viewer', expires_in_days: 0 }, 'INVALID_ARGUMENT'],
    ['an unknown key', { name: 'extra', role: 'viewer', scopes: ['all'] }, 'INVALID_ARGUMENT'],
  ])('refuses %s with 400', async (_what, payload, code) => {
    expectError(await createToken(payload), 400, code);
    const list = (await t.http.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: admin() })).json();
    expect(list.tokens.map((x: { name: string }) => x.name)).not.toContain(
      (payload as { name?: string }).name,
    );
  });

  it('records the creation in the audit log, without the secret', async () => {
    const created = (await createToken({ name: 'audited', role: 'deployer' })).json();
    const res = await t.http.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=token.create&resource=token/audited',
      headers: admin(),
    });
    expect(res.json().events).toEqual([
      expect.objectContaining({ actor: 'admin', action: 'token.create', resource: 'token/audited' }),
    ]);
    expect(res.body).not.toContain(created.token);
  });
});

describe('GET /api/v1/tokens', () => {
  it('lists every token and never a secret or its hash', async () => {
    const secrets = [t.tokens.viewer, t.tokens.admin];
    for (const [name, role] of [
      ['list-a', 'viewer'],
      ['list-b', 'admin'],
    ] as const) {
      secrets.push((await createToken({ name, role })).json().token);
    }
    const res = await t.http.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: admin() });
    expect(res.statusCode).toBe(200);
    const names = res.json().tokens.map((x: { name: string }) => x.name);
    expect(names).toEqual(
      expect.arrayContaining(['admin', 'viewer', 'predictor', 'engineer', 'deployer', 'list-a', 'list-b']),
    );
    for (const secret of secrets) {
      expect(res.body).not.toContain(secret);
      expect(res.body).not.toContain(secret.slice('kiln_'.length));
      expect(res.body).not.toContain(hashToken(secret));
    }
    for (const info of res.json().tokens) {
      expect(Object.keys(info).sort()).toEqual(
        ['createdAt', 'createdBy', 'expiresAt', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role'].sort(),
      );
    }
  });
});

describe('DELETE /api/v1/tokens/:name', () => {
  it('revokes a token: it stops working at once and stays listed as revoked', async () => {
    const { token } = (await createToken({ name: 'to-revoke', role: 'deployer' })).json();
    const ok = await t.http.app.inject({
      method: 'GET',
      url: '/api/v1/models',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);

    const res = await t.http.app.inject({
      method: 'DELETE',
      url: '/api/v1/tokens/to-revoke',
      headers: admin(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'to-revoke', role: 'deployer' });
    expect(Date.parse(res.json().revokedAt)).not.toBeNaN();
    expect(res.body).not.toContain(token);

    const refused = await t.http.app.inject({
      method: 'GET',
      url: '/api/v1/models',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(expectError(refused, 401, 'UNAUTHENTICATED').message).toContain('revoked');

    const list = (await t.http.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: admin() })).json();
    expect(list.tokens.find((x: { name: string }) => x.name === 'to-revoke').revokedAt).toBe(
      res.json().revokedAt,
    );
  });

  it('is idempotent: revoking again keeps the first revocation time', async () => {
    await createToken({ name: 'twice', role: 'viewer' });
    const first = (
      await t.http.app.inject({ method: 'DELETE', url: '/api/v1/tokens/twice', headers: admin() })
    ).json();
    const again = await t.http.app.inject({
      method: 'DELETE',
      url: '/api/v1/tokens/twice',
      headers: admin(),
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().revokedAt).toBe(first.revokedAt);
  });

  it('answers 404 TOKEN_NOT_FOUND for an unknown token, and a valid revocation still works after', async () => {
    const body = expectError(
      await t.http.app.inject({ method: 'DELETE', url: '/api/v1/tokens/nobody', headers: admin() }),
      404,
      'TOKEN_NOT_FOUND',
    );
    expect(body.message).toContain('"nobody"');
    await createToken({ name: 'after-404', role: 'viewer' });
    expect(
      (await t.http.app.inject({ method: 'DELETE', url: '/api/v1/tokens/after-404', headers: admin() }))
        .statusCode,
    ).toBe(200);
  });
});
