/**
 * @module jobs/conformance/concurrency.conformance
 * Conformance cases for several queues on one backend (several processes on one database): a job
 * runs on one of them at a time, once, and a due schedule enqueues one job, not one per queue.
 */
import { expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import type { JobHandler } from '../job-queue.js';
import { type SuiteContext, sleep, waitFor } from '../test-support/suite-context.js';

export function concurrencyCases(fresh: () => Promise<SuiteContext>): void {
  it('two queues on one backend never run the same job at once, nor twice', async () => {
    const ctx = await fresh();
    const active = new Set<string>();
    const runs = new Map<string, number>();
    let overlaps = 0;
    const handler: JobHandler = async (_p, jc) => {
      const id = jc.job.id;
      if (active.has(id)) overlaps += 1;
      active.add(id);
      runs.set(id, (runs.get(id) ?? 0) + 1);
      await sleep(3);
      active.delete(id);
      return null;
    };
    const queues = [0, 1].map(() => ctx.queue({ clock: systemClock, concurrency: 3, leaseMs: 10_000 }));
    for (const q of queues) q.register('work', handler);
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push((await queues[0]!.enqueue('work', { i })).id);
    await Promise.all(queues.map((q) => q.start()));
    const done = await waitFor(
      () => queues[1]!.list({ status: 'succeeded', limit: 100 }),
      (jobs) => jobs.length === ids.length,
    );
    expect(overlaps).toBe(0);
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(done.every((j) => j.attempts === 1)).toBe(true);
  });

  it('two queues on one backend enqueue a due schedule once', async () => {
    const ctx = await fresh();
    const queues = [0, 1].map(() => ctx.queue());
    for (const q of queues) q.register('report', async () => null);
    await queues[0]!.schedule('hourly', 'report', '0 * * * *', null);
    await Promise.all(queues.map((q) => q.start()));
    ctx.clock.set('2026-01-01T01:00:00Z');
    await waitFor(
      () => queues[1]!.list({ scheduleName: 'hourly' }),
      (jobs) => jobs.length >= 1 && jobs.every((j) => j.status === 'succeeded'),
    );
    // Give both queues many more polls in which a second enqueue would show.
    await sleep(200);
    expect(await queues[0]!.list({ scheduleName: 'hourly' })).toHaveLength(1);
    expect((await queues[1]!.listSchedules())[0]!.nextRunAt).toBe('2026-01-01T02:00:00.000Z');
  });
}
