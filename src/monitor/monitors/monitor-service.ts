/**
 * @module monitor/monitors/monitor-service
 * Monitors: scheduled drift checks of a deployment. Each run compares the window of logged
 * requests `[now − window, now)` (the inference log) with the reference — a dataset version, by
 * default the training dataset of the served model version (its lineage), or `previous-window`
 * (the window before, which also covers the model's outputs: prediction drift). Results are kept
 * as a metric history (dataset, window, entity, name, value, tags), the run's report, and
 * Prometheus gauges; alert rules fire actions (log, webhook) in the transaction that records the run.
 */
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import { KilnError, toKilnError } from '../../core/errors.js';
import { assertName, parseModelRef } from '../../core/names.js';
import type { DeploymentService } from '../../deploy/deployment-service.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { Actor } from '../../govern/auth/roles.js';
import type { DatasetService } from '../../ingest/datasets/dataset-service.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { RegistryEventSink } from '../../registry/registry-events.js';
import type { RegistryService } from '../../registry/registry-service.js';
import { DuckEngine, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { MonitorRunsTable, MonitorsTable } from '../../store/schema.js';
import { compareSides } from '../drift-compare.js';
import { DriftMetrics } from '../drift-metrics.js';
import { readInferenceLog } from '../inference-log/inference-log-reader.js';
import { FIXED_COLUMNS } from '../inference-log/log-columns.js';
import type { DriftReport } from '../reports/drift-report-types.js';
import {
  type AlertAction,
  type AlertContext,
  LogAlertAction,
  type WarnLogger,
  WebhookAlertAction,
} from './alert-action.js';
import { type Alert, type Baseline, baselineOf, evaluateAlerts } from './alert-rules.js';
import { type MonitorConfig, type MonitorConfigInput, resolveMonitorConfig } from './monitor-config.js';

export const MONITOR_RUN_JOB = 'monitor.run';
export const PREVIOUS_WINDOW = 'previous-window';
/** Reference chunks for the sigma rule's baseline (NannyML uses ~10 chunks). */
const BASELINE_CHUNKS = 10;

export interface Monitor {
  readonly name: string;
  readonly deployment: string;
  readonly config: MonitorConfig;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type MonitorRunStatus = 'OK' | 'DRIFT' | 'EMPTY_WINDOW' | 'FAILED';

export interface MonitorRun {
  readonly id: string;
  readonly monitor: string;
  readonly status: MonitorRunStatus;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly reference: string | null;
  readonly rows: number;
  readonly report: DriftReport | null;
  readonly alerts: readonly Alert[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly createdAt: string;
}

export interface MetricPoint {
  readonly dataset: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly entity: string;
  readonly name: string;
  readonly value: number | null;
  readonly tags: Readonly<Record<string, string>>;
}

export interface MonitorDeps {
  readonly store: MetadataStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly jobs: JobQueue;
  readonly deployments: DeploymentService;
  readonly registry: RegistryService;
  readonly datasets: DatasetService;
  readonly events: RegistryEventSink;
  readonly logger: WarnLogger;
  readonly workspaceDir: string;
  readonly memoryLimit?: string;
  /** Above this many rows on a side, drift is computed with bounded-memory sketches. */
  readonly exactMaxRows?: number;
  /** Extra actions by name (retraining and rollback will register here). */
  readonly actions?: readonly AlertAction[];
}

export class MonitorService {
  readonly #deps: MonitorDeps;
  readonly #actions: Map<string, AlertAction>;
  #metrics: DriftMetrics | null = null;

  constructor(deps: MonitorDeps) {
    this.#deps = deps;
    const actions: AlertAction[] = [
      new LogAlertAction(deps.logger),
      new WebhookAlertAction(deps.events),
      ...(deps.actions ?? []),
    ];
    this.#actions = new Map(actions.map((a) => [a.name, a]));
  }

  /** Exposes the drift gauges on `registry` (the server's `/metrics` registry). */
  attachMetrics(registry: Registry): void {
    if (!this.#metrics) this.#metrics = new DriftMetrics(registry);
  }

  /** Installs the `monitor.run` job handler (scheduled runs). */
  register(jobs: JobQueue = this.#deps.jobs): void {
    jobs.register(MONITOR_RUN_JOB, async (payload) => {
      const name = (payload as { monitor?: unknown })?.monitor;
      if (typeof name !== 'string')
        throw new KilnError('INVALID_ARGUMENT', 'monitor.run: payload.monitor missing');
      const run = await this.run({ name: 'scheduler', role: 'admin' }, name);
      return { status: run.status, alerts: run.alerts.length };
    });
  }

  async create(actor: Actor, name: string, deployment: string, input: MonitorConfigInput): Promise<Monitor> {
    assertName(name, 'name');
    await this.#deps.deployments.get(deployment);
    const config = resolveMonitorConfig(input);
    if (config.actions.some((a) => !this.#actions.has(a))) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `actions: unknown action; known: ${[...this.#actions.keys()].join(', ')}`,
      );
    }
    if (config.reference !== null && config.reference !== PREVIOUS_WINDOW) {
      await this.#deps.datasets.getVersion(config.reference);
    } else if (config.reference === null) {
      await this.#lineageReference(deployment);
    }
    const now = this.#deps.clock.now().toISOString();
    await this.#deps.store.transaction(async (trx) => {
      await this.#deps.store.lock(trx, `monitor:${name}`);
      const exists = await trx
        .selectFrom('monitors')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (exists) throw new KilnError('MONITOR_EXISTS', `a monitor named "${name}" already exists`, { name });
      await trx
        .insertInto('monitors')
        .values({
          name,
          deployment,
          config_json: JSON.stringify(config),
          baseline_json: null,
          created_by: actor.name,
          created_at: now,
          updated_at: now,
        })
        .execute();
      if (config.schedule) {
        await this.#deps.jobs.schedule(
          `monitor.${name}`,
          MONITOR_RUN_JOB,
          config.schedule,
          { monitor: name },
          {
            trx,
            actor: actor.name,
          },
        );
      }
      await this.#deps.audit.append(trx, {
        actor: actor.name,
        action: 'monitor.create',
        resource: `monitor/${name}`,
        details: { deployment, config },
      });
    });
    return this.get(name);
  }

  async delete(actor: Actor, name: string): Promise<void> {
    const m = await this.get(name);
    await this.#deps.store.transaction(async (trx) => {
      await trx.deleteFrom('monitors').where('name', '=', name).execute();
      await this.#deps.audit.append(trx, {
        actor: actor.name,
        action: 'monitor.delete',
        resource: `monitor/${name}`,
        details: { deployment: m.deployment },
      });
    });
    if (m.config.schedule)
      await this.#deps.jobs.unschedule(`monitor.${name}`, actor.name).catch(() => undefined);
  }

  async get(name: string): Promise<Monitor> {
    const row = await this.#deps.store.db
      .selectFrom('monitors')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw new KilnError('MONITOR_NOT_FOUND', `no monitor named "${name}"`, { name });
    return toMonitor(row);
  }

  async list(): Promise<Monitor[]> {
    const rows = await this.#deps.store.db.selectFrom('monitors').selectAll().orderBy('name').execute();
    return rows.map(toMonitor);
  }

  /** Evaluates the monitor now: compares the last window with the reference, records, alerts. */
  async run(actor: Actor, name: string, options: { now?: Date } = {}): Promise<MonitorRun> {
    const monitor = await this.get(name);
    const { config } = monitor;
    const end = options.now ?? this.#deps.clock.now();
    const start = new Date(end.getTime() - config.windowMs);
    const runId = randomUUID();
    const deployment = await this.#deps.deployments.get(monitor.deployment);
    const model = parseModelRef(deployment.model, 'model').name;
    let reference: string | null = null;
    let report: DriftReport | null = null;
    let rows = 0;
    let status: MonitorRunStatus;
    let error: { code: string; message: string } | undefined;
    let alerts: Alert[] = [];
    const duck = await DuckEngine.open(
      ':memory:',
      this.#deps.memoryLimit ? { memoryLimit: this.#deps.memoryLimit } : {},
    );
    try {
      const current = await readInferenceLog(this.#deps.workspaceDir, {
        deployment: monitor.deployment,
        from: start,
        to: end,
      });
      rows = current.relation ? await countRows(duck, current.relation) : 0;
      if (rows === 0) {
        status = 'EMPTY_WINDOW';
      } else {
        const ref = await this.#referenceRelation(monitor, start);
        reference = ref.label;
        const refRows = ref.relation ? await countRows(duck, ref.relation) : 0;
        if (!ref.relation || refRows === 0) {
          // A log-window reference with nothing logged in it: nothing to compare with yet.
          status = 'EMPTY_WINDOW';
        } else {
          const columns = await this.#columns(monitor, duck, ref.relation, current.relation!);
          report = await compareSides(
            { relation: ref.relation, label: ref.label },
            {
              relation: current.relation!,
              label: `${monitor.deployment} [${start.toISOString()}, ${end.toISOString()})`,
            },
            {
              columns,
              tests: config.tests,
              thresholds: config.thresholds,
              driftShare: config.driftShare,
              mode: Math.max(rows, refRows) > (this.#deps.exactMaxRows ?? 5_000_000) ? 'sketch' : 'exact',
            },
            { engine: duck, datasets: this.#deps.datasets },
          );
          const baseline = config.alerts.some((r) => r.kind === 'sigma')
            ? await this.#baseline(monitor, duck, ref, columns)
            : null;
          alerts = evaluateAlerts(name, config.alerts, report, baseline);
          status = report.dataset_drift ? 'DRIFT' : 'OK';
        }
      }
    } catch (e) {
      const err = toKilnError(e);
      status = 'FAILED';
      error = { code: err.code, message: err.message };
    } finally {
      duck.close();
    }
    const createdAt = this.#deps.clock.now().toISOString();
    const context: AlertContext = {
      monitor: name,
      deployment: monitor.deployment,
      model,
      windowStart: start.toISOString(),
      windowEnd: end.toISOString(),
      runId,
    };
    await this.#deps.store.transaction(async (trx) => {
      await trx
        .insertInto('monitor_runs')
        .values({
          id: runId,
          monitor: name,
          window_start: context.windowStart,
          window_end: context.windowEnd,
          status,
          report_json: report ? JSON.stringify(report) : null,
          alerts_json: JSON.stringify({ alerts, reference, rows, ...(error ? { error } : {}) }),
          created_at: createdAt,
        })
        .execute();
      for (const p of metricPoints(reference, context, rows, report)) {
        await trx
          .insertInto('monitor_metrics')
          .values({
            id: randomUUID(),
            monitor: name,
            dataset: p.dataset,
            window_start: p.windowStart,
            window_end: p.windowEnd,
            entity: p.entity,
            name: p.name,
            value: p.value,
            tags_json: JSON.stringify(p.tags),
            created_at: createdAt,
          })
          .execute();
      }
      if (alerts.length > 0) {
        for (const actionName of monitor.config.actions)
          await this.#actions.get(actionName)?.fire(trx, context, alerts);
      }
      await this.#deps.audit.append(trx, {
        actor: actor.name,
        action: 'monitor.run',
        resource: `monitor/${name}`,
        details: {
          runId,
          status,
          rows,
          alerts: alerts.length,
          reference,
          ...(error ? { error: error.code } : {}),
        },
      });
    });
    if (report) this.#metrics?.record(name, report);
    return {
      id: runId,
      monitor: name,
      status,
      windowStart: context.windowStart,
      windowEnd: context.windowEnd,
      reference,
      rows,
      report,
      alerts,
      ...(error ? { error } : {}),
      createdAt,
    };
  }

  /** Runs, newest first. */
  async runs(name: string, limit = 20): Promise<MonitorRun[]> {
    await this.get(name);
    const rows = await this.#deps.store.db
      .selectFrom('monitor_runs')
      .selectAll()
      .where('monitor', '=', name)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /** The metric history, oldest first; narrowed by metric name and entity. */
  async history(
    name: string,
    filter: { metric?: string; entity?: string; limit?: number } = {},
  ): Promise<MetricPoint[]> {
    await this.get(name);
    let q = this.#deps.store.db.selectFrom('monitor_metrics').selectAll().where('monitor', '=', name);
    if (filter.metric) q = q.where('name', '=', filter.metric);
    if (filter.entity) q = q.where('entity', '=', filter.entity);
    const rows = await q
      .orderBy('window_end', 'desc')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.reverse().map((r) => ({
      dataset: r.dataset,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      entity: r.entity,
      name: r.name,
      value: r.value === null ? null : Number(r.value),
      tags: JSON.parse(r.tags_json),
    }));
  }

  /** The training dataset of the served model version, from its lineage. */
  async #lineageReference(deployment: string): Promise<string> {
    const d = await this.#deps.deployments.get(deployment);
    const version = await this.#deps.registry.resolve(d.model);
    const ref = version.lineage.datasets?.[0];
    if (!ref) {
      throw new KilnError(
        'DRIFT_INPUT_INVALID',
        `reference: ${version.model}@${version.version} (served by "${deployment}") names no training dataset in its lineage; give --reference name@N or previous-window`,
        { field: 'reference' },
      );
    }
    await this.#deps.datasets.getVersion(ref);
    return ref;
  }

  async #referenceRelation(
    m: Monitor,
    windowStart: Date,
  ): Promise<{ label: string; relation: string | null; datasetPath?: string }> {
    if (m.config.reference === PREVIOUS_WINDOW) {
      const from = new Date(windowStart.getTime() - m.config.windowMs);
      const prev = await readInferenceLog(this.#deps.workspaceDir, {
        deployment: m.deployment,
        from,
        to: windowStart,
      });
      return {
        label: `${m.deployment} [${from.toISOString()}, ${windowStart.toISOString()})`,
        relation: prev.relation,
      };
    }
    const ref = m.config.reference ?? (await this.#lineageReference(m.deployment));
    const { version, path } = await this.#deps.datasets.parquetPath(ref);
    return { label: version.ref, relation: `read_parquet(${quoteLiteral(path)})`, datasetPath: path };
  }

  /** The configured columns, else the features (and, against a log window, outputs) both sides have. */
  async #columns(
    m: Monitor,
    duck: DuckEngine,
    reference: string,
    current: string,
  ): Promise<string[] | undefined> {
    if (m.config.columns) return [...m.config.columns];
    const fixed = new Set<string>(FIXED_COLUMNS);
    const names = async (rel: string) =>
      (await duck.query(`DESCRIBE SELECT * FROM ${rel}`)).rows.map((r) => String(r.column_name));
    const cur = new Set(await names(current));
    const shared = (await names(reference)).filter((c) => cur.has(c) && !fixed.has(c));
    if (shared.length === 0) {
      throw new KilnError(
        'DRIFT_INPUT_INVALID',
        `monitor ${m.name}: the reference and the inference log of "${m.deployment}" have no feature column in common`,
        { reference: m.config.reference, current: [...cur] },
      );
    }
    return shared;
  }

  /** Per column: the deciding statistic of each reference chunk against the whole reference. */
  async #baseline(
    m: Monitor,
    duck: DuckEngine,
    ref: { relation: string | null; datasetPath?: string },
    columns: string[] | undefined,
  ): Promise<Baseline | null> {
    if (!ref.datasetPath || !ref.relation) return null;
    const cached = await this.#deps.store.db
      .selectFrom('monitors')
      .select('baseline_json')
      .where('name', '=', m.name)
      .executeTakeFirst();
    if (cached?.baseline_json) {
      const b = JSON.parse(cached.baseline_json) as { reference: string; baseline: Baseline };
      if (b.reference === ref.datasetPath) return b.baseline;
    }
    const chunks: Record<string, number | null>[] = [];
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE __kiln_ref_chunks AS SELECT *, (row_number() OVER ()) % ${BASELINE_CHUNKS} AS __kiln_chunk FROM ${ref.relation}`,
    );
    for (let i = 0; i < BASELINE_CHUNKS; i++) {
      const chunk = `(SELECT * EXCLUDE (__kiln_chunk) FROM __kiln_ref_chunks WHERE __kiln_chunk = ${i})`;
      const r = await compareSides(
        { relation: ref.relation },
        { relation: chunk },
        { ...(columns ? { columns } : {}), tests: m.config.tests, thresholds: m.config.thresholds },
        { engine: duck },
      );
      chunks.push(Object.fromEntries(r.columns.map((c) => [c.column, c.statistic])));
    }
    const baseline = baselineOf(chunks);
    await this.#deps.store.db
      .updateTable('monitors')
      .set({ baseline_json: JSON.stringify({ reference: ref.datasetPath, baseline }) })
      .where('name', '=', m.name)
      .execute();
    return baseline;
  }
}

function metricPoints(
  reference: string | null,
  w: AlertContext,
  rows: number,
  report: DriftReport | null,
): MetricPoint[] {
  const base = { dataset: reference ?? '', windowStart: w.windowStart, windowEnd: w.windowEnd };
  const points: MetricPoint[] = [{ ...base, entity: 'dataset', name: 'rows', value: rows, tags: {} }];
  if (!report) return points;
  points.push(
    {
      ...base,
      entity: 'dataset',
      name: 'share_of_drifted_columns',
      value: report.share_of_drifted_columns,
      tags: {},
    },
    { ...base, entity: 'dataset', name: 'dataset_drift', value: report.dataset_drift ? 1 : 0, tags: {} },
  );
  for (const c of report.columns) {
    const tags = { test: c.test, score_type: c.score_type };
    points.push(
      { ...base, entity: c.column, name: 'drift_statistic', value: c.statistic, tags },
      { ...base, entity: c.column, name: 'drift_detected', value: c.drifted ? 1 : 0, tags },
    );
  }
  return points;
}

async function countRows(duck: DuckEngine, relation: string): Promise<number> {
  const r = await duck.query(`SELECT count(*) AS n FROM ${relation}`);
  return Number(r.rows[0]?.n ?? 0);
}

function toMonitor(row: MonitorsTable): Monitor {
  return {
    name: row.name,
    deployment: row.deployment,
    config: JSON.parse(row.config_json),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRun(row: MonitorRunsTable): MonitorRun {
  const extra = JSON.parse(row.alerts_json) as {
    alerts: Alert[];
    reference: string | null;
    rows: number;
    error?: { code: string; message: string };
  };
  return {
    id: row.id,
    monitor: row.monitor,
    status: row.status as MonitorRunStatus,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    reference: extra.reference,
    rows: extra.rows,
    report: row.report_json ? JSON.parse(row.report_json) : null,
    alerts: extra.alerts,
    ...(extra.error ? { error: extra.error } : {}),
    createdAt: row.created_at,
  };
}
