/**
 * @module jobs/conformance/cancel.conformance
 * Conformance cases for stopping work: cancelling queued and running jobs (from the worker's own
 * queue and from another one), and closing a queue while a handler runs.
 */
import { expect, it } from 'vitest';
import type { JobHandler } from '../job-queue.js';
import { deferred, type SuiteContext, untilAborted, waitFor } from '../test-support/suite-context.js';

export function cancelCases(fresh: () => Promise<SuiteContext>): void {
  it('cancels a queued job at once, audited; a finished job is not cancellable', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    let calls = 0;
    q.register('never', async () => {
      calls += 1;
      return null;
    });
    q.register('ping', async () => 'pong');
    const job = await q.enqueue('never', {});
    const cancelled = await q.cancel(job.id, 'bob');
    expect(cancelled).toMatchObject({
      id: job.id,
      status: 'cancelled',
      finishedAt: ctx.clock.now().toISOString(),
    });
    expect(await q.get(job.id)).toMatchObject({ status: 'cancelled' });
    await expect(q.cancel(job.id)).rejects.toMatchObject({ code: 'JOB_NOT_CANCELLABLE' });
    await expect(q.cancel('job_0000000000000000')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect(
      ctx.audit.events.filter((e) => e.action === 'job.cancel').map((e) => [e.actor, e.resource]),
    ).toEqual([['bob', `job/${job.id}`]]);
    await q.start();
    const ping = await q.enqueue('ping', {});
    await waitFor(
      () => q.get(ping.id),
      (j) => j.status === 'succeeded',
    );
    expect(calls).toBe(0);
  });

  it('cancels a running job: its handler sees the signal abort and the job ends cancelled', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    const started = deferred();
    let observed: unknown;
    q.register('wait', async (_p, jc) => {
      started.resolve();
      try {
        return await untilAborted(jc.signal);
      } catch (e) {
        observed = e;
        throw e;
      }
    });
    await q.start();
    const job = await q.enqueue('wait', {});
    await started.promise;
    expect(await q.cancel(job.id, 'bob')).toMatchObject({ status: 'running', cancelRequested: true });
    const done = await waitFor(
      () => q.get(job.id),
      (j) => j.status === 'cancelled',
    );
    expect(done.attempts).toBe(1);
    expect(done.finishedAt).not.toBeNull();
    expect(observed).toBeInstanceOf(Error);
    expect(ctx.audit.actionsOn(`job/${job.id}`)).toEqual(['job.enqueue', 'job.cancel']);
  });

  it('a cancel asked through another queue reaches the worker running the job', async () => {
    const ctx = await fresh();
    const worker = ctx.queue({ leaseMs: 300 });
    const other = ctx.queue();
    const started = deferred();
    let aborted = false;
    worker.register('wait', async (_p, jc) => {
      started.resolve();
      await untilAborted(jc.signal).catch((e: unknown) => {
        aborted = true;
        throw e;
      });
    });
    await worker.start();
    const job = await other.enqueue('wait', {});
    await started.promise;
    await other.cancel(job.id);
    expect(
      await waitFor(
        () => other.get(job.id),
        (j) => j.status === 'cancelled',
      ),
    ).toMatchObject({ attempts: 1 });
    expect(aborted).toBe(true);
  });

  it('close aborts running handlers and leaves their jobs to be run again', async () => {
    const ctx = await fresh();
    let calls = 0;
    const started = deferred();
    const resumable: JobHandler = async (_p, jc) => {
      calls += 1;
      if (calls === 1) {
        started.resolve();
        await untilAborted(jc.signal);
      }
      return 'finished';
    };
    const first = ctx.queue();
    first.register('resumable', resumable);
    await first.start();
    const job = await first.enqueue('resumable', {});
    await started.promise;
    await first.close();
    await first.close();
    expect(calls).toBe(1);
    expect(['queued', 'running']).toContain((await first.get(job.id)).status);
    // Past any lease the first worker held, for queues that let it expire.
    ctx.clock.advance(31_000);
    const second = ctx.queue();
    second.register('resumable', resumable);
    await second.start();
    expect(
      await waitFor(
        () => second.get(job.id),
        (j) => j.status === 'succeeded',
      ),
    ).toMatchObject({ result: 'finished' });
    expect(calls).toBe(2);
  });
}
