/**
 * @module registry/webhooks/test-support/recording-job-queue
 * A JobQueue for tests of services that enqueue: it records every `enqueue` (type, payload,
 * options) and keeps registered handlers so a test can run a recorded job by hand. Like the embedded
 * queue, an enqueue given a `trx` writes the job's row to the `jobs` table through that transaction,
 * so the outbox promise (the job exists if and only if the transaction commits) can be checked
 * against the real table. It has no workers, schedules or retries.
 */
import { randomUUID } from 'node:crypto';
import { KilnError } from '../../../core/errors.js';
import type {
  EnqueueOptions,
  Job,
  JobHandler,
  JobListFilter,
  JobQueue,
  JobSchedule,
  JobStatus,
} from '../../../jobs/job-queue.js';
import type { JobsTable } from '../../../store/schema.js';

export interface RecordedEnqueue {
  readonly type: string;
  readonly payload: unknown;
  readonly options: EnqueueOptions;
  readonly job: Job;
}

export class RecordingJobQueue implements JobQueue {
  readonly enqueued: RecordedEnqueue[] = [];
  readonly handlers = new Map<string, JobHandler>();

  register(type: string, handler: JobHandler): void {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler);
  }

  async enqueue(type: string, payload: unknown, options: EnqueueOptions = {}): Promise<Job> {
    const now = new Date().toISOString();
    const row: JobsTable = {
      id: randomUUID(),
      type,
      payload_json: JSON.stringify(payload),
      status: 'queued',
      attempts: 0,
      max_attempts: options.maxAttempts ?? 5,
      backoff_ms: options.backoffMs ?? 1000,
      run_at_ms: Date.now() + (options.delayMs ?? 0),
      lease_until_ms: null,
      locked_by: null,
      progress: 0,
      progress_message: '',
      result_json: null,
      error: null,
      cancel_requested: 0,
      schedule_name: null,
      created_by: options.actor ?? 'system',
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    if (options.trx) await options.trx.insertInto('jobs').values(row).execute();
    const job = toJob(row);
    this.enqueued.push({ type, payload, options, job });
    return job;
  }

  /** Runs the registered handler on a recorded job, as one attempt would. */
  async run(recorded: RecordedEnqueue, signal: AbortSignal = new AbortController().signal): Promise<unknown> {
    const handler = this.handlers.get(recorded.type);
    if (!handler) throw new KilnError('UNKNOWN_JOB_TYPE', `no handler registered for ${recorded.type}`);
    // Through JSON, as a persisted payload would come back.
    const payload: unknown = JSON.parse(JSON.stringify(recorded.payload));
    return handler(payload, { job: recorded.job, progress: async () => {}, signal });
  }

  async get(id: string): Promise<Job> {
    const found = this.enqueued.find((e) => e.job.id === id);
    if (!found) throw new KilnError('JOB_NOT_FOUND', `no job ${id}`);
    return found.job;
  }

  async list(filter: JobListFilter = {}): Promise<Job[]> {
    return this.enqueued
      .map((e) => e.job)
      .filter(
        (j) =>
          (filter.type === undefined || j.type === filter.type) && (filter.status ?? j.status) === j.status,
      )
      .slice(0, filter.limit ?? Number.POSITIVE_INFINITY);
  }

  schedule(): Promise<JobSchedule> {
    return unsupported('schedule');
  }
  unschedule(): Promise<void> {
    return unsupported('unschedule');
  }
  listSchedules(): Promise<JobSchedule[]> {
    return unsupported('listSchedules');
  }
  cancel(): Promise<Job> {
    return unsupported('cancel');
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}

function unsupported(method: string): Promise<never> {
  return Promise.reject(new KilnError('UNSUPPORTED', `RecordingJobQueue does not implement ${method}`));
}

function toJob(row: JobsTable): Job {
  return {
    id: row.id,
    type: row.type,
    payload: JSON.parse(row.payload_json),
    status: row.status as JobStatus,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: new Date(row.run_at_ms).toISOString(),
    progress: row.progress,
    progressMessage: row.progress_message,
    result: null,
    error: null,
    cancelRequested: false,
    scheduleName: null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: null,
  };
}
