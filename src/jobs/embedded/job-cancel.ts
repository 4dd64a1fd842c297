/**
 * @module jobs/embedded/job-cancel
 * Cancellation. A queued job becomes `cancelled` at once. A running job gets `cancel_requested = 1`:
 * its worker sees the flag on its next lease renewal (at once when the worker is in this process),
 * aborts the handler's signal, and the attempt ends `cancelled` unless it succeeds first. Takes the
 * claim lock so a cancel and a claim of the same job never interleave.
 */
import { KilnError } from '../../core/errors.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { JobsTable } from '../../store/schema.js';
import type { JobStatus } from '../job-queue.js';
import { CLAIM_LOCK } from './job-claims.js';
import { FINISHED_STATUSES, flushAuditFile, jobResource } from './job-rows.js';

/** Cancels or asks to cancel; returns the job's row after. JOB_NOT_FOUND, JOB_NOT_CANCELLABLE. */
export async function cancelJob(
  store: MetadataStore,
  audit: AuditLog,
  id: string,
  actor: string,
  nowMs: number,
): Promise<JobsTable> {
  const nowIso = new Date(nowMs).toISOString();
  const row = await store.transaction(async (trx) => {
    await store.lock(trx, CLAIM_LOCK);
    const row = await trx.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new KilnError('JOB_NOT_FOUND', `no job with id "${id}"`, { id });
    if (FINISHED_STATUSES.includes(row.status as JobStatus)) {
      throw new KilnError(
        'JOB_NOT_CANCELLABLE',
        `job ${id} cannot be cancelled: it already ended ${row.status}`,
        {
          id,
          status: row.status,
        },
      );
    }
    if (row.cancel_requested === 1) return row;
    const next: JobsTable =
      row.status === 'queued'
        ? { ...row, status: 'cancelled', cancel_requested: 1, updated_at: nowIso, finished_at: nowIso }
        : { ...row, cancel_requested: 1, updated_at: nowIso };
    await trx
      .updateTable('jobs')
      .set({ status: next.status, cancel_requested: 1, updated_at: nowIso, finished_at: next.finished_at })
      .where('id', '=', id)
      .execute();
    await audit.append(trx, {
      actor,
      action: 'job.cancel',
      resource: jobResource(id),
      details: { type: row.type, status: row.status },
    });
    return next;
  });
  await flushAuditFile(audit);
  return row;
}
