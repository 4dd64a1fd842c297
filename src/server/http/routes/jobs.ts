/**
 * @module server/http/routes/jobs
 * Background jobs: list, show, cancel, and the cron schedules.
 */
import { Type } from 'typebox';
import type { JobStatus } from '../../../jobs/job-queue.js';
import type { RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export const jobRoutes: RouteModule = (app, services) => {
  const { jobs } = services;
  app.get(
    '/api/v1/jobs',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['jobs'],
        summary: 'List jobs, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
            type: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query;
      return {
        jobs: await jobs.list({
          ...(q.status ? { status: q.status as JobStatus } : {}),
          ...(q.type ? { type: q.type } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      };
    },
  );
  app.get(
    '/api/v1/jobs/:id',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['jobs'],
        summary: 'Show a job',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request) => jobs.get(request.params.id),
  );
  app.post(
    '/api/v1/jobs/:id/cancel',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a queued job, or ask a running one to stop',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request) => jobs.cancel(request.params.id, actorOf(request).name),
  );
  app.get(
    '/api/v1/job-schedules',
    { config: { minRole: 'viewer' }, schema: { tags: ['jobs'], summary: 'Cron schedules (UTC)' } },
    async () => ({ schedules: await jobs.listSchedules() }),
  );
};
