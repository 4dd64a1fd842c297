/**
 * @module jobs/conformance/lifecycle.conformance
 * Conformance cases for a job's life: enqueue, run, result, delay, retries with backoff, final
 * failure, unrecoverable errors, unknown types, progress, the outbox pattern, reads and filters.
 */
import { expect, it } from 'vitest';
import type { JobStatus } from '../job-queue.js';
import { deferred, type SuiteContext, waitFor } from '../test-support/suite-context.js';
import { UnrecoverableJobError } from '../unrecoverable-job-error.js';

const succeeded = (j: { status: JobStatus }) => j.status === 'succeeded';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

export function lifecycleCases(fresh: () => Promise<SuiteContext>): void {
  it('runs an enqueued job and records its result, audited', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    q.register('double', async (payload) => ({ doubled: (payload as { n: number }).n * 2 }));
    await q.start();
    const job = await q.enqueue('double', { n: 21 }, { actor: 'alice' });
    expect(job).toMatchObject({
      type: 'double',
      payload: { n: 21 },
      status: 'queued',
      attempts: 0,
      maxAttempts: 5,
      result: null,
      error: null,
      cancelRequested: false,
      scheduleName: null,
      createdBy: 'alice',
      runAt: ctx.clock.now().toISOString(),
      finishedAt: null,
    });
    expect(job.id).toMatch(/^job_[0-9a-f]{16}$/);
    const done = await waitFor(() => q.get(job.id), succeeded);
    expect(done).toMatchObject({ result: { doubled: 42 }, progress: 1, attempts: 1, error: null });
    expect(done.finishedAt).toBe(ctx.clock.now().toISOString());
    expect(ctx.audit.actionsOn(`job/${job.id}`)).toEqual(['job.enqueue', 'job.succeed']);
    expect(ctx.audit.events[0]).toMatchObject({
      actor: 'alice',
      details: { type: 'double' },
      inTransaction: true,
    });
  });

  it('refuses a payload that is not JSON, and bad options, storing nothing', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const bad of [10n, undefined, circular, () => 1]) {
      await expect(q.enqueue('t', bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(q.enqueue('t', {}, { maxAttempts: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(q.enqueue('t', {}, { delayMs: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(q.enqueue('', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await q.list()).toEqual([]);
  });

  it('does not run a delayed job before it is due', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    q.register('echo', async (p) => p);
    await q.start();
    const later = await q.enqueue('echo', 'later', { delayMs: 60_000 });
    const now = await q.enqueue('echo', 'now');
    // The worker has looked at the queue at least once since `later` was stored.
    await waitFor(() => q.get(now.id), succeeded);
    expect(await q.get(later.id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      runAt: '2026-01-01T00:01:00.000Z',
    });
    ctx.clock.advance(60_000);
    expect(await waitFor(() => q.get(later.id), succeeded)).toMatchObject({ result: 'later', attempts: 1 });
  });

  it('retries a failing job with exponential backoff and jitter, then succeeds', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    let calls = 0;
    q.register('flaky', async () => {
      calls += 1;
      if (calls < 3) throw new Error(`flaky ${calls}`);
      return 'ok';
    });
    await q.start();
    const job = await q.enqueue('flaky', null, { backoffMs: 1000 });
    const first = await waitFor(
      () => q.get(job.id),
      (j) => j.status === 'queued' && j.attempts === 1,
    );
    expect(first.error).toBe('flaky 1');
    const delay1 = Date.parse(first.runAt) - ctx.clock.now().getTime();
    expect(delay1).toBeGreaterThanOrEqual(800);
    expect(delay1).toBeLessThanOrEqual(1200);
    ctx.clock.advance(1200);
    const second = await waitFor(
      () => q.get(job.id),
      (j) => j.status === 'queued' && j.attempts === 2,
    );
    expect(second.error).toBe('flaky 2');
    const delay2 = Date.parse(second.runAt) - ctx.clock.now().getTime();
    expect(delay2).toBeGreaterThanOrEqual(1600);
    expect(delay2).toBeLessThanOrEqual(2400);
    ctx.clock.advance(2400);
    expect(await waitFor(() => q.get(job.id), succeeded)).toMatchObject({
      attempts: 3,
      result: 'ok',
      error: null,
    });
    expect(calls).toBe(3);
  });

  it('fails a job for good once its attempts are spent, audited', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    let calls = 0;
    q.register('broken', async () => {
      calls += 1;
      throw new Error('always broken');
    });
    await q.start();
    const job = await q.enqueue('broken', {}, { maxAttempts: 2, backoffMs: 0 });
    const done = await waitFor(
      () => q.get(job.id),
      (j) => j.status === 'failed',
    );
    expect(done).toMatchObject({ attempts: 2, error: 'always broken', result: null });
    expect(done.finishedAt).not.toBeNull();
    expect(calls).toBe(2);
    expect(ctx.audit.actionsOn(`job/${job.id}`)).toEqual(['job.enqueue', 'job.fail']);
  });

  it('fails at once when the handler throws an UnrecoverableJobError', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    let calls = 0;
    q.register('strict', async () => {
      calls += 1;
      throw new UnrecoverableJobError('the payload names no model');
    });
    await q.start();
    const job = await q.enqueue('strict', {}, { maxAttempts: 5, backoffMs: 0 });
    const done = await waitFor(
      () => q.get(job.id),
      (j) => j.status === 'failed',
    );
    expect(done).toMatchObject({ attempts: 1, error: 'UnrecoverableJobError: the payload names no model' });
    expect(calls).toBe(1);
  });

  it('accepts a type with no handler here, and fails it with UNKNOWN_JOB_TYPE after its attempts', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    q.register('known', async () => null);
    await q.start();
    const job = await q.enqueue('nobody.handles.this', { a: 1 }, { maxAttempts: 2, backoffMs: 0 });
    const done = await waitFor(
      () => q.get(job.id),
      (j) => j.status === 'failed',
    );
    expect(done.attempts).toBe(2);
    expect(done.error).toMatch(/^UNKNOWN_JOB_TYPE: .*"nobody\.handles\.this"/);
  });

  it('records progress while a job runs', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    const release = deferred();
    let badProgress: unknown;
    q.register('long', async (_p, jc) => {
      await jc.progress(0.5, 'half way');
      badProgress = await jc.progress(1.5).catch((e: unknown) => e);
      await release.promise;
      return null;
    });
    await q.start();
    const job = await q.enqueue('long', {});
    const mid = await waitFor(
      () => q.get(job.id),
      (j) => j.progress === 0.5,
    );
    expect(mid).toMatchObject({ status: 'running', progressMessage: 'half way' });
    release.resolve();
    expect(await waitFor(() => q.get(job.id), succeeded)).toMatchObject({
      progress: 1,
      progressMessage: 'half way',
    });
    expect(badProgress).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("enqueues in the caller's transaction: nothing on rollback, the job on commit", async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    q.register('outbox', async (p) => p);
    await q.start();
    await expect(
      ctx.store.transaction(async (trx) => {
        await q.enqueue('outbox', 'lost', { trx });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const kept = await ctx.store.transaction((trx) => q.enqueue('outbox', 'kept', { trx }));
    expect(await waitFor(() => q.get(kept.id), succeeded)).toMatchObject({ result: 'kept' });
    expect((await q.list({ type: 'outbox' })).map((j) => j.id)).toEqual([kept.id]);
  });

  it('registers each type once, and only before start', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    const handler = async () => null;
    q.register('a', handler);
    expect(thrown(() => q.register('a', handler))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    await q.start();
    expect(thrown(() => q.register('b', handler))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('gets and lists jobs, newest first, filtered by status, type and schedule', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    const a = await q.enqueue('alpha', 1);
    ctx.clock.advance(1);
    const b = await q.enqueue('beta', 2);
    ctx.clock.advance(1);
    const c = await q.enqueue('alpha', 3);
    await q.cancel(c.id);
    const ids = async (filter?: Parameters<typeof q.list>[0]) => (await q.list(filter)).map((j) => j.id);
    expect(await ids()).toEqual([c.id, b.id, a.id]);
    expect(await ids({ type: 'alpha' })).toEqual([c.id, a.id]);
    expect(await ids({ status: 'cancelled' })).toEqual([c.id]);
    expect(await ids({ status: 'queued', type: 'alpha' })).toEqual([a.id]);
    expect(await ids({ limit: 1 })).toEqual([c.id]);
    expect(await ids({ scheduleName: 'none' })).toEqual([]);
    expect(await q.get(b.id)).toEqual(b);
    await expect(q.get('job_0000000000000000')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    await expect(q.list({ status: 'done' as JobStatus })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(q.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
}
