import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatchEvent } from './batcher-options.js';
import { type BatchResult, DynamicBatcher } from './dynamic-batcher.js';
import { bytes, fakeModel, flushAsync, fp32, rowsOf, sum } from './test-support/fake-model.js';

const base = { maxBatchSize: 8, maxQueueDelayMicros: 0, maxQueueSize: 1000, maxInFlightBatches: 1 };

/** Submitter i's rows: 1 to 3 of them, each unique, so sums identify their owner. */
function rowsFor(i: number): number[][] {
  return Array.from({ length: 1 + (i % 3) }, (_, j) => [i, j * 1000, 7]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DynamicBatcher: forming batches', () => {
  it('a batch due by its delay leaves at the end of the event-loop turn, with the requests read in that turn', async () => {
    const model = fakeModel('gate');
    let now = 0;
    const batcher = new DynamicBatcher(model.runner, {
      ...base,
      maxQueueDelayMicros: 500,
      nowMicros: () => now,
    });
    const one = (v: number) => batcher.submit({ inputs: [fp32('x', [[v]])], batchSize: 1 });
    const submitted = [one(1)];
    await Promise.resolve();
    // Later in the same turn (as when one poll phase reads many sockets), past the first's delay:
    now = 600;
    for (const v of [2, 3, 4]) {
      submitted.push(one(v));
      await Promise.resolve();
      await Promise.resolve();
    }
    expect(model.calls).toHaveLength(0);
    await flushAsync();
    expect(model.calls.map((c) => c.rows)).toEqual([4]);
    model.release();
    const answers = await Promise.all(submitted);
    expect(answers.map((a) => (a.outputs[0].data as Float32Array)[0])).toEqual([1, 2, 3, 4]);
  });

  it('a complete batch leaves in the same turn, without waiting for its end', async () => {
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, { ...base, maxBatchSize: 2, maxQueueDelayMicros: 60e6 });
    const submitted = [1, 2, 3].map((v) => batcher.submit({ inputs: [fp32('x', [[v]])], batchSize: 1 }));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(model.calls.map((c) => c.rows)).toEqual([2]);
    model.release();
    await flushAsync();
    // The third waits for its 60 s delay; closing flushes it.
    const closing = batcher.close();
    await flushAsync();
    model.release();
    await closing;
    expect((await Promise.all(submitted)).map((a) => a.batchSize)).toEqual([2, 2, 1]);
  });

  it('serves 64 concurrent submitters in batches up to max_batch_size, each getting exactly its own rows', async () => {
    const model = fakeModel('tick');
    const events: BatchEvent[] = [];
    const batcher = new DynamicBatcher(model.runner, {
      ...base,
      maxInFlightBatches: 2,
      onBatch: (e) => events.push(e),
    });
    const submitters = Array.from({ length: 64 }, async (_, i) => {
      // Arrivals come in waves, some while both run slots are busy.
      for (let w = 0; w < i % 4; w++) await flushAsync();
      const result = await batcher.submit({ inputs: [fp32('x', rowsFor(i))], batchSize: rowsFor(i).length });
      return { i, result };
    });
    const answers = await Promise.all(submitters);

    for (const { i, result } of answers) {
      const [s, d] = result.outputs;
      expect(s.name).toBe('sum');
      expect(Array.from(s.data as Float32Array)).toEqual(rowsFor(i).map(sum));
      expect(rowsOf(d)).toEqual(rowsFor(i).map((r) => r.map((v) => v * 2)));
      expect(result.batchSize).toBeGreaterThanOrEqual(rowsFor(i).length);
      expect(result.batchSize).toBeLessThanOrEqual(8);
    }
    const totalRows = answers.reduce((n, { i }) => n + rowsFor(i).length, 0);
    expect(model.calls.reduce((n, c) => n + c.rows, 0)).toBe(totalRows);
    expect(Math.max(...model.calls.map((c) => c.rows))).toBeLessThanOrEqual(8);
    expect(model.calls.some((c) => c.rows > 3)).toBe(true); // requests did share runs
    expect(model.maxRunning).toBeLessThanOrEqual(2);
    expect(events.map((e) => e.size)).toEqual(expect.arrayContaining(model.calls.map((c) => c.rows)));
    expect(events.reduce((n, e) => n + e.queueMicros.length, 0)).toBe(64);
    expect(events.every((e) => e.ok)).toBe(true);
    expect(batcher.stats()).toMatchObject({
      queued: 0,
      running: 0,
      batches: model.calls.length,
      failedBatches: 0,
    });
  });

  it('with no delay, runs the first request at once and batches those that arrive while the slot is busy', async () => {
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, base);
    const first = batcher.submit({ inputs: [fp32('x', [[1]])], batchSize: 1 });
    await flushAsync();
    expect(model.calls.map((c) => c.rows)).toEqual([1]);
    const rest = [2, 3, 4, 5, 6].map((v) => batcher.submit({ inputs: [fp32('x', [[v]])], batchSize: 1 }));
    await flushAsync();
    expect(batcher.stats().queued).toBe(5);
    model.release();
    await first;
    await flushAsync();
    expect(model.calls.map((c) => c.rows)).toEqual([1, 5]);
    model.release();
    const answers = await Promise.all(rest);
    expect(answers.map((a) => (a.outputs[0].data as Float32Array)[0])).toEqual([2, 3, 4, 5, 6]);
  });

  it('sends the largest preferred size it can form, then the rest', async () => {
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, { ...base, preferredBatchSizes: [2, 4] });
    const blocker = batcher.submit({ inputs: [fp32('x', [[0]])], batchSize: 1 });
    await flushAsync();
    const queued = [1, 2, 3, 4, 5, 6, 7].map((v) =>
      batcher.submit({ inputs: [fp32('x', [[v]])], batchSize: 1 }),
    );
    await flushAsync();
    for (let i = 0; i < 4; i++) {
      model.release();
      await flushAsync();
    }
    await Promise.all([blocker, ...queued]);
    expect(model.calls.map((c) => c.rows)).toEqual([1, 4, 2, 1]);
  });

  it('with a long delay, releases as soon as a preferred size forms', async () => {
    const model = fakeModel('tick');
    const batcher = new DynamicBatcher(model.runner, {
      ...base,
      maxQueueDelayMicros: 60e6,
      preferredBatchSizes: [4],
    });
    const answers = [1, 2, 3].map((v) => batcher.submit({ inputs: [fp32('x', [[v]])], batchSize: 1 }));
    await flushAsync();
    expect(model.calls).toHaveLength(0);
    answers.push(batcher.submit({ inputs: [fp32('x', [[4]])], batchSize: 1 }));
    await Promise.all(answers);
    expect(model.calls.map((c) => c.rows)).toEqual([4]);
    await batcher.close();
  });

  it('with a delay, releases a partial batch once its oldest request has waited the delay', async () => {
    vi.useFakeTimers();
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, { ...base, maxQueueDelayMicros: 5000 });
    const answers = [1, 2].map((v) => batcher.submit({ inputs: [fp32('x', [[v]])], batchSize: 1 }));
    await vi.advanceTimersByTimeAsync(3);
    answers.push(batcher.submit({ inputs: [fp32('x', [[3]])], batchSize: 1 }));
    await vi.advanceTimersByTimeAsync(1);
    expect(model.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(model.calls.map((c) => c.rows)).toEqual([3]);
    model.release();
    const results: BatchResult[] = await Promise.all(answers);
    expect(results.map((r) => r.queueMicros)).toEqual([5000, 5000, 2000]);
    expect(results.map((r) => r.batchSize)).toEqual([3, 3, 3]);
  });

  it('never puts requests with different trailing dims, datatypes or requested outputs in one batch', async () => {
    const model = fakeModel('tick');
    const batcher = new DynamicBatcher(model.runner, { ...base, maxInFlightBatches: 4 });
    const [a, b, c, d, e] = await Promise.all([
      batcher.submit({ inputs: [fp32('x', [[1, 2, 3]])], batchSize: 1 }),
      batcher.submit({ inputs: [fp32('x', [[1, 2, 3, 4]])], batchSize: 1 }),
      batcher.submit({ inputs: [bytes('x', [['p', 'q', 'r']])], batchSize: 1 }),
      batcher.submit({ inputs: [fp32('x', [[5, 5, 5]])], batchSize: 1, outputNames: ['sum'] }),
      batcher.submit({ inputs: [fp32('x', [[6, 6, 6]])], batchSize: 1 }),
    ]);
    expect(model.calls.map((call) => call.rows).sort()).toEqual([1, 1, 1, 2]);
    expect(Array.from(a.outputs[0].data as Float32Array)).toEqual([6]);
    expect(Array.from(b.outputs[0].data as Float32Array)).toEqual([10]);
    expect(c.outputs[0].data).toEqual(['p+q+r']);
    expect(d.outputs.map((t) => t.name)).toEqual(['sum']);
    expect(Array.from(e.outputs[0].data as Float32Array)).toEqual([18]);
    expect(e.batchSize).toBe(2); // a and e shared a run
  });

  it('concatenates BYTES inputs and gives each request its own strings back', async () => {
    const model = fakeModel('tick');
    const batcher = new DynamicBatcher(model.runner, base);
    const answers = await Promise.all([
      batcher.submit({ inputs: [bytes('x', [['a', 'b']])], batchSize: 1 }),
      batcher.submit({
        inputs: [
          bytes('x', [
            ['c', 'd'],
            ['e', 'f'],
          ]),
        ],
        batchSize: 2,
      }),
    ]);
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0].inputs[0].data).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(answers.map((r) => r.outputs[0].data)).toEqual([['a+b'], ['c+d', 'e+f']]);
  });

  it('with max_batch_size 1, runs every request alone, at most max_in_flight at a time', async () => {
    const model = fakeModel('tick');
    const batcher = new DynamicBatcher(model.runner, { ...base, maxBatchSize: 1, maxInFlightBatches: 2 });
    // No batching: a request's dimension 0 is not limited nor checked, the model decides.
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((v) => batcher.submit({ inputs: [fp32('x', [[v], [v]])], batchSize: 2 })),
    );
    expect(model.calls.map((c) => c.rows)).toEqual([2, 2, 2, 2, 2]);
    expect(model.maxRunning).toBe(2);
    expect(answers.map((a) => Array.from(a.outputs[0].data as Float32Array))).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });
});

describe('DynamicBatcher: sub-millisecond queue delays', () => {
  it('releases a partial batch as soon as the clock passes the delay, without waiting for a millisecond timer', async () => {
    let now = 0;
    const model = fakeModel('tick');
    const batcher = new DynamicBatcher(model.runner, {
      ...base,
      maxQueueDelayMicros: 500,
      nowMicros: () => now,
    });
    const answer = batcher.submit({ inputs: [fp32('x', [[1, 2, 3]])], batchSize: 1 });
    const turn = () => new Promise<void>((r) => setImmediate(r));
    await turn();
    await turn();
    expect(model.calls).toHaveLength(0); // 0 µs of the 500 have passed
    now = 499;
    await turn();
    expect(model.calls).toHaveLength(0);
    now = 500;
    await turn();
    await turn();
    expect(model.calls).toHaveLength(1);
    expect((await answer).queueMicros).toBe(500);
  });
});
