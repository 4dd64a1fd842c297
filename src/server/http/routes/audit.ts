/**
 * @module server/http/routes/audit
 * The audit log: events (admin: exporting the log is an admin act), verification, signed
 * checkpoints and Merkle proofs (viewer: they reveal hashes, not events).
 */
import { Type } from 'typebox';
import type { RouteModule } from '../http-app.js';

const Int = (d: string) => Type.Optional(Type.Integer({ minimum: 0, description: d }));

export const auditRoutes: RouteModule = (app, services) => {
  const { audit } = services;

  app.get(
    '/api/v1/audit/events',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Audit events in seq order, filtered',
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String()),
            action: Type.Optional(Type.String()),
            resource: Type.Optional(Type.String()),
            after_seq: Int('only events after this seq'),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const events = await audit.list({
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.resource ? { resource: q.resource } : {}),
        ...(q.after_seq !== undefined ? { afterSeq: q.after_seq } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
      return { events };
    },
  );

  app.get(
    '/api/v1/audit/events/:seq',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'One audit event',
        params: Type.Object({ seq: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request) => audit.get(request.params.seq),
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['audit'],
        summary: 'Recompute every leaf, root and signature; name the first bad entry',
      },
    },
    async () => audit.verify(),
  );

  app.get(
    '/api/v1/audit/checkpoint',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['audit'],
        summary: 'The latest signed checkpoint, with the public key, for safekeeping elsewhere',
      },
    },
    async () => ({ checkpoint: await audit.latestCheckpoint() }),
  );

  app.get(
    '/api/v1/audit/checkpoints',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['audit'],
        summary: 'Signed checkpoints in tree-size order',
        querystring: Type.Object(
          {
            after_size: Int('only checkpoints after this size'),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({
      checkpoints: await audit.checkpoints({
        ...(request.query.after_size !== undefined ? { afterSize: request.query.after_size } : {}),
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
      }),
    }),
  );

  app.get(
    '/api/v1/audit/proofs/inclusion/:seq',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['audit'],
        summary: 'RFC 9162 inclusion proof of an event in the tree of tree_size events',
        params: Type.Object({ seq: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object(
          { tree_size: Int('tree size (default: all)') },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => audit.inclusionProof(request.params.seq, request.query.tree_size),
  );

  app.get(
    '/api/v1/audit/proofs/consistency',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['audit'],
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: Type.Object(
          { from: Type.Integer({ minimum: 1 }), to: Int('larger tree size (default: all)') },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => audit.consistencyProof(request.query.from, request.query.to),
  );
};
