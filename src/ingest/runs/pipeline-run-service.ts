/**
 * @module ingest/runs/pipeline-run-service
 * Pipeline runs as records: started (RUNNING), then COMPLETED (with the dataset version it made
 * or reused) or FAILED (with the error's code and message). Each transition is audited. A run left
 * RUNNING by a process that died is reported as such; `kiln pipeline runs` shows it.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { KilnError } from '../../core/errors.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { Actor } from '../../govern/auth/roles.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PipelineRunsTable } from '../../store/schema.js';

export type PipelineRunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface PipelineRun {
  readonly id: string;
  readonly pipeline: string;
  readonly specDigest: string;
  readonly versionKey: string | null;
  readonly status: PipelineRunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** `name@N` of the version made or reused; null until COMPLETED (and when blocked). */
  readonly dataset: string | null;
  readonly reused: boolean;
  /** Row counts, validation result, step parameters, quarantine: what `pipeline show` prints. */
  readonly summary: Readonly<Record<string, unknown>> | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly createdBy: string;
}

export interface RunCompletion {
  readonly versionKey: string;
  readonly datasetVersion: number | null;
  readonly reused: boolean;
  readonly summary: Readonly<Record<string, unknown>>;
}

export class PipelineRunService {
  readonly #store: MetadataStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(store: MetadataStore, audit: AuditLog, clock: Clock) {
    this.#store = store;
    this.#audit = audit;
    this.#clock = clock;
  }

  async start(
    actor: Actor,
    pipeline: string,
    specDigest: string,
    id: string = randomUUID(),
  ): Promise<PipelineRun> {
    await this.#store.transaction(async (trx) => {
      await trx
        .insertInto('pipeline_runs')
        .values({
          id,
          pipeline,
          spec_digest: specDigest,
          version_key: null,
          status: 'RUNNING',
          started_at: this.#clock.now().toISOString(),
          ended_at: null,
          dataset_version: null,
          reused: 0,
          summary_json: null,
          error_code: null,
          error_message: null,
          created_by: actor.name,
        })
        .execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'pipeline.run.start',
        resource: `pipeline-run/${id}`,
        details: { pipeline, specDigest },
      });
    });
    return this.get(id);
  }

  async complete(actor: Actor, id: string, done: RunCompletion): Promise<PipelineRun> {
    await this.#store.transaction(async (trx) => {
      await trx
        .updateTable('pipeline_runs')
        .set({
          status: 'COMPLETED',
          ended_at: this.#clock.now().toISOString(),
          version_key: done.versionKey,
          dataset_version: done.datasetVersion,
          reused: done.reused ? 1 : 0,
          summary_json: JSON.stringify(done.summary),
        })
        .where('id', '=', id)
        .execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'pipeline.run.complete',
        resource: `pipeline-run/${id}`,
        details: { datasetVersion: done.datasetVersion, reused: done.reused, versionKey: done.versionKey },
      });
    });
    return this.get(id);
  }

  async fail(
    actor: Actor,
    id: string,
    error: { code: string; message: string },
    summary: Readonly<Record<string, unknown>> | null = null,
  ): Promise<PipelineRun> {
    await this.#store.transaction(async (trx) => {
      await trx
        .updateTable('pipeline_runs')
        .set({
          status: 'FAILED',
          ended_at: this.#clock.now().toISOString(),
          error_code: error.code,
          error_message: error.message.slice(0, 4000),
          summary_json: summary === null ? null : JSON.stringify(summary),
        })
        .where('id', '=', id)
        .execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'pipeline.run.fail',
        resource: `pipeline-run/${id}`,
        details: { code: error.code },
      });
    });
    return this.get(id);
  }

  async get(id: string): Promise<PipelineRun> {
    const row = await this.#store.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new KilnError('PIPELINE_RUN_NOT_FOUND', `no pipeline run with id "${id}"`, { id });
    return toRun(row);
  }

  /** Newest first; `pipeline` narrows to one pipeline. */
  async list(options: { pipeline?: string; limit?: number } = {}): Promise<PipelineRun[]> {
    const limit = options.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new KilnError('INVALID_ARGUMENT', `limit: expected an integer from 1 to 1000, got ${limit}`, {
        field: 'limit',
      });
    }
    let q = this.#store.db.selectFrom('pipeline_runs').selectAll();
    if (options.pipeline !== undefined) q = q.where('pipeline', '=', options.pipeline);
    const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toRun);
  }
}

function toRun(row: PipelineRunsTable): PipelineRun {
  return {
    id: row.id,
    pipeline: row.pipeline,
    specDigest: row.spec_digest,
    versionKey: row.version_key,
    status: row.status as PipelineRunStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    dataset: row.dataset_version === null ? null : `${row.pipeline}@${row.dataset_version}`,
    reused: row.reused === 1,
    summary: row.summary_json === null ? null : JSON.parse(row.summary_json),
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    createdBy: row.created_by,
  };
}
