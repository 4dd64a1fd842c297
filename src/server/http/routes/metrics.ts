/**
 * @module server/http/routes/metrics
 * Prometheus exposition at `/metrics`: a `viewer` token, or open when `metrics.public` is true.
 */
import type { ServingMetrics } from '../../../serve/serving-metrics.js';
import type { RouteModule } from '../http-app.js';

export function metricsRoutes(metrics: ServingMetrics): RouteModule {
  return (app, services) => {
    app.get(
      '/metrics',
      {
        config: { minRole: services.config.metrics.public ? 'open' : 'viewer' },
        schema: {
          tags: ['metrics'],
          summary: 'Prometheus metrics (serving latency, queue vs compute, batch sizes, …)',
        },
      },
      async (_request, reply) => {
        const { contentType, body } = await metrics.exposition();
        return reply.header('content-type', contentType).send(body);
      },
    );
  };
}
