/**
 * Test helpers for the batcher: tensor builders, a fake model whose outputs are a function of its
 * inputs (so a test can check every request got exactly its own rows), and a way to wait for the
 * event loop that vitest's fake timers do not replace.
 */
import { KilnError } from '../../../core/errors.js';
import type { Tensor } from '../../tensor.js';
import type { BatchRunner } from '../dynamic-batcher.js';

// Captured before any test installs fake timers, so it always yields to the real event loop.
const realSetImmediate = globalThis.setImmediate;

/**
 * Resolves after pending microtasks and two real event-loop turns: the batcher has scheduled,
 * including a batch it releases at the end of a turn (see `dynamic-batcher`).
 */
export function flushAsync(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(() => realSetImmediate(resolve)));
}

/** An FP32 input `[rows.length, width]` from row arrays. */
export function fp32(name: string, rows: readonly number[][]): Tensor {
  const width = rows[0]?.length ?? 0;
  return { name, datatype: 'FP32', shape: [rows.length, width], data: Float32Array.from(rows.flat()) };
}

/** A BYTES input `[rows.length, width]` from row arrays. */
export function bytes(name: string, rows: readonly string[][]): Tensor {
  const width = rows[0]?.length ?? 0;
  return { name, datatype: 'BYTES', shape: [rows.length, width], data: rows.flat() };
}

/** The rows of a `[n, ...]` tensor as arrays. */
export function rowsOf(t: Tensor): unknown[][] {
  const width = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = Array.from(t.data as ArrayLike<unknown>);
  return Array.from({ length: t.shape[0] }, (_, r) => data.slice(r * width, (r + 1) * width));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<KilnError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw new Error(`expected a KilnError, got ${String(e)}`);
  }
  throw new Error('expected a rejection, got a result');
}

export interface RunnerCall {
  readonly rows: number;
  readonly inputs: readonly Tensor[];
  readonly outputNames: readonly string[] | undefined;
}

/**
 * The fake model: input `x` (FP32 or BYTES) → outputs `sum` ([n], row sums, or for BYTES the row's
 * strings joined) and `double` ([n, w], x × 2; FP32 only). `hold` decides when a run answers:
 * `tick` after one real macrotask, `gate` when the test calls `release()`.
 */
export function fakeModel(hold: 'tick' | 'gate' = 'tick') {
  const calls: RunnerCall[] = [];
  const gates: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const runner: BatchRunner = async (inputs, outputNames) => {
    calls.push({ rows: inputs[0].shape[0], inputs, outputNames });
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      if (hold === 'gate') await new Promise<void>((resolve) => gates.push(resolve));
      else await flushAsync();
      return computeOutputs(inputs[0], outputNames);
    } finally {
      running--;
    }
  };
  return {
    runner,
    calls,
    get maxRunning() {
      return maxRunning;
    },
    /** Lets the oldest held run answer. */
    release(): void {
      gates.shift()?.();
    },
    get held(): number {
      return gates.length;
    },
  };
}

function computeOutputs(x: Tensor, outputNames: readonly string[] | undefined): Tensor[] {
  const [n] = x.shape;
  const rows = rowsOf(x);
  const all: Tensor[] = [
    x.datatype === 'BYTES'
      ? { name: 'sum', datatype: 'BYTES', shape: [n], data: rows.map((r) => r.join('+')) }
      : {
          name: 'sum',
          datatype: 'FP32',
          shape: [n],
          data: Float32Array.from(rows.map((r) => sum(r as number[]))),
        },
  ];
  if (x.datatype === 'FP32') {
    all.push({
      name: 'double',
      datatype: 'FP32',
      shape: x.shape,
      data: (x.data as Float32Array).map((v) => v * 2),
    });
  }
  return outputNames ? all.filter((t) => outputNames.includes(t.name)) : all;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
