/**
 * @module monitor/inference-log/retention
 * Enforces each deployment's `retention` on its inference log: Parquet segments written before
 * `now − retention` are deleted (a segment is stamped when written, after every row it holds was
 * received), as are PostgreSQL `inference_log` rows received before it. `retention: 0` keeps a
 * deployment's log forever; the log of a deployment that no longer exists is kept for the default
 * retention (30 days). Left-over temporary files of interrupted writes older than an hour go too.
 *
 * Runs as the job `inference-log.retention` on the Foundation's queue, which `kiln serve`
 * schedules hourly. Idempotent, as at-least-once jobs must be.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Deployment } from '../../deploy/deployment-service.js';
import { DEFAULT_SETTINGS, retentionMs } from '../../deploy/deployment-settings.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { inferenceLogDir, segmentTime } from './segment-paths.js';

export const INFERENCE_LOG_RETENTION_JOB = 'inference-log.retention';
/** Every hour, at minute 17 (away from the top of the hour, when other schedules crowd). */
export const RETENTION_CRON = '17 * * * *';
const STALE_TEMP_MS = 3_600_000;

export interface RetentionDeps {
  readonly workspaceDir: string;
  readonly store: MetadataStore;
  readonly deployments: { list(): Promise<Deployment[]> };
  readonly clock: Clock;
}

export interface RetentionResult {
  readonly segmentsDeleted: number;
  readonly rowsDeleted: number;
}

export async function enforceRetention(deps: RetentionDeps): Promise<RetentionResult> {
  const now = deps.clock.now().getTime();
  const retention = new Map<string, number>();
  for (const d of await deps.deployments.list()) {
    retention.set(d.name, retentionMs(d.settings.retention ?? DEFAULT_SETTINGS.retention));
  }
  const fallback = retentionMs(DEFAULT_SETTINGS.retention);
  const segmentsDeleted = await deleteSegments(
    inferenceLogDir(deps.workspaceDir),
    now,
    (name) => retention.get(name) ?? fallback,
  );
  const rowsDeleted =
    deps.store.dialect === 'postgres' ? await deleteRows(deps.store, now, retention, fallback) : 0;
  return { segmentsDeleted, rowsDeleted };
}

const registered = new WeakSet<JobQueue>();

/** Registers the job's handler (before the queue starts); a second call for one queue does nothing. */
export function registerRetentionJob(jobs: JobQueue, deps: RetentionDeps): void {
  if (registered.has(jobs)) return;
  jobs.register(INFERENCE_LOG_RETENTION_JOB, async () => enforceRetention(deps));
  registered.add(jobs);
}

/** Creates (or keeps) the hourly schedule; safe to call from every replica. */
export function scheduleRetention(jobs: JobQueue): Promise<unknown> {
  return jobs.schedule(
    INFERENCE_LOG_RETENTION_JOB,
    INFERENCE_LOG_RETENTION_JOB,
    RETENTION_CRON,
    {},
    { maxAttempts: 3 },
  );
}

async function deleteSegments(
  root: string,
  now: number,
  retentionOf: (d: string) => number,
): Promise<number> {
  let deleted = 0;
  const today = new Date(now).toISOString().slice(0, 10);
  for (const deployment of await list(root)) {
    const keep = retentionOf(deployment);
    const cutoff = keep === 0 ? Number.NEGATIVE_INFINITY : now - keep;
    const depDir = join(root, deployment);
    for (const v of await list(depDir)) {
      for (const day of await list(join(depDir, v))) {
        const dayDir = join(depDir, v, day);
        for (const name of await list(dayDir)) {
          const file = join(dayDir, name);
          const at = segmentTime(name);
          if (at !== null) {
            if (at < cutoff) {
              await rm(file, { force: true });
              deleted++;
            }
          } else if (name.endsWith('.tmp') && (await mtime(file)) < now - STALE_TEMP_MS) {
            await rm(file, { force: true });
          }
        }
        // Today's folder may be about to receive a segment: leave it even when empty.
        if (day < today) await removeIfEmpty(dayDir);
      }
      await removeIfEmpty(join(depDir, v));
    }
    await removeIfEmpty(depDir);
  }
  return deleted;
}

async function deleteRows(
  store: MetadataStore,
  now: number,
  retention: ReadonlyMap<string, number>,
  fallback: number,
): Promise<number> {
  const exists = await sql<{ t: string | null }>`select to_regclass('inference_log')::text as t`.execute(
    store.db,
  );
  if (!exists.rows[0]?.t) return 0;
  let deleted = 0;
  for (const [deployment, keep] of retention) {
    if (keep === 0) continue;
    const r = await sql`delete from inference_log where deployment = ${deployment}
      and received_at < ${new Date(now - keep).toISOString()}::timestamptz`.execute(store.db);
    deleted += Number(r.numAffectedRows ?? 0);
  }
  const names = [...retention.keys()];
  const r = await sql`delete from inference_log where deployment <> all(${names}::text[])
    and received_at < ${new Date(now - fallback).toISOString()}::timestamptz`.execute(store.db);
  return deleted + Number(r.numAffectedRows ?? 0);
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // Not empty (or already gone, or a segment arrived meanwhile): keep it.
  }
}
