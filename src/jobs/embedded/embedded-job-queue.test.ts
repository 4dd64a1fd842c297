import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { allTestStoreFactories, type TestStoreFactory } from '../../store/test-support/test-databases.js';
import { runJobQueueSuite } from '../job-queue.conformance.js';
import { RecordingAuditLog } from '../test-support/recording-audit-log.js';
import { deferred, untilAborted, waitFor } from '../test-support/suite-context.js';
import { EmbeddedJobQueue, type EmbeddedJobQueueOptions } from './embedded-job-queue.js';
import { claimDueJobs } from './job-claims.js';
import { fireDueSchedules } from './schedule-firing.js';

for (const factory of allTestStoreFactories()) {
  runJobQueueSuite({
    name: `EmbeddedJobQueue on ${factory.name}`,
    async createBackend() {
      const store = await factory.create();
      return { store, makeQueue: (deps) => new EmbeddedJobQueue(store, deps.audit, deps.clock, deps) };
    },
    cleanup: () => factory.cleanup(),
  });
}

for (const factory of allTestStoreFactories()) embeddedCases(factory);

function embeddedCases(factory: TestStoreFactory): void {
  describe(`EmbeddedJobQueue on ${factory.name}`, () => {
    const queues: EmbeddedJobQueue[] = [];
    afterEach(async () => {
      await Promise.all(queues.splice(0).map((q) => q.close()));
      await factory.cleanup();
    });
    afterAll(() => factory.cleanup());

    let store: MetadataStore;
    let audit: RecordingAuditLog;
    let clock: ManualClock;
    const setup = async () => {
      store = await factory.create();
      audit = new RecordingAuditLog();
      clock = new ManualClock();
    };
    const queue = (options: Partial<EmbeddedJobQueueOptions> = {}) => {
      const q = new EmbeddedJobQueue(store, audit, clock, {
        concurrency: 1,
        pollIntervalMs: 20,
        leaseMs: 60_000,
        ...options,
      });
      queues.push(q);
      return q;
    };

    it('claims again a job whose worker stopped renewing its lease, and drops the stale outcome', async () => {
      await setup();
      const stale = queue({ workerId: 'worker-a' });
      const release = deferred();
      stale.register('t', async () => {
        await release.promise;
        return 'from a';
      });
      const fresh = queue({ workerId: 'worker-b' });
      fresh.register('t', async () => 'from b');
      await stale.start();
      const job = await stale.enqueue('t', {});
      await waitFor(
        () => stale.get(job.id),
        (j) => j.status === 'running',
      );
      const held = await store.db
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      expect(held).toMatchObject({ locked_by: 'worker-a', lease_until_ms: clock.now().getTime() + 60_000 });
      // worker-a renews every 20 s of real time: within the test its lease simply runs out.
      clock.advance(60_001);
      await fresh.start();
      expect(
        await waitFor(
          () => fresh.get(job.id),
          (j) => j.status === 'succeeded',
        ),
      ).toMatchObject({
        result: 'from b',
        attempts: 2,
      });
      release.resolve();
      await stale.close();
      expect(await fresh.get(job.id)).toMatchObject({ status: 'succeeded', result: 'from b', attempts: 2 });
    });

    it('fails a job found with an expired lease after its last attempt, without running it again', async () => {
      await setup();
      const dying = queue();
      dying.register('t', async (_p, jc) => untilAborted(jc.signal));
      let calls = 0;
      const other = queue();
      other.register('t', async () => {
        calls += 1;
        return null;
      });
      await dying.start();
      const job = await dying.enqueue('t', {}, { maxAttempts: 1 });
      await waitFor(
        () => dying.get(job.id),
        (j) => j.status === 'running',
      );
      clock.advance(60_001);
      await other.start();
      const done = await waitFor(
        () => other.get(job.id),
        (j) => j.status === 'failed',
      );
      expect(done.error).toMatch(/attempt 1 of 1 stopped without finishing \(its lease expired\)/);
      expect(calls).toBe(0);
      expect(audit.actionsOn(`job/${job.id}`)).toEqual(['job.enqueue', 'job.fail']);
    });

    it('puts a job interrupted by close back in the queue without counting the attempt', async () => {
      await setup();
      const q = queue();
      const started = deferred();
      q.register('t', async (_p, jc) => {
        started.resolve();
        await untilAborted(jc.signal);
      });
      await q.start();
      const job = await q.enqueue('t', {});
      await started.promise;
      await q.close();
      const row = await store.db
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'queued', attempts: 0, locked_by: null, lease_until_ms: null });
      await expect(q.start()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });

    it('hands each due job to one claimer, however many claim at once', async () => {
      await setup();
      const q = queue();
      for (let i = 0; i < 10; i += 1) await q.enqueue('t', { i });
      const nowMs = clock.now().getTime();
      const batches = await Promise.all(
        Array.from({ length: 5 }, (_, w) =>
          claimDueJobs(store, audit, { workerId: `w${w}`, nowMs, leaseMs: 1000, limit: 3 }),
        ),
      );
      const ids = batches.flat().map((r) => r.id);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
      expect(batches.flat().every((r) => r.status === 'running' && r.attempts === 1)).toBe(true);
    });

    it('enqueues one job per due run however many tick at once', async () => {
      await setup();
      const q = queue();
      clock.set('2026-01-01T00:00:30Z');
      await q.schedule('s', 't', '*/5 * * * *', null);
      const at = Date.parse('2026-01-01T00:05:00Z');
      const counts = await Promise.all(Array.from({ length: 6 }, () => fireDueSchedules(store, audit, at)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await q.list({ scheduleName: 's' })).toHaveLength(1);
      expect((await q.listSchedules())[0]!.nextRunAt).toBe('2026-01-01T00:10:00.000Z');
    });

    it('refuses bad options', async () => {
      await setup();
      for (const bad of [{ concurrency: 0 }, { pollIntervalMs: 1.5 }, { leaseMs: 10 }]) {
        expect(() => queue(bad)).toThrow(/concurrency|pollIntervalMs|leaseMs/);
      }
      await expect(queue().schedule('s', 't', '* * * * *', null, { backoffMs: 5 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    });
  });
}
