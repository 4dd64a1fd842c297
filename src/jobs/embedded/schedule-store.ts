/**
 * @module jobs/embedded/schedule-store
 * Creating, replacing, deleting and listing cron schedules in `job_schedules`, each change audited
 * (`job.schedule.create`, `job.schedule.replace`, `job.schedule.delete`, resource
 * `job-schedule/<name>`). A schedule stores the next due time; `schedule-firing.ts` acts on it.
 */
import type { Transaction } from 'kysely';
import { invalid, KilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore, Queryable } from '../../store/metadata-store.js';
import type { Database, JobSchedulesTable } from '../../store/schema.js';
import type { EnqueueOptions, JobSchedule } from '../job-queue.js';
import { nextCronRunMs } from './cron-schedule.js';
import {
  DEFAULT_MAX_ATTEMPTS,
  flushAuditFile,
  optionalInteger,
  requireType,
  SYSTEM_ACTOR,
  scheduleResource,
  toJsonText,
  toSchedule,
} from './job-rows.js';

export interface ScheduleInput {
  readonly name: string;
  readonly type: string;
  readonly cron: string;
  readonly payload: unknown;
  readonly options: EnqueueOptions;
}

/**
 * Creates or replaces the schedule `input.name`; its next run is the first due time after `nowMs`.
 * INVALID_NAME, INVALID_CRON, INVALID_ARGUMENT (payload; `delayMs` and `backoffMs`, which schedules
 * do not keep: their jobs retry with the default backoff).
 */
export async function upsertSchedule(
  store: MetadataStore,
  audit: AuditLog,
  nowMs: number,
  input: ScheduleInput,
): Promise<JobSchedule> {
  const { name, type, cron, payload, options } = input;
  assertName(name, 'name');
  requireType(type);
  if (options.delayMs !== undefined)
    throw invalid('delayMs', 'no delay for a schedule (its cron says when)', options.delayMs);
  if (options.backoffMs !== undefined)
    throw invalid('backoffMs', 'no backoff for a schedule (its jobs use the default)', options.backoffMs);
  const nextRunAtMs = nextCronRunMs(cron, nowMs);
  const nowIso = new Date(nowMs).toISOString();
  const actor = options.actor ?? SYSTEM_ACTOR;
  const row: JobSchedulesTable = {
    name,
    type,
    cron: cron.trim().split(/\s+/).join(' '),
    payload_json: toJsonText(payload, 'payload'),
    next_run_at_ms: nextRunAtMs,
    max_attempts: optionalInteger(options.maxAttempts, 'maxAttempts', 1, DEFAULT_MAX_ATTEMPTS),
    created_by: actor,
    created_at: nowIso,
  };
  const write = async (trx: Transaction<Database>): Promise<JobSchedulesTable> => {
    const existing = await trx
      .selectFrom('job_schedules')
      .select('created_at')
      .where('name', '=', name)
      .executeTakeFirst();
    const stored = existing ? { ...row, created_at: existing.created_at } : row;
    if (existing) {
      const { name: _key, ...change } = stored;
      await trx.updateTable('job_schedules').set(change).where('name', '=', name).execute();
    } else {
      await trx.insertInto('job_schedules').values(stored).execute();
    }
    await audit.append(trx, {
      actor,
      action: existing ? 'job.schedule.replace' : 'job.schedule.create',
      resource: scheduleResource(name),
      details: { type, cron: row.cron },
    });
    return stored;
  };
  let stored: JobSchedulesTable;
  if (options.trx) {
    stored = await write(options.trx);
  } else {
    stored = await store.transaction(write);
    await flushAuditFile(audit);
  }
  return toSchedule(stored);
}

/** Deletes a schedule; JOB_NOT_FOUND when there is none by that name. */
export async function removeSchedule(
  store: MetadataStore,
  audit: AuditLog,
  name: string,
  actor: string,
): Promise<void> {
  await store.transaction(async (trx) => {
    const result = await trx.deleteFrom('job_schedules').where('name', '=', name).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new KilnError('JOB_NOT_FOUND', `no job schedule named "${name}"`, { schedule: name });
    }
    await audit.append(trx, { actor, action: 'job.schedule.delete', resource: scheduleResource(name) });
  });
  await flushAuditFile(audit);
}

export async function listSchedules(db: Queryable): Promise<JobSchedule[]> {
  const rows = await db.selectFrom('job_schedules').selectAll().orderBy('name').execute();
  return rows.map(toSchedule);
}
