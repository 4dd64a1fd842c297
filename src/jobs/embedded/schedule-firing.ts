/**
 * @module jobs/embedded/schedule-firing
 * Turns due cron schedules into jobs. Under the `jobs.schedules` lock, each schedule with
 * `next_run_at_ms ≤ now` enqueues exactly one job and moves `next_run_at_ms` to its first due time
 * after now, in the same transaction. Runs missed while no worker was up are therefore coalesced into
 * one job, and two workers on one database cannot both enqueue the same due run: the second finds
 * the schedule already advanced.
 */
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { nextCronRunMs } from './cron-schedule.js';
import { DEFAULT_BACKOFF_MS, flushAuditFile, jobResource, newJobRow, SYSTEM_ACTOR } from './job-rows.js';

/** The named lock schedule firing takes. */
export const SCHEDULE_LOCK = 'jobs.schedules';

/** Enqueues one job per due schedule; returns how many were enqueued. */
export async function fireDueSchedules(
  store: MetadataStore,
  audit: AuditLog,
  nowMs: number,
): Promise<number> {
  // Look before taking the lock: idle polls then cost one read, not a write transaction.
  const any = await store.db
    .selectFrom('job_schedules')
    .select('name')
    .where('next_run_at_ms', '<=', nowMs)
    .limit(1)
    .executeTakeFirst();
  if (!any) return 0;
  const nowIso = new Date(nowMs).toISOString();
  const fired = await store.transaction(async (trx) => {
    await store.lock(trx, SCHEDULE_LOCK);
    const due = await trx
      .selectFrom('job_schedules')
      .selectAll()
      .where('next_run_at_ms', '<=', nowMs)
      .orderBy('name')
      .execute();
    for (const schedule of due) {
      const row = newJobRow({
        type: schedule.type,
        payloadJson: schedule.payload_json,
        runAtMs: nowMs,
        maxAttempts: schedule.max_attempts,
        backoffMs: DEFAULT_BACKOFF_MS,
        actor: SYSTEM_ACTOR,
        nowIso,
        scheduleName: schedule.name,
      });
      await trx.insertInto('jobs').values(row).execute();
      await trx
        .updateTable('job_schedules')
        .set({ next_run_at_ms: nextCronRunMs(schedule.cron, nowMs) })
        .where('name', '=', schedule.name)
        .execute();
      await audit.append(trx, {
        actor: SYSTEM_ACTOR,
        action: 'job.enqueue',
        resource: jobResource(row.id),
        details: { type: row.type, schedule: schedule.name },
      });
    }
    return due.length;
  });
  if (fired > 0) await flushAuditFile(audit);
  return fired;
}
