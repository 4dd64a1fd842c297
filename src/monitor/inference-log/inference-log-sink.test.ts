import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { FlatRecord } from './flatten-record.js';
import { InferenceLogSink } from './inference-log-sink.js';
import type { LogWriter } from './log-writer.js';
import { fakeHash, logSettings, makeRecord } from './test-support/test-records.js';

/** Keeps what it is given; can be held (a slow disk) or made to fail. */
class MemoryWriter implements LogWriter {
  readonly batches: FlatRecord[][] = [];
  closed = false;
  fail = false;
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => {};
  active = 0;
  maxActive = 0;

  hold(): void {
    this.#gate = new Promise((r) => {
      this.#open = r;
    });
  }
  release(): void {
    this.#open();
  }
  async write(records: readonly FlatRecord[]): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.#gate;
      if (this.fail) throw new Error('disk full');
      this.batches.push([...records]);
    } finally {
      this.active--;
    }
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  rows(): number {
    return this.batches.flat().reduce((n, r) => n + r.rows, 0);
  }
}

async function counterValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const m = registry.getSingleMetric(name);
  const values = (await m?.get())?.values ?? [];
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}

function makeSink(writer: LogWriter, registry = new Registry(), over: Record<string, unknown> = {}) {
  return new InferenceLogSink({
    writer,
    settingsOf: (d) =>
      d === 'fraud' ? logSettings() : d === 'quiet' ? logSettings({ logInputs: false }) : undefined,
    hash: fakeHash,
    registry,
    flushIntervalMs: 60_000,
    ...over,
  });
}

describe('InferenceLogSink', () => {
  it('buffers records of logged deployments only and writes them on flush', async () => {
    const writer = new MemoryWriter();
    const registry = new Registry();
    const sink = makeSink(writer, registry);
    sink.record(makeRecord());
    sink.record(makeRecord({ deployment: 'quiet' }));
    sink.record(makeRecord({ deployment: 'unknown' }));
    expect(sink.bufferedRows).toBe(2);
    expect(writer.batches).toEqual([]);
    await sink.flush();
    expect(writer.batches.map((b) => b.map((r) => r.deployment))).toEqual([['fraud']]);
    expect(sink.bufferedRows).toBe(0);
    expect(await counterValue(registry, 'kiln_inference_log_rows_total', { deployment: 'fraud' })).toBe(2);
    await sink.close();
  });

  it('drops what does not fit the bounded buffer and counts the rows, while a write is slow', async () => {
    const writer = new MemoryWriter();
    const registry = new Registry();
    const sink = makeSink(writer, registry, { maxBufferedRows: 5 });
    writer.hold();
    sink.record(makeRecord()); // 2 rows
    sink.record(makeRecord()); // 4 rows
    const flushing = sink.flush(); // the 4 rows are being written (still counted)
    sink.record(makeRecord()); // 6 > 5: dropped
    sink.record(
      makeRecord({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: new Float32Array([1]) }] }),
    );
    expect(sink.bufferedRows).toBe(5);
    expect(
      await counterValue(registry, 'kiln_inference_log_dropped_total', {
        deployment: 'fraud',
        reason: 'buffer_full',
      }),
    ).toBe(2);
    writer.release();
    await flushing;
    await sink.close();
    expect(writer.rows()).toBe(5);
  });

  it('starts a write once flushRows rows wait, and writes never overlap', async () => {
    const writer = new MemoryWriter();
    const sink = makeSink(writer, new Registry(), { flushRows: 4 });
    writer.hold();
    sink.record(makeRecord({ requestId: 'r0' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(writer.active).toBe(0);
    sink.record(makeRecord({ requestId: 'r1' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(writer.active).toBe(1);
    for (let i = 2; i < 6; i++) sink.record(makeRecord({ requestId: `r${i}` }));
    await new Promise((r) => setTimeout(r, 20));
    writer.release();
    await sink.close();
    expect(writer.maxActive).toBe(1);
    expect(writer.batches.flat().map((r) => r.requestId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(writer.batches.length).toBeGreaterThanOrEqual(2);
  });

  it('writes on its interval without being asked', async () => {
    const writer = new MemoryWriter();
    const sink = makeSink(writer, new Registry(), { flushIntervalMs: 10 });
    sink.record(makeRecord());
    for (let i = 0; i < 200 && writer.batches.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(writer.rows()).toBe(2);
    await sink.close();
  });

  it('counts the rows of a failed write as dropped and keeps working', async () => {
    const writer = new MemoryWriter();
    const registry = new Registry();
    const errors: object[] = [];
    const sink = makeSink(writer, registry, { logger: { error: (o: object) => errors.push(o) } });
    writer.fail = true;
    sink.record(makeRecord());
    await sink.flush();
    expect(await counterValue(registry, 'kiln_inference_log_dropped_total', { reason: 'write_failed' })).toBe(
      2,
    );
    expect(errors).toHaveLength(1);
    writer.fail = false;
    sink.record(makeRecord());
    await sink.close();
    expect(writer.rows()).toBe(2);
  });

  it('never throws from record, even when the settings lookup does', async () => {
    const writer = new MemoryWriter();
    const registry = new Registry();
    const sink = new InferenceLogSink({
      writer,
      settingsOf: () => {
        throw new Error('boom');
      },
      hash: fakeHash,
      registry,
    });
    expect(() => sink.record(makeRecord())).not.toThrow();
    expect(await counterValue(registry, 'kiln_inference_log_dropped_total', { reason: 'error' })).toBe(1);
    await sink.close();
  });

  it('close() writes what remains, closes the writer, and refuses records after', async () => {
    const writer = new MemoryWriter();
    const registry = new Registry();
    const sink = makeSink(writer, registry);
    sink.record(makeRecord());
    await Promise.all([sink.close(), sink.close()]);
    expect(writer.rows()).toBe(2);
    expect(writer.closed).toBe(true);
    sink.record(makeRecord());
    expect(await counterValue(registry, 'kiln_inference_log_dropped_total', { reason: 'closed' })).toBe(2);
    expect(writer.rows()).toBe(2);
  });

  it('refuses a bad buffer size with INVALID_ARGUMENT naming it', () => {
    expect(() => makeSink(new MemoryWriter(), new Registry(), { maxBufferedRows: 0 })).toThrow(
      /maxBufferedRows/,
    );
  });
});
