/**
 * @module jobs/embedded/job-rows
 * Conversions between the `jobs` / `job_schedules` rows and the contract's `Job` / `JobSchedule`,
 * plus the small rules every write shares: ids, JSON payloads, error text, option checks.
 */
import { randomBytes } from 'node:crypto';
import { invalid, isKilnError, KilnError } from '../../core/errors.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { JobSchedulesTable, JobsTable } from '../../store/schema.js';
import type { Job, JobSchedule, JobStatus } from '../job-queue.js';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export const FINISHED_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;
/** The audit actor of transitions made by workers and schedules. */
export const SYSTEM_ACTOR = 'system';

/** `job_` and 16 random hex digits. */
export function newJobId(): string {
  return `job_${randomBytes(8).toString('hex')}`;
}

export function jobResource(id: string): string {
  return `job/${id}`;
}

export function scheduleResource(name: string): string {
  return `job-schedule/${name}`;
}

/** JSON text of `value`; INVALID_ARGUMENT naming `field` when it has none (undefined, BigInt, cycles). */
export function toJsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `${field}: expected a JSON-serialisable value: ${(e as Error).message}`,
      {
        field,
      },
    );
  }
  if (text === undefined) throw invalid(field, 'a JSON-serialisable value', typeof value);
  return text;
}

/** How a failed attempt's error is kept in the `error` column. */
export function describeJobError(e: unknown): string {
  if (isKilnError(e)) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}

export function requireType(type: unknown): string {
  if (typeof type !== 'string' || type.length === 0 || type.length > 200) {
    throw invalid('type', 'a job type of 1 to 200 characters', type);
  }
  return type;
}

/** `value` when it is an integer ≥ `min`; INVALID_ARGUMENT naming `field` otherwise. */
export function requireInteger(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(field, `an integer ≥ ${min}`, value);
  }
  return value;
}

/** Like {@link requireInteger}, with `fallback` for undefined. */
export function optionalInteger(value: unknown, field: string, min: number, fallback: number): number {
  return value === undefined ? fallback : requireInteger(value, field, min);
}

export function toJob(row: JobsTable): Job {
  return {
    id: row.id,
    type: row.type,
    payload: JSON.parse(row.payload_json),
    status: row.status as JobStatus,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: new Date(Number(row.run_at_ms)).toISOString(),
    progress: row.progress,
    progressMessage: row.progress_message,
    result: row.result_json === null ? null : JSON.parse(row.result_json),
    error: row.error,
    cancelRequested: row.cancel_requested === 1,
    scheduleName: row.schedule_name,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export function toSchedule(row: JobSchedulesTable): JobSchedule {
  return {
    name: row.name,
    type: row.type,
    cron: row.cron,
    payload: JSON.parse(row.payload_json),
    maxAttempts: row.max_attempts,
    nextRunAt: new Date(Number(row.next_run_at_ms)).toISOString(),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** A fresh queued row. */
export function newJobRow(input: {
  type: string;
  payloadJson: string;
  runAtMs: number;
  maxAttempts: number;
  backoffMs: number;
  actor: string;
  nowIso: string;
  scheduleName?: string;
}): JobsTable {
  return {
    id: newJobId(),
    type: input.type,
    payload_json: input.payloadJson,
    status: 'queued',
    attempts: 0,
    max_attempts: input.maxAttempts,
    backoff_ms: input.backoffMs,
    run_at_ms: input.runAtMs,
    lease_until_ms: null,
    locked_by: null,
    progress: 0,
    progress_message: '',
    result_json: null,
    error: null,
    cancel_requested: 0,
    schedule_name: input.scheduleName ?? null,
    created_by: input.actor,
    created_at: input.nowIso,
    updated_at: input.nowIso,
    finished_at: null,
  };
}

/**
 * Writes the audit checkpoints of a transaction that just committed to the checkpoint file. Errors
 * are not the caller's: the change is committed, and the next flush catches the file up.
 */
export async function flushAuditFile(audit: AuditLog): Promise<void> {
  await audit.flushCheckpointFile().catch(() => {});
}
