/**
 * @module server/http/routes/monitors
 * Monitors (`/api/v1/monitors`): create, list, show, delete, run now, runs, metric history and the
 * latest drift report (JSON or self-contained HTML). Reading needs `viewer`; changing and running
 * need `engineer`.
 */
import { Type } from 'typebox';
import { KilnError } from '../../../core/errors.js';
import type { Monitor, MonitorRun } from '../../../monitor/monitors/monitor-service.js';
import { renderDriftReportHtml } from '../../../monitor/reports/drift-report-html.js';
import type { RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

const NameParams = Type.Object({ name: Type.String() });

export function monitorToWire(m: Monitor) {
  return {
    name: m.name,
    deployment: m.deployment,
    reference: m.config.reference,
    window: m.config.window,
    schedule: m.config.schedule,
    columns: m.config.columns,
    tests: m.config.tests,
    thresholds: m.config.thresholds,
    drift_share: m.config.driftShare,
    alerts: m.config.alerts,
    actions: m.config.actions,
    created_by: m.createdBy,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

/** A run without its full report (GET …/report has it), but with the per-column verdicts. */
export function runToWire(r: MonitorRun, withReport = false) {
  return {
    id: r.id,
    monitor: r.monitor,
    status: r.status,
    window_start: r.windowStart,
    window_end: r.windowEnd,
    reference: r.reference,
    rows: r.rows,
    dataset_drift: r.report?.dataset_drift ?? null,
    share_of_drifted_columns: r.report?.share_of_drifted_columns ?? null,
    columns:
      r.report?.columns.map((c) => ({
        column: c.column,
        test: c.test,
        statistic: c.statistic,
        threshold: c.threshold,
        drifted: c.drifted,
      })) ?? [],
    alerts: r.alerts,
    error: r.error ?? null,
    created_at: r.createdAt,
    ...(withReport ? { report: r.report } : {}),
  };
}

export const monitorRoutes: RouteModule = (app, services) => {
  const { monitors } = services;

  app.post(
    '/api/v1/monitors',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['monitoring'],
        summary: "Create a drift monitor of a deployment's logged requests",
        body: Type.Object(
          {
            name: Type.String(),
            deployment: Type.String(),
            reference: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            window: Type.Optional(Type.String()),
            schedule: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            columns: Type.Optional(Type.Array(Type.String())),
            tests: Type.Optional(Type.Record(Type.String(), Type.String())),
            thresholds: Type.Optional(Type.Record(Type.String(), Type.Number())),
            drift_share: Type.Optional(Type.Number()),
            alerts: Type.Optional(Type.Array(Type.Unknown())),
            actions: Type.Optional(Type.Array(Type.String())),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const m = await monitors.create(actorOf(request), b.name, b.deployment, {
        reference: b.reference,
        window: b.window,
        schedule: b.schedule,
        columns: b.columns,
        tests: b.tests,
        thresholds: b.thresholds,
        driftShare: b.drift_share,
        alerts: b.alerts,
        actions: b.actions,
      });
      return reply.status(201).send(monitorToWire(m));
    },
  );
  app.get(
    '/api/v1/monitors',
    { config: { minRole: 'viewer' }, schema: { tags: ['monitoring'], summary: 'List monitors' } },
    async () => ({ monitors: (await monitors.list()).map(monitorToWire) }),
  );
  app.get(
    '/api/v1/monitors/:name',
    {
      config: { minRole: 'viewer' },
      schema: { tags: ['monitoring'], summary: 'A monitor and its last run', params: NameParams },
    },
    async (request) => {
      const m = await monitors.get(request.params.name);
      const [last] = await monitors.runs(m.name, 1);
      return { ...monitorToWire(m), last_run: last ? runToWire(last) : null };
    },
  );
  app.delete(
    '/api/v1/monitors/:name',
    {
      config: { minRole: 'engineer' },
      schema: { tags: ['monitoring'], summary: 'Delete a monitor and its schedule', params: NameParams },
    },
    async (request, reply) => {
      await monitors.delete(actorOf(request), request.params.name);
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/v1/monitors/:name/run',
    {
      config: { minRole: 'engineer' },
      schema: { tags: ['monitoring'], summary: 'Evaluate the monitor now', params: NameParams },
    },
    async (request) => runToWire(await monitors.run(actorOf(request), request.params.name)),
  );
  app.get(
    '/api/v1/monitors/:name/runs',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['monitoring'],
        summary: 'Runs, newest first',
        params: NameParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => ({
      runs: (await monitors.runs(request.params.name, request.query.limit ?? 20)).map((r) => runToWire(r)),
    }),
  );
  app.get(
    '/api/v1/monitors/:name/history',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['monitoring'],
        summary: 'Metric history (dataset, window, entity, name, value, tags), oldest first',
        params: NameParams,
        querystring: Type.Object({
          metric: Type.Optional(Type.String()),
          entity: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
        }),
      },
    },
    async (request) => ({
      points: await monitors.history(request.params.name, {
        ...(request.query.metric ? { metric: request.query.metric } : {}),
        ...(request.query.entity ? { entity: request.query.entity } : {}),
        ...(request.query.limit ? { limit: request.query.limit } : {}),
      }),
    }),
  );
  app.get(
    '/api/v1/monitors/:name/report',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['monitoring'],
        summary: "The latest run's drift report, JSON or self-contained HTML",
        params: NameParams,
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])),
        }),
      },
    },
    async (request, reply) => {
      const runs = await monitors.runs(request.params.name, 50);
      const run = runs.find((r) => r.report !== null);
      if (!run?.report) {
        throw new KilnError(
          'NOT_FOUND',
          `monitor ${request.params.name} has no run with a report yet (runs so far: ${runs.length}); try kiln monitor run ${request.params.name}`,
          { monitor: request.params.name },
        );
      }
      if (request.query.format === 'html') {
        return reply.type('text/html; charset=utf-8').send(renderDriftReportHtml(run.report));
      }
      return runToWire(run, true);
    },
  );
};
