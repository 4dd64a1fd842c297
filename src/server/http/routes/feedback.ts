/**
 * @module server/http/routes/feedback
 * Ground truth over REST. `POST /api/v1/deployments/:name/feedback` (engineer): the body is the
 * feedback batch itself — CSV, TSV, JSON (array or NDJSON) or Parquet, by content type or
 * `?format=` — keyed by `request_id` or `?key=<logged column>`; answers the ingest summary.
 * `GET /api/v1/deployments/:name/performance` (viewer): model performance per window.
 */
import { Type } from 'typebox';
import { feedbackFormat, withStagedFeedback } from '../../../monitor/feedback/feedback-upload.js';
import type { PerformanceTask } from '../../../monitor/feedback/performance-report.js';
import { parseTime, parseWindow } from '../../../monitor/feedback/window-duration.js';
import type { KilnHttpApp, RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

const NameParams = Type.Object({ name: Type.String() });

const FeedbackQuery = Type.Object(
  {
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    format: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const PerformanceQuery = Type.Object(
  {
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    window: Type.Optional(Type.String()),
    score_output: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    threshold: Type.Optional(Type.Number()),
    task: Type.Optional(Type.Union([Type.Literal('classification'), Type.Literal('regression')])),
    positive_label: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const feedbackRoutes: RouteModule = (app, services) => {
  // The body is the batch's bytes whatever its type: CSV and Parquet as much as JSON.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    (scope as KilnHttpApp).post(
      '/api/v1/deployments/:name/feedback',
      {
        config: { minRole: 'engineer' },
        schema: {
          tags: ['monitoring'],
          summary:
            'Post ground-truth labels (CSV/TSV/JSON/NDJSON/Parquet body with request_id or ?key= column, and label)',
          params: NameParams,
          querystring: FeedbackQuery,
        },
      },
      async (request) => {
        const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
        const format = feedbackFormat(request.headers['content-type'], request.query.format);
        return withStagedFeedback(services.workspaceDir, body, format, (path, dir) =>
          services.feedback.ingest(
            actorOf(request),
            request.params.name,
            { path },
            {
              baseDir: dir,
              allowedRoots: [dir],
              ...(request.query.key ? { key: request.query.key } : {}),
            },
          ),
        );
      },
    );
  });

  app.get(
    '/api/v1/deployments/:name/performance',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['monitoring'],
        summary: 'Model performance per time window: the inference log joined with the latest labels',
        params: NameParams,
        querystring: PerformanceQuery,
      },
    },
    async (request) => {
      const q = request.query;
      return services.feedback.performance(request.params.name, {
        ...(q.from !== undefined ? { from: parseTime(q.from, 'from') } : {}),
        ...(q.to !== undefined ? { to: parseTime(q.to, 'to') } : {}),
        ...(q.window !== undefined ? { windowMs: parseWindow(q.window) } : {}),
        ...(q.score_output !== undefined ? { scoreOutput: q.score_output } : {}),
        ...(q.threshold !== undefined ? { threshold: q.threshold } : {}),
        ...(q.task !== undefined ? { task: q.task as PerformanceTask } : {}),
        ...(q.positive_label !== undefined ? { positiveLabel: q.positive_label } : {}),
      });
    },
  );
};
