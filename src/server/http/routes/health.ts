/**
 * @module server/http/routes/health
 * Open health routes: `GET /api/v1/health` (control plane) and the Open Inference Protocol's
 * `GET /v2/health/live` and `GET /v2/health/ready`.
 */
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { RouteModule } from '../http-app.js';

export const healthRoutes: RouteModule = (app, services) => {
  app.get(
    '/api/v1/health',
    {
      config: { minRole: 'open' },
      schema: {
        tags: ['health'],
        summary: 'Control-plane health: the metadata store answers',
        security: [],
        response: {
          200: Type.Object({ status: Type.String(), store: Type.String(), version: Type.String() }),
        },
      },
    },
    async () => {
      await sql`select 1`.execute(services.store.db);
      return { status: 'ok', store: services.store.dialect, version: '0.1.0' };
    },
  );
  app.get(
    '/v2/health/live',
    {
      config: { minRole: 'open' },
      schema: { tags: ['inference'], summary: 'Server liveness (Open Inference Protocol)', security: [] },
    },
    async () => ({ live: true }),
  );
  app.get(
    '/v2/health/ready',
    {
      config: { minRole: 'open' },
      schema: { tags: ['inference'], summary: 'Server readiness (Open Inference Protocol)', security: [] },
    },
    async () => ({ ready: true }),
  );
};
