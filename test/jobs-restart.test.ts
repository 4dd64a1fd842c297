/**
 * At-least-once execution across a crash: a worker process is killed with SIGKILL in the middle of
 * a job; a second worker process on the same SQLite database runs the job again, once the dead
 * worker's lease has expired, to success. The workers run the compiled dist/ under plain node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { EmbeddedJobQueue } from '../src/jobs/embedded/embedded-job-queue.js';
import { RecordingAuditLog } from '../src/jobs/test-support/recording-audit-log.js';
import { waitFor } from '../src/jobs/test-support/suite-context.js';
import { SqliteMetadataStore } from '../src/store/sqlite/sqlite-metadata-store.js';

const WORKER = fileURLToPath(new URL('./fixtures/jobs/slow-worker.mjs', import.meta.url));

interface Worker {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(dbPath: string, markerDir: string, workerId: string, mode: 'hang' | 'finish'): Worker {
  const child = spawn(process.execPath, [WORKER, dbPath, markerDir, workerId, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => output, exited };
}

function fileAppears(path: string, worker: Worker): Promise<boolean> {
  return waitFor(
    async () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
      return existsSync(path);
    },
    (seen) => seen,
  );
}

describe('job execution survives a killed worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-jobs-restart-'));
  const workers: Worker[] = [];
  afterAll(() => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job again, to success, after its worker is killed mid-run', async () => {
    const dbPath = join(dir, 'kiln.db');
    const store = await SqliteMetadataStore.open(dbPath);
    try {
      const queue = new EmbeddedJobQueue(store, new RecordingAuditLog(), systemClock, {
        concurrency: 1,
        pollIntervalMs: 50,
        leaseMs: 500,
      });
      const job = await queue.enqueue('slow', { n: 1 }, { maxAttempts: 3, backoffMs: 0 });

      const first = startWorker(dbPath, dir, 'worker-1', 'hang');
      workers.push(first);
      await fileAppears(join(dir, 'started-1'), first);
      expect(await queue.get(job.id)).toMatchObject({ status: 'running', attempts: 1 });
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      expect(existsSync(join(dir, 'finished-1'))).toBe(false);

      const second = startWorker(dbPath, dir, 'worker-2', 'finish');
      workers.push(second);
      const done = await waitFor(
        () => queue.get(job.id),
        (j) => j.status === 'succeeded' || j.status === 'failed',
      );
      expect(done).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        result: { worker: 'worker-2', attempt: 2 },
      });
      expect(readFileSync(join(dir, 'started-2'), 'utf8')).toBe('worker-2');
      const row = await store.db
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      expect(row.locked_by).toBe('worker-2');

      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      await store.close();
    }
  });
});
