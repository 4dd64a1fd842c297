import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Tensor } from '../tensor.js';
import { type BatchRunner, DynamicBatcher } from './dynamic-batcher.js';
import { fakeModel, flushAsync, fp32, rejectionOf } from './test-support/fake-model.js';

const base = { maxBatchSize: 8, maxQueueDelayMicros: 0, maxQueueSize: 1000, maxInFlightBatches: 1 };
const one = (v: number) => ({ inputs: [fp32('x', [[v]])], batchSize: 1 });

afterEach(() => {
  vi.useRealTimers();
});

describe('DynamicBatcher: refusing requests', () => {
  it('refuses a request larger than max_batch_size', async () => {
    const batcher = new DynamicBatcher(fakeModel().runner, base);
    const rows = Array.from({ length: 9 }, (_, i) => [i]);
    const e = await rejectionOf(batcher.submit({ inputs: [fp32('x', rows)], batchSize: 9 }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('batch of 9 exceeds max_batch_size 8');
  });

  it('refuses a request whose inputs do not have its batch size as dimension 0', async () => {
    const batcher = new DynamicBatcher(fakeModel().runner, base);
    const e = await rejectionOf(batcher.submit({ inputs: [fp32('x', [[1], [2]])], batchSize: 1 }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.details.reason).toBe('batch_mismatch');
  });

  it('refuses at once with QUEUE_FULL and a Retry-After hint when max_queue_size requests wait', async () => {
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, { ...base, maxQueueSize: 2 });
    const running = batcher.submit(one(1));
    await flushAsync();
    const queued = [batcher.submit(one(2)), batcher.submit(one(3))];
    const e = await rejectionOf(batcher.submit(one(4)));
    expect(e.code).toBe('QUEUE_FULL');
    expect(e.details).toMatchObject({ reason: 'queue_full', maxQueueSize: 2 });
    expect(Number.isInteger(e.details.retryAfterSeconds)).toBe(true);
    expect(e.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(batcher.stats()).toMatchObject({ queued: 2, running: 1, refusedQueueFull: 1 });
    model.release();
    await flushAsync();
    model.release();
    const answers = await Promise.all([running, ...queued]);
    expect(answers.map((a) => (a.outputs[0].data as Float32Array)[0])).toEqual([1, 2, 3]);
  });

  it('refuses new requests once closed, after finishing queued ones without waiting for the delay', async () => {
    const model = fakeModel('tick');
    const batcher = new DynamicBatcher(model.runner, { ...base, maxQueueDelayMicros: 60e6 });
    const queued = [batcher.submit(one(1)), batcher.submit(one(2))];
    await flushAsync();
    expect(model.calls).toHaveLength(0);
    const closed = batcher.close();
    expect(batcher.drain()).toBe(closed);
    const late = await rejectionOf(batcher.submit(one(3)));
    expect(late.code).toBe('UNAVAILABLE');
    expect(late.details.reason).toBe('closed');
    await closed;
    expect(batcher.pending).toBe(0);
    expect((await Promise.all(queued)).map((a) => a.batchSize)).toEqual([2, 2]);
  });
});

describe('DynamicBatcher: timeouts', () => {
  it('rejects and removes a request that waits past its timeout, without touching the others', async () => {
    vi.useFakeTimers();
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, base);
    const running = batcher.submit({ ...one(1), timeoutMicros: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    const doomed = batcher.submit({ ...one(2), timeoutMicros: 2000 });
    const patient = batcher.submit(one(3));
    const doomedError = rejectionOf(doomed);
    await vi.advanceTimersByTimeAsync(2);
    const e = await doomedError;
    expect(e.code).toBe('REQUEST_TIMEOUT');
    expect(e.details).toMatchObject({ reason: 'timeout', timeoutMicros: 2000 });
    expect(batcher.stats()).toMatchObject({ queued: 1, timedOut: 1 });
    model.release(); // the running request outlived its timeout: timeouts only apply in the queue
    expect((await running).outputs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(model.calls.map((c) => c.rows)).toEqual([1, 1]);
    model.release();
    expect(Array.from((await patient).outputs[0].data as Float32Array)).toEqual([3]);
  });

  it('applies defaultTimeoutMicros when a request gives none', async () => {
    vi.useFakeTimers();
    const model = fakeModel('gate');
    const batcher = new DynamicBatcher(model.runner, { ...base, defaultTimeoutMicros: 1000 });
    void batcher.submit(one(1)).catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    const waiting = rejectionOf(batcher.submit(one(2)));
    await vi.advanceTimersByTimeAsync(1);
    expect((await waiting).code).toBe('REQUEST_TIMEOUT');
  });
});

describe('DynamicBatcher: failing runs', () => {
  /** Two batches of two; the runner fails the first. */
  async function runWithFailingFirstBatch(
    fail: (inputs: readonly Tensor[]) => Promise<Tensor[]>,
    options: { modelOutputNames?: string[]; outputNames?: string[] } = {},
  ) {
    const good = fakeModel('tick');
    let calls = 0;
    const runner: BatchRunner = (inputs, names) =>
      calls++ === 0 ? fail(inputs) : good.runner(inputs, names);
    const batcher = new DynamicBatcher(runner, {
      ...base,
      maxBatchSize: 2,
      modelOutputNames: options.modelOutputNames,
    });
    const submit = (v: number) => batcher.submit({ ...one(v), outputNames: options.outputNames });
    const results = await Promise.allSettled([1, 2, 3, 4].map(submit));
    await batcher.close();
    expect(batcher.stats()).toMatchObject({ queued: 0, running: 0, batches: 2, failedBatches: 1 });
    return results;
  }

  it('rejects exactly the requests of a batch whose runner throws synchronously', async () => {
    const results = await runWithFailingFirstBatch(() => {
      throw new TypeError('boom');
    });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    const reason = (results[0] as PromiseRejectedResult).reason;
    expect(reason).toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });

  it('rejects exactly the requests of a batch whose runner rejects, keeping a Kiln error as it is', async () => {
    const { KilnError } = await import('../../core/errors.js');
    const results = await runWithFailingFirstBatch(async () => {
      throw new KilnError('UNAVAILABLE', 'worker died');
    });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'worker died',
    });
  });

  const sumOnly = async (inputs: readonly Tensor[]): Promise<Tensor[]> => [
    {
      name: 'sum',
      datatype: 'FP32',
      shape: [inputs[0].shape[0]],
      data: new Float32Array(inputs[0].shape[0]),
    },
  ];

  it('rejects with INTERNAL when the runner returns fewer outputs than requested', async () => {
    const results = await runWithFailingFirstBatch(sumOnly, { outputNames: ['sum', 'double'] });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'INTERNAL',
      details: { reason: 'output_mismatch', expected: ['sum', 'double'], got: ['sum'] },
    });
  });

  it('rejects with INTERNAL when all outputs were asked for and the runner returns fewer than the model has', async () => {
    const results = await runWithFailingFirstBatch(sumOnly, { modelOutputNames: ['sum', 'double'] });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'INTERNAL' });
  });

  it('rejects with INTERNAL when the outputs do not match the requested ones', async () => {
    const runner: BatchRunner = async () => [];
    const batcher = new DynamicBatcher(runner, base);
    const e = await rejectionOf(batcher.submit({ ...one(1), outputNames: ['sum'] }));
    expect(e.code).toBe('INTERNAL');
    expect(e.details).toMatchObject({ reason: 'output_mismatch', expected: ['sum'], got: [] });
  });

  it('rejects with INTERNAL when an output’s first dimension is not the batch', async () => {
    const runner: BatchRunner = async () => [
      { name: 'sum', datatype: 'FP32', shape: [1], data: new Float32Array(1) },
    ];
    const batcher = new DynamicBatcher(runner, base);
    const results = await Promise.allSettled([batcher.submit(one(1)), batcher.submit(one(2))]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason.details.reason).toBe('output_not_batched');
    }
  });

  it('survives an onBatch hook that throws', async () => {
    const batcher = new DynamicBatcher(fakeModel().runner, {
      ...base,
      onBatch: () => {
        throw new Error('metrics broke');
      },
    });
    const [a, b] = await Promise.all([batcher.submit(one(1)), batcher.submit(one(2))]);
    expect([a.batchSize, b.batchSize]).toEqual([2, 2]);
    expect((await batcher.submit(one(3))).outputs).toHaveLength(2);
  });
});

describe('DynamicBatcher: options', () => {
  it('refuses bad options, naming the option', () => {
    const runner = fakeModel().runner;
    expect(() => new DynamicBatcher(runner, { ...base, maxInFlightBatches: 0 })).toThrow(
      /maxInFlightBatches/,
    );
    expect(() => new DynamicBatcher(runner, { ...base, maxQueueSize: 0 })).toThrow(/maxQueueSize/);
    expect(() => new DynamicBatcher(runner, { ...base, preferredBatchSizes: [16] })).toThrow(
      /preferredBatchSizes\[0\]/,
    );
    expect(() => new DynamicBatcher(runner, { ...base, maxQueueDelayMicros: -1 })).toThrow(
      /maxQueueDelayMicros/,
    );
  });
});
