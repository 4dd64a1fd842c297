/**
 * Walks the whole route table of the HTTP app and checks every route's access rule over HTTP:
 * no token, a malformed header, a token of each role below the route's minimum, a revoked token
 * and an expired token are all refused before the handler runs; open routes answer without one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { ROLES, type Role, SYSTEM_ACTOR } from '../../govern/auth/roles.js';
import { createTestKiln } from '../test-support/test-kiln.js';
import { buildHttpApp, type RouteInfo } from './http-app.js';

/** Every route that answers without a token. A new open route must be added here on purpose. */
const OPEN_ROUTES = [
  'GET /api/v1/health',
  'GET /v2/health/live',
  'GET /v2/health/ready',
  'GET /api/docs',
  'GET /api/docs/json',
  'GET /api/docs/yaml',
  'GET /api/docs/static/index.html',
  'GET /api/docs/static/swagger-initializer.js',
  'GET /api/docs/static/*',
].sort();

/** Routes whose access is decided per request by a function; each needs tests of its own. */
const DYNAMIC_ACCESS_ROUTES: string[] = [];

const PARAM_VALUES: Readonly<Record<string, string>> = {
  name: 'fraud',
  version: '1',
  alias: 'champion',
  seq: '1',
  id: 'x',
};

const clock = new ManualClock('2026-03-01T00:00:00.000Z');
const t = await createTestKiln({ clock });
afterAll(() => t.close());

// Admin tokens, so that nothing but revocation or expiry can be the reason they are refused.
const revoked = await t.kiln.tokens.create(SYSTEM_ACTOR, { name: 'revoked-admin', role: 'admin' });
await t.kiln.tokens.revoke(SYSTEM_ACTOR, 'revoked-admin');
const expiring = await t.kiln.tokens.create(SYSTEM_ACTOR, {
  name: 'expiring-admin',
  role: 'admin',
  expiresInDays: 1,
});

const keyOf = (r: RouteInfo) => `${r.method} ${r.url}`;
const table = t.http.routes;
const closed = table.filter((r) => r.minRole !== 'open' && typeof r.minRole !== 'function');
const roleOf = (r: RouteInfo) => r.minRole as Role;

function pathOf(url: string): string {
  return url
    .replace(/:([A-Za-z_]\w*)/g, (_, p: string) => PARAM_VALUES[p] ?? 'x')
    .replace(/\*$/, 'swagger-ui.css');
}

async function call(route: RouteInfo, authorization?: string) {
  return t.http.app.inject({
    method: route.method as 'GET',
    url: pathOf(route.url),
    headers: authorization === undefined ? {} : { authorization },
  });
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect((body.message as string).length).toBeGreaterThan(0);
  return body;
}

describe('the route table', () => {
  it('has a route for each part of the API, each listed once', () => {
    expect(table.length).toBeGreaterThan(30);
    const keys = table.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every route an access rule', () => {
    expect(table.filter((r) => r.minRole === undefined).map(keyOf)).toEqual([]);
    for (const r of table) {
      if (typeof r.minRole === 'function') continue;
      expect([...ROLES, 'open']).toContain(r.minRole);
    }
  });

  it('opens exactly the health routes and the API documentation', () => {
    expect(
      table
        .filter((r) => r.minRole === 'open')
        .map(keyOf)
        .sort(),
    ).toEqual(OPEN_ROUTES);
  });

  it('decides access per request only on the routes tested for it', () => {
    expect(table.filter((r) => typeof r.minRole === 'function').map(keyOf)).toEqual(DYNAMIC_ACCESS_ROUTES);
  });

  it('keeps token management and the audit-event export for admins', () => {
    const admin = table.filter((r) => r.minRole === 'admin').map(keyOf);
    expect(admin).toEqual(
      expect.arrayContaining([
        'POST /api/v1/tokens',
        'GET /api/v1/tokens',
        'DELETE /api/v1/tokens/:name',
        'GET /api/v1/audit/events',
      ]),
    );
  });
});

describe.each(table.filter((r) => r.minRole === 'open').map((r) => [keyOf(r), r] as const))(
  'open route %s',
  (_, route) => {
    it('answers without a token', async () => {
      const res = await call(route);
      expect(res.statusCode).toBeLessThan(400);
    });
  },
);

describe.each(closed.map((r) => [keyOf(r), r] as const))('%s', (_, route) => {
  it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
    const body = expectError(await call(route), 401, 'UNAUTHENTICATED');
    expect(body.message).toMatch(/Bearer/);
    expect(body.details).toEqual({});
  });

  it.each([
    ['a bare "Bearer"', 'Bearer'],
    ['"Bearer " and spaces', 'Bearer   '],
    ['a Basic credential', 'Basic abc'],
    ['a made-up Kiln token', 'Bearer kiln_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a token that is not a Kiln token', 'Bearer ghp_0123456789abcdef'],
    ['two tokens', () => `Bearer ${t.tokens.admin} ${t.tokens.admin}`],
  ])('refuses %s with 401', async (_what, header) => {
    const value = typeof header === 'function' ? header() : header;
    expectError(await call(route, value), 401, 'UNAUTHENTICATED');
  });

  const below = ROLES.slice(0, ROLES.indexOf(roleOf(route)));
  if (below.length > 0) {
    it.each(below)(
      `refuses %s (below ${String(route.minRole)}) with 403 PERMISSION_DENIED naming the role`,
      async (role) => {
        const body = expectError(await call(route, t.auth(role).authorization), 403, 'PERMISSION_DENIED');
        expect(body.message).toContain(`needs the ${roleOf(route)} role`);
        expect(body.message).toContain(route.url);
        expect(body.details).toEqual({ required: roleOf(route), role });
      },
    );
  }

  it('lets the minimum role and every role above it past the access check', async () => {
    for (const role of ROLES.slice(ROLES.indexOf(roleOf(route)))) {
      const res = await call(route, t.auth(role).authorization);
      expect([401, 403]).not.toContain(res.statusCode);
    }
  });

  it('refuses a revoked token with 401', async () => {
    const body = expectError(await call(route, `Bearer ${revoked.token}`), 401, 'UNAUTHENTICATED');
    expect(body.message).toContain('revoked');
  });

  it('refuses an expired token with 401', async () => {
    clock.set('2026-03-02T00:00:00.001Z');
    try {
      const body = expectError(await call(route, `Bearer ${expiring.token}`), 401, 'UNAUTHENTICATED');
      expect(body.message).toContain('expired');
    } finally {
      clock.set('2026-03-01T00:00:00.000Z');
    }
  });
});

describe.each(closed.filter((r) => r.method === 'GET').map((r) => [keyOf(r)] as const))(
  'HEAD for %s',
  (key) => {
    it('is guarded like GET', async () => {
      const res = await t.http.app.inject({ method: 'HEAD', url: pathOf(key.slice('GET '.length)) });
      expect(res.statusCode).toBe(401);
    });
  },
);

describe('tokens that work', () => {
  it('accepts the expiring token before its expiry, and refuses it from the instant it expires', async () => {
    const route = { method: 'GET', url: '/api/v1/tokens', minRole: 'admin' } as const;
    clock.set('2026-03-01T23:59:59.999Z');
    expect((await call(route, `Bearer ${expiring.token}`)).statusCode).toBe(200);
    clock.set('2026-03-02T00:00:00.000Z');
    expect((await call(route, `Bearer ${expiring.token}`)).statusCode).toBe(401);
    clock.set('2026-03-01T00:00:00.000Z');
  });

  it('accepts the scheme in any letter case', async () => {
    const res = await call(
      { method: 'GET', url: '/api/v1/tokens', minRole: 'admin' },
      `bearer ${t.tokens.admin}`,
    );
    expect(res.statusCode).toBe(200);
  });
});

describe('a route that declares no access rule', () => {
  it('is listed without one and is closed to all but admins', async () => {
    const built = await buildHttpApp({
      services: t.kiln,
      logger: false,
      routes: [(app) => void app.get('/api/v1/forgotten', async () => ({ ok: true }))],
    });
    try {
      expect(built.routes.find((r) => r.url === '/api/v1/forgotten')).toEqual({
        method: 'GET',
        url: '/api/v1/forgotten',
        minRole: undefined,
      });
      const inject = (role?: Role) =>
        built.app.inject({ method: 'GET', url: '/api/v1/forgotten', headers: role ? t.auth(role) : {} });
      expectError(await inject(), 401, 'UNAUTHENTICATED');
      for (const role of ROLES.filter((r) => r !== 'admin'))
        expectError(await inject(role), 403, 'PERMISSION_DENIED');
      expect((await inject('admin')).json()).toEqual({ ok: true });
    } finally {
      await built.app.close();
    }
  });
});

describe('an unknown route', () => {
  it('is 404 NOT_FOUND with or without a token, not an access error', async () => {
    for (const headers of [{}, t.auth('viewer'), { authorization: 'Basic abc' }]) {
      const res = await t.http.app.inject({ method: 'GET', url: '/api/v1/no-such-route', headers });
      expectError(res, 404, 'NOT_FOUND');
    }
  });
});
