/**
 * @module jobs/embedded/embedded-job-queue
 * The default job queue: jobs and schedules live in the metadata store (`jobs`, `job_schedules`), so
 * it needs nothing besides SQLite or PostgreSQL, and several processes on one database share the
 * work safely (claims and schedule firing take named locks). Workers run only after `start()`; any
 * process (the CLI too) may enqueue, cancel and read jobs without starting them.
 *
 * Job types need not be registered where jobs are enqueued: handlers live in the serving process,
 * while the CLI enqueues. A worker that claims a job without a handler fails the attempt with
 * UNKNOWN_JOB_TYPE, retried like any error (a worker that knows the type may take a later attempt),
 * so the job ends `failed` once its attempts are spent.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../../core/clock.js';
import { invalid, KilnError } from '../../core/errors.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { EnqueueOptions, Job, JobHandler, JobListFilter, JobQueue, JobSchedule } from '../job-queue.js';
import { cancelJob } from './job-cancel.js';
import { claimDueJobs } from './job-claims.js';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_ATTEMPTS,
  flushAuditFile,
  JOB_STATUSES,
  jobResource,
  newJobRow,
  optionalInteger,
  requireInteger,
  requireType,
  SYSTEM_ACTOR,
  toJob,
  toJsonText,
} from './job-rows.js';
import { type JobQueueLogger, RunningJob } from './job-runner.js';
import { JobWorkerLoop } from './job-worker-loop.js';
import { fireDueSchedules } from './schedule-firing.js';
import { listSchedules, removeSchedule, upsertSchedule } from './schedule-store.js';

export type { JobQueueLogger } from './job-runner.js';

export interface EmbeddedJobQueueOptions {
  /** Attempts run at once by this queue's workers (≥ 1). */
  readonly concurrency: number;
  /** How often idle workers look for due jobs and schedules, in ms (≥ 1). */
  readonly pollIntervalMs: number;
  /** How long a claim holds a job without renewal, in ms (≥ 30); renewed every `leaseMs / 3`. */
  readonly leaseMs: number;
  /** Written to `locked_by`; default `<host>:<pid>:<random>`, unique per queue. */
  readonly workerId?: string;
  /** Default: silent. */
  readonly logger?: JobQueueLogger;
  /** How long `close()` waits for aborted handlers to settle, in ms (default 10 000). */
  readonly closeGraceMs?: number;
}

const SILENT: JobQueueLogger = { info() {}, warn() {}, error() {} };
const MAX_LIST_LIMIT = 1000;

/**
 * A {@link JobQueue} kept in the metadata store. Owns its worker loop and the handlers registered
 * with it; does not own the store or the audit log (close the queue before them). Timestamps come
 * from `clock`; timers (polling, lease renewal) are real.
 */
export class EmbeddedJobQueue implements JobQueue {
  readonly workerId: string;
  readonly #store: MetadataStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #options: Required<Omit<EmbeddedJobQueueOptions, 'workerId'>>;
  readonly #handlers = new Map<string, JobHandler>();
  #loop: JobWorkerLoop | null = null;
  #closing: Promise<void> | null = null;

  constructor(store: MetadataStore, audit: AuditLog, clock: Clock, options: EmbeddedJobQueueOptions) {
    this.#store = store;
    this.#audit = audit;
    this.#clock = clock;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#options = Object.freeze({
      concurrency: requireInteger(options.concurrency, 'concurrency', 1),
      pollIntervalMs: requireInteger(options.pollIntervalMs, 'pollIntervalMs', 1),
      leaseMs: requireInteger(options.leaseMs, 'leaseMs', 30),
      logger: options.logger ?? SILENT,
      closeGraceMs: optionalInteger(options.closeGraceMs, 'closeGraceMs', 0, 10_000),
    });
  }

  register(type: string, handler: JobHandler): void {
    requireType(type);
    if (typeof handler !== 'function') throw invalid('handler', 'a function', handler);
    if (this.#loop || this.#closing) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `cannot register job type "${type}": handlers are registered before start()`,
        {
          type,
        },
      );
    }
    if (this.#handlers.has(type)) {
      throw new KilnError('INVALID_ARGUMENT', `job type "${type}" already has a handler`, { type });
    }
    this.#handlers.set(type, handler);
  }

  async enqueue(type: string, payload: unknown, options: EnqueueOptions = {}): Promise<Job> {
    requireType(type);
    const delayMs = optionalInteger(options.delayMs, 'delayMs', 0, 0);
    const nowMs = this.#clock.now().getTime();
    const row = newJobRow({
      type,
      payloadJson: toJsonText(payload, 'payload'),
      runAtMs: nowMs + delayMs,
      maxAttempts: optionalInteger(options.maxAttempts, 'maxAttempts', 1, DEFAULT_MAX_ATTEMPTS),
      backoffMs: optionalInteger(options.backoffMs, 'backoffMs', 0, DEFAULT_BACKOFF_MS),
      actor: options.actor ?? SYSTEM_ACTOR,
      nowIso: new Date(nowMs).toISOString(),
    });
    const insert = async (trx: NonNullable<EnqueueOptions['trx']>) => {
      await trx.insertInto('jobs').values(row).execute();
      await this.#audit.append(trx, {
        actor: row.created_by,
        action: 'job.enqueue',
        resource: jobResource(row.id),
        details: { type },
      });
    };
    if (options.trx) {
      // Not visible to workers before the caller commits: it is picked up by the next poll.
      await insert(options.trx);
    } else {
      await this.#store.transaction(insert);
      await flushAuditFile(this.#audit);
      if (delayMs === 0) this.#loop?.wake();
    }
    return toJob(row);
  }

  schedule(
    name: string,
    type: string,
    cron: string,
    payload: unknown,
    options: EnqueueOptions = {},
  ): Promise<JobSchedule> {
    return upsertSchedule(this.#store, this.#audit, this.#clock.now().getTime(), {
      name,
      type,
      cron,
      payload,
      options,
    });
  }

  unschedule(name: string, actor = SYSTEM_ACTOR): Promise<void> {
    return removeSchedule(this.#store, this.#audit, name, actor);
  }

  listSchedules(): Promise<JobSchedule[]> {
    return listSchedules(this.#store.db);
  }

  async get(id: string): Promise<Job> {
    const row = await this.#store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new KilnError('JOB_NOT_FOUND', `no job with id "${id}"`, { id });
    return toJob(row);
  }

  async list(filter: JobListFilter = {}): Promise<Job[]> {
    if (filter.status !== undefined && !JOB_STATUSES.includes(filter.status)) {
      throw invalid('status', `one of ${JOB_STATUSES.join(', ')}`, filter.status);
    }
    const limit = optionalInteger(filter.limit, 'limit', 1, 100);
    if (limit > MAX_LIST_LIMIT) throw invalid('limit', `an integer from 1 to ${MAX_LIST_LIMIT}`, limit);
    let query = this.#store.db.selectFrom('jobs').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.scheduleName !== undefined) query = query.where('schedule_name', '=', filter.scheduleName);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toJob);
  }

  async cancel(id: string, actor = SYSTEM_ACTOR): Promise<Job> {
    const row = await cancelJob(this.#store, this.#audit, id, actor, this.#clock.now().getTime());
    if (row.status === 'running') this.#loop?.stopJob(id, 'cancel');
    return toJob(row);
  }

  async start(): Promise<void> {
    if (this.#closing) throw new KilnError('UNAVAILABLE', 'the job queue was closed; it cannot start again');
    if (this.#loop) return;
    const store = this.#store;
    const runnerDeps = {
      store: this.#store,
      audit: this.#audit,
      clock: this.#clock,
      leaseMs: this.#options.leaseMs,
      handlers: this.#handlers,
      logger: this.#options.logger,
    };
    this.#loop = new JobWorkerLoop(this.#options, {
      fireSchedules: () => fireDueSchedules(store, this.#audit, this.#clock.now().getTime()),
      claim: (limit) =>
        claimDueJobs(store, this.#audit, {
          workerId: this.workerId,
          nowMs: this.#clock.now().getTime(),
          leaseMs: this.#options.leaseMs,
          limit,
        }),
      run: (row) => new RunningJob(runnerDeps, row),
    });
    this.#loop.start();
  }

  /**
   * Stops claiming, aborts the signals of running handlers and waits up to `closeGraceMs` for them.
   * An attempt that ends by throwing after the abort is put back in the queue uncounted; one that has
   * not settled by then keeps its (no longer renewed) lease and is retried after it expires.
   */
  close(): Promise<void> {
    this.#closing ??= this.#loop ? this.#loop.stop(this.#options.closeGraceMs) : Promise.resolve();
    return this.#closing;
  }
}
