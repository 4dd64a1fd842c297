/**
 * @module jobs/embedded/job-outcomes
 * What happens to a job when an attempt ends. Success → `succeeded` (audited `job.succeed`). Failure
 * → `cancelled` if a cancel was asked for; else `queued` again after a backoff while attempts remain
 * and the error is retryable; else `failed` (audited `job.fail`). Every write is conditional on the
 * worker's claim: when the claim was lost, nothing is written and null is returned.
 */
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { JobsTable } from '../../store/schema.js';
import { isRetryable } from '../unrecoverable-job-error.js';
import { retryDelayMs } from './backoff.js';
import { type Claim, heldBy } from './job-claims.js';
import { describeJobError, flushAuditFile, jobResource, SYSTEM_ACTOR } from './job-rows.js';

export type AttemptOutcome =
  | { readonly kind: 'succeeded'; readonly resultJson: string }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Records how the attempt `claim` ended; returns the job's new row, or null when the claim was lost. */
export async function finishAttempt(
  store: MetadataStore,
  audit: AuditLog,
  claim: Claim,
  outcome: AttemptOutcome,
  nowMs: number,
  random: () => number = Math.random,
): Promise<JobsTable | null> {
  const nowIso = new Date(nowMs).toISOString();
  const next = await store.transaction(async (trx) => {
    const row = await trx.selectFrom('jobs').selectAll().where(heldBy(claim)).executeTakeFirst();
    if (!row) return null;
    let next: JobsTable;
    if (outcome.kind === 'succeeded') {
      next = finished(row, 'succeeded', nowIso, {
        result_json: outcome.resultJson,
        progress: 1,
        error: null,
      });
    } else if (row.cancel_requested === 1) {
      next = finished(row, 'cancelled', nowIso, { error: describeJobError(outcome.error) });
    } else if (isRetryable(outcome.error) && row.attempts < row.max_attempts) {
      next = {
        ...row,
        status: 'queued',
        run_at_ms: nowMs + retryDelayMs(row.backoff_ms, row.attempts, random),
        lease_until_ms: null,
        locked_by: null,
        error: describeJobError(outcome.error),
        updated_at: nowIso,
      };
    } else {
      next = finished(row, 'failed', nowIso, { error: describeJobError(outcome.error) });
    }
    await trx
      .updateTable('jobs')
      .set({
        status: next.status,
        run_at_ms: next.run_at_ms,
        lease_until_ms: next.lease_until_ms,
        locked_by: next.locked_by,
        progress: next.progress,
        result_json: next.result_json,
        error: next.error,
        updated_at: next.updated_at,
        finished_at: next.finished_at,
      })
      .where('id', '=', row.id)
      .execute();
    if (next.status === 'succeeded' || next.status === 'failed') {
      await audit.append(trx, {
        actor: SYSTEM_ACTOR,
        action: next.status === 'succeeded' ? 'job.succeed' : 'job.fail',
        resource: jobResource(row.id),
        details: { type: row.type, attempts: row.attempts },
      });
    }
    return next;
  });
  if (next?.status === 'succeeded' || next?.status === 'failed') await flushAuditFile(audit);
  return next;
}

function finished(
  row: JobsTable,
  status: 'succeeded' | 'failed' | 'cancelled',
  nowIso: string,
  change: Partial<JobsTable>,
): JobsTable {
  return { ...row, ...change, status, lease_until_ms: null, updated_at: nowIso, finished_at: nowIso };
}

/**
 * Puts back a job whose handler stopped because the queue closed: queued again at once, and the
 * interrupted attempt is not counted (a shutdown is not the job's fault) — or `cancelled`, when a
 * cancel was asked for meanwhile. Returns false when the claim was lost meanwhile.
 */
export async function releaseInterrupted(
  store: MetadataStore,
  claim: Claim,
  nowMs: number,
): Promise<boolean> {
  const nowIso = new Date(nowMs).toISOString();
  const cancelled = await store.db
    .updateTable('jobs')
    .set({ status: 'cancelled', lease_until_ms: null, updated_at: nowIso, finished_at: nowIso })
    .where(heldBy(claim))
    .where('cancel_requested', '=', 1)
    .executeTakeFirst();
  if (Number(cancelled.numUpdatedRows) > 0) return true;
  const requeued = await store.db
    .updateTable('jobs')
    .set({
      status: 'queued',
      attempts: claim.attempts - 1,
      run_at_ms: nowMs,
      lease_until_ms: null,
      locked_by: null,
      updated_at: nowIso,
    })
    .where(heldBy(claim))
    .executeTakeFirst();
  return Number(requeued.numUpdatedRows) > 0;
}
