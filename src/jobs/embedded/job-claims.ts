/**
 * @module jobs/embedded/job-claims
 * How a worker takes jobs and keeps them. A claim is atomic: under the `jobs.claim` lock, due jobs
 * (queued with `run_at_ms ≤ now`, or running with an expired lease — their worker died) become
 * `running`, one more attempt, `locked_by` this worker, leased until `now + leaseMs`. A claim is
 * identified by (id, locked_by, attempts): every later write by the worker is conditional on it, so a
 * worker that lost its lease can never overwrite the attempt that replaced it.
 */
import type { Expression, ExpressionBuilder, SqlBool, Transaction } from 'kysely';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore, Queryable } from '../../store/metadata-store.js';
import type { Database, JobsTable } from '../../store/schema.js';
import { flushAuditFile, jobResource, SYSTEM_ACTOR } from './job-rows.js';

/** The named lock every claim takes. */
export const CLAIM_LOCK = 'jobs.claim';

/** One attempt of one job, as held by one worker. */
export interface Claim {
  readonly id: string;
  readonly workerId: string;
  readonly attempts: number;
}

export interface ClaimOptions {
  readonly workerId: string;
  readonly nowMs: number;
  readonly leaseMs: number;
  /** At most this many jobs. */
  readonly limit: number;
}

function isDue(nowMs: number) {
  return (eb: ExpressionBuilder<Database, 'jobs'>): Expression<SqlBool> =>
    eb.or([
      eb.and([eb('status', '=', 'queued'), eb('run_at_ms', '<=', nowMs)]),
      eb.and([eb('status', '=', 'running'), eb('lease_until_ms', '<', nowMs)]),
    ]);
}

/** The WHERE clause that matches a job only while `claim` still holds it. */
export function heldBy(claim: Claim) {
  return (eb: ExpressionBuilder<Database, 'jobs'>): Expression<SqlBool> =>
    eb.and([
      eb('id', '=', claim.id),
      eb('status', '=', 'running'),
      eb('locked_by', '=', claim.workerId),
      eb('attempts', '=', claim.attempts),
    ]);
}

/**
 * Claims up to `limit` due jobs and returns their rows as claimed (status `running`). A due job is
 * not run again when a cancel was asked for it (it ends `cancelled`), nor when it is found with an
 * expired lease after its last attempt (it ends `failed`, audited) — a job that keeps killing its
 * worker must not be retried forever.
 */
export async function claimDueJobs(
  store: MetadataStore,
  audit: AuditLog,
  options: ClaimOptions,
): Promise<JobsTable[]> {
  const { nowMs, leaseMs, workerId } = options;
  // Look before taking the lock: idle polls then cost one read, not a write transaction.
  const any = await store.db.selectFrom('jobs').select('id').where(isDue(nowMs)).limit(1).executeTakeFirst();
  if (!any) return [];
  const nowIso = new Date(nowMs).toISOString();
  let audited = false;
  const claimed = await store.transaction(async (trx) => {
    await store.lock(trx, CLAIM_LOCK);
    const rows = await trx
      .selectFrom('jobs')
      .selectAll()
      .where(isDue(nowMs))
      .orderBy('run_at_ms')
      .orderBy('id')
      .limit(options.limit)
      .execute();
    const claimed: JobsTable[] = [];
    for (const row of rows) {
      const leaseExpired = row.status === 'running';
      // cancel_requested on a queued job: a shutdown put it back after the cancel was asked for.
      if (row.cancel_requested === 1 || (leaseExpired && row.attempts >= row.max_attempts)) {
        audited = (await endAbandoned(trx, audit, row, nowIso)) || audited;
        continue;
      }
      const next: JobsTable = {
        ...row,
        status: 'running',
        attempts: row.attempts + 1,
        locked_by: workerId,
        lease_until_ms: nowMs + leaseMs,
        error: leaseExpired
          ? `attempt ${row.attempts} stopped without finishing (its lease expired)`
          : row.error,
        updated_at: nowIso,
      };
      await trx
        .updateTable('jobs')
        .set({
          status: next.status,
          attempts: next.attempts,
          locked_by: next.locked_by,
          lease_until_ms: next.lease_until_ms,
          error: next.error,
          updated_at: next.updated_at,
        })
        .where('id', '=', row.id)
        .execute();
      claimed.push(next);
    }
    return claimed;
  });
  if (audited) await flushAuditFile(audit);
  return claimed;
}

/** Ends a job that must not run again; true when that appended an audit event. */
async function endAbandoned(
  trx: Transaction<Database>,
  audit: AuditLog,
  row: JobsTable,
  nowIso: string,
): Promise<boolean> {
  const cancelled = row.cancel_requested === 1;
  await trx
    .updateTable('jobs')
    .set({
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled
        ? row.error
        : `attempt ${row.attempts} of ${row.max_attempts} stopped without finishing (its lease expired)`,
      lease_until_ms: null,
      updated_at: nowIso,
      finished_at: nowIso,
    })
    .where('id', '=', row.id)
    .execute();
  // A cancel was audited when it was asked for; a failure is audited when it happens.
  if (!cancelled) {
    await audit.append(trx, {
      actor: SYSTEM_ACTOR,
      action: 'job.fail',
      resource: jobResource(row.id),
      details: { type: row.type, attempts: row.attempts, reason: 'lease expired' },
    });
  }
  return !cancelled;
}

export type LeaseState = 'held' | 'cancel-requested' | 'lost';

/**
 * Extends the lease of `claim` to `nowMs + leaseMs`, optionally writing progress, and says whether
 * the claim still holds and whether a cancel was asked for.
 */
export async function renewLease(
  db: Queryable,
  claim: Claim,
  nowMs: number,
  leaseMs: number,
  progress?: { fraction: number; message?: string | undefined },
): Promise<LeaseState> {
  let update = db.updateTable('jobs').set({ lease_until_ms: nowMs + leaseMs });
  if (progress) {
    update = update.set({ progress: progress.fraction, updated_at: new Date(nowMs).toISOString() });
    if (progress.message !== undefined) update = update.set({ progress_message: progress.message });
  }
  const row = await update.where(heldBy(claim)).returning('cancel_requested').executeTakeFirst();
  if (!row) return 'lost';
  return row.cancel_requested === 1 ? 'cancel-requested' : 'held';
}
