/**
 * @module jobs/job-queue
 * The job queue contract. Background work (webhook deliveries, monitors, retention, retraining) is
 * enqueued as typed jobs with JSON payloads and run by handlers registered per type. Execution is
 * at-least-once: a job whose worker dies mid-run is run again after its lease expires, so handlers
 * must be idempotent. Implementations: `embedded/` (persisted in the metadata store; default) and,
 * with scale-out, BullMQ. Every implementation passes `job-queue.conformance.ts`.
 *
 * Lifecycle of a job: `queued` → `running` → `succeeded` | `failed` | `cancelled`; a failed attempt
 * with attempts left goes back to `queued` with a later `runAt` (exponential backoff with jitter).
 * See docs/jobs.md.
 */

import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
  /** Attempts before the job is failed for good (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter (default 1000). */
  readonly backoffMs?: number;
  /** Audit actor (default `system`). */
  readonly actor?: string;
  /**
   * A metadata-store transaction to enqueue in (the outbox pattern): the job exists if and only if
   * that transaction commits. Queues not kept in the metadata store enqueue after it commits.
   */
  readonly trx?: Transaction<Database>;
}

export interface Job {
  readonly id: string;
  readonly type: string;
  /** The payload as it came back from JSON (what the handler receives). */
  readonly payload: unknown;
  readonly status: JobStatus;
  /** Attempts started so far, including a running one. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** ISO time the job is (or was) due; for a queued retry, when the retry may start. */
  readonly runAt: string;
  /** In [0, 1]; 1 once succeeded. */
  readonly progress: number;
  readonly progressMessage: string;
  /** The handler's return value, as JSON; null until succeeded. */
  readonly result: unknown;
  /** The last attempt's error, `CODE: message` for Kiln errors; kept while retries are pending. */
  readonly error: string | null;
  /** True once `cancel` was asked for a running job that has not stopped yet. */
  readonly cancelRequested: boolean;
  /** The schedule that enqueued the job, if any. */
  readonly scheduleName: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  /** The job as it was when this attempt started. */
  readonly job: Job;
  /** Reports progress in [0, 1]; also renews the lease. INVALID_ARGUMENT outside [0, 1]. */
  progress(fraction: number, message?: string): Promise<void>;
  /** Aborted when the job is cancelled or the queue closes. */
  readonly signal: AbortSignal;
}

/**
 * Runs one attempt of a job. Resolves with a JSON-serialisable result, or throws to fail the attempt
 * (retried while attempts remain, unless the error is an `UnrecoverableJobError`).
 */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>;

export interface JobSchedule {
  readonly name: string;
  readonly type: string;
  /** Five-field cron expression, evaluated in UTC. */
  readonly cron: string;
  readonly payload: unknown;
  /** `maxAttempts` of each job the schedule enqueues. */
  readonly maxAttempts: number;
  /** The next due time; runs missed while no worker ran are coalesced into one. */
  readonly nextRunAt: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface JobListFilter {
  readonly status?: JobStatus;
  readonly type?: string;
  readonly scheduleName?: string;
  /** At most this many jobs, newest first (default 100, at most 1000). */
  readonly limit?: number;
}

export interface JobQueue {
  /** Registers the handler for a job type; must happen before `start()`. INVALID_ARGUMENT otherwise. */
  register(type: string, handler: JobHandler): void;
  /**
   * Stores a new queued job and returns it. INVALID_ARGUMENT for a payload that is not
   * JSON-serialisable or bad options. The type need not be registered in this process.
   */
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<Job>;
  /**
   * Creates or replaces a cron schedule; each due time enqueues one job. INVALID_CRON when the
   * expression is not five valid fields. Of the options, `maxAttempts`, `actor` and `trx` apply.
   */
  schedule(
    name: string,
    type: string,
    cron: string,
    payload: unknown,
    options?: EnqueueOptions,
  ): Promise<JobSchedule>;
  /** Deletes a schedule; JOB_NOT_FOUND when there is none by that name. Enqueued jobs stay. */
  unschedule(name: string, actor?: string): Promise<void>;
  listSchedules(): Promise<JobSchedule[]>;
  /** JOB_NOT_FOUND when there is no such job. */
  get(id: string): Promise<Job>;
  list(filter?: JobListFilter): Promise<Job[]>;
  /**
   * Cancels a queued job at once, or asks a running one to stop (its signal aborts; it ends
   * `cancelled`). JOB_NOT_FOUND; JOB_NOT_CANCELLABLE once the job has finished.
   */
  cancel(id: string, actor?: string): Promise<Job>;
  /** Starts the workers (in `kiln serve`). Without it, jobs are only stored. */
  start(): Promise<void>;
  /** Stops taking jobs, aborts running ones' signals, waits for them to settle. Idempotent. */
  close(): Promise<void>;
}
