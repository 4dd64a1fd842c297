/**
 * @module server/http/routes/webhooks
 * Webhooks on registry events: create (the signing secret is returned once), list, delete.
 */
import { Type } from 'typebox';
import { WEBHOOK_EVENT_TYPES } from '../../../registry/webhooks/webhook-events.js';
import type { RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

const WebhookInfo = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  model: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

export const webhookRoutes: RouteModule = (app, services) => {
  const { webhooks } = services;
  app.post(
    '/api/v1/webhooks',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL (must match network.allow) to registry events; the secret is returned once',
        body: Type.Object(
          {
            url: Type.String({ maxLength: 2048 }),
            events: Type.Array(Type.Union(WEBHOOK_EVENT_TYPES.map((e) => Type.Literal(e))), { minItems: 1 }),
            model: Type.Optional(Type.String()),
            secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([WebhookInfo, Type.Object({ secret: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const created = await webhooks.create(actorOf(request), request.body);
      return reply.status(201).send({ ...created, events: [...created.events] });
    },
  );
  app.get(
    '/api/v1/webhooks',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['webhooks'],
        summary: 'List webhooks (never their secrets)',
        response: { 200: Type.Object({ webhooks: Type.Array(WebhookInfo) }) },
      },
    },
    async () => ({ webhooks: (await webhooks.list()).map((w) => ({ ...w, events: [...w.events] })) }),
  );
  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      await webhooks.delete(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
};
