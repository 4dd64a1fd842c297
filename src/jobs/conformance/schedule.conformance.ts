/**
 * @module jobs/conformance/schedule.conformance
 * Conformance cases for cron schedules: firing when due and advancing (UTC), coalescing missed runs,
 * replacing and deleting (audited), and refusing bad expressions.
 */
import { expect, it } from 'vitest';
import { type SuiteContext, waitFor } from '../test-support/suite-context.js';

export function scheduleCases(fresh: () => Promise<SuiteContext>): void {
  it('fires a cron schedule when due, in UTC, and advances it to the next due time', async () => {
    const ctx = await fresh();
    ctx.clock.set('2026-01-01T00:00:30Z');
    const q = ctx.queue();
    const payloads: unknown[] = [];
    q.register('report', async (p) => {
      payloads.push(p);
      return null;
    });
    const created = await q.schedule(
      'five-minutely',
      'report',
      '*/5 * * * *',
      { k: 1 },
      { actor: 'alice', maxAttempts: 3 },
    );
    expect(created).toMatchObject({
      name: 'five-minutely',
      type: 'report',
      cron: '*/5 * * * *',
      payload: { k: 1 },
      maxAttempts: 3,
      nextRunAt: '2026-01-01T00:05:00.000Z',
      createdBy: 'alice',
    });
    expect(await q.listSchedules()).toEqual([created]);
    await q.start();
    ctx.clock.set('2026-01-01T00:05:00Z');
    const [job] = await waitFor(
      () => q.list({ scheduleName: 'five-minutely' }),
      (jobs) => jobs.length === 1 && jobs[0]!.status === 'succeeded',
    );
    expect(job).toMatchObject({ type: 'report', payload: { k: 1 }, maxAttempts: 3, attempts: 1 });
    expect(payloads).toEqual([{ k: 1 }]);
    expect((await q.listSchedules())[0]!.nextRunAt).toBe('2026-01-01T00:10:00.000Z');
  });

  it('coalesces the runs missed while no worker ran into one job', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    q.register('report', async () => null);
    expect((await q.schedule('hourly', 'report', '0 * * * *', null)).nextRunAt).toBe(
      '2026-01-01T01:00:00.000Z',
    );
    ctx.clock.set('2026-01-01T05:30:00Z');
    await q.start();
    await waitFor(
      () => q.list({ scheduleName: 'hourly' }),
      (jobs) => jobs.length >= 1 && jobs.every((j) => j.status === 'succeeded'),
    );
    // The schedule now points past the (frozen) clock, so no further job can appear.
    expect((await q.listSchedules())[0]!.nextRunAt).toBe('2026-01-01T06:00:00.000Z');
    expect(await q.list({ scheduleName: 'hourly' })).toHaveLength(1);
  });

  it('replaces and deletes schedules, audited', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    await q.schedule('sweep', 'a', '0 0 * * *', 1);
    const replaced = await q.schedule('sweep', 'b', '30 6 * * 1', 2, { actor: 'bob' });
    // 2026-01-01 is a Thursday; the next Monday 06:30 UTC is 5 January.
    expect(replaced).toMatchObject({
      type: 'b',
      cron: '30 6 * * 1',
      payload: 2,
      nextRunAt: '2026-01-05T06:30:00.000Z',
    });
    expect(await q.listSchedules()).toEqual([replaced]);
    await q.unschedule('sweep', 'carol');
    expect(await q.listSchedules()).toEqual([]);
    await expect(q.unschedule('sweep')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect(
      ctx.audit.events.filter((e) => e.resource === 'job-schedule/sweep').map((e) => [e.action, e.actor]),
    ).toEqual([
      ['job.schedule.create', 'system'],
      ['job.schedule.replace', 'bob'],
      ['job.schedule.delete', 'carol'],
    ]);
  });

  it('refuses an invalid cron expression, naming it and the reason', async () => {
    const ctx = await fresh();
    const q = ctx.queue();
    await expect(q.schedule('bad', 't', '61 * * * *', null)).rejects.toMatchObject({
      code: 'INVALID_CRON',
      message: expect.stringMatching(/"61 \* \* \* \*".*0-59/),
    });
    await expect(q.schedule('bad', 't', '* * * *', null)).rejects.toMatchObject({
      code: 'INVALID_CRON',
      message: expect.stringContaining('five fields'),
    });
    for (const cron of ['0 0 * * * *', '@daily', 'every day', '0 0 30 2 *']) {
      await expect(q.schedule('bad', 't', cron, null)).rejects.toMatchObject({ code: 'INVALID_CRON' });
    }
    expect(await q.listSchedules()).toEqual([]);
  });
}
