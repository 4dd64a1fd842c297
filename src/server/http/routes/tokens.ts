/**
 * @module server/http/routes/tokens
 * API tokens (admin): create (the secret is returned once), list, revoke.
 */
import { Type } from 'typebox';
import { ROLES } from '../../../govern/auth/roles.js';
import type { RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

const TokenInfo = Type.Object({
  name: Type.String(),
  role: Type.String(),
  prefix: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

export const tokenRoutes: RouteModule = (app, services) => {
  app.post(
    '/api/v1/tokens',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create a token; the secret is in the response and nowhere else',
        body: Type.Object(
          {
            name: Type.String(),
            role: Type.Union(ROLES.map((r) => Type.Literal(r))),
            expires_in_days: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([TokenInfo, Type.Object({ token: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await services.tokens.create(actorOf(request), {
        name: b.name,
        role: b.role,
        expiresInDays: b.expires_in_days,
      });
      return reply.status(201).send(created);
    },
  );
  app.get(
    '/api/v1/tokens',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'List tokens (never their secrets)',
        response: { 200: Type.Object({ tokens: Type.Array(TokenInfo) }) },
      },
    },
    async () => ({ tokens: await services.tokens.list() }),
  );
  app.delete(
    '/api/v1/tokens/:name',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token',
        params: Type.Object({ name: Type.String() }),
        response: { 200: TokenInfo },
      },
    },
    async (request) => services.tokens.revoke(actorOf(request), request.params.name),
  );
};
