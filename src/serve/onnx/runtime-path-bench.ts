/**
 * @module serve/onnx/runtime-path-bench
 * Measures the execution paths against each other: per-call latency, throughput and how busy the
 * main thread is, for inline and for pools of workers. `bench/runtime-paths.mjs` runs it on the
 * fixture models after a build; its numbers back the rule in `execution-plan.ts` and
 * docs/model-runtime.md. Timing lives here and in bench/, never in tests.
 */
import { performance } from 'node:perf_hooks';
import type { LoadedModel } from '../model-runtime.js';
import type { Tensor } from '../tensor.js';
import { median } from './measure-run-time.js';
import { OnnxModelRuntime } from './onnx-runtime.js';
import { warmUpInputs } from './warm-up-inputs.js';

export interface BenchCase {
  /** Shown in the results, e.g. `mlp_small`. */
  readonly model: string;
  readonly bytes: Uint8Array;
  /** Size given to every dynamic dimension of the inputs. */
  readonly batchSize: number;
}

export interface BenchOptions {
  /** Worker counts to compare; 0 is inline. Default [0, 1, 2]. */
  readonly workerCounts?: readonly number[];
  /** Sequential runs timed one by one for the latency figures; default 2000. */
  readonly latencyRuns?: number;
  /** How long the throughput phase keeps `concurrency` runs in flight; default 1000 ms. */
  readonly throughputMs?: number;
  /** Runs kept in flight in the throughput phase; default 8. */
  readonly concurrency?: number;
  /** ONNX Runtime intra-op threads per session; default 1. */
  readonly intraOpNumThreads?: number;
}

export interface PathResult {
  readonly model: string;
  readonly batchSize: number;
  /** `inline`, `workers=1`, `workers=2`, … */
  readonly path: string;
  readonly intraOpNumThreads: number;
  /** One run at a time: median and 99th percentile time from `run()` to its result, in µs. */
  readonly p50Micros: number;
  readonly p99Micros: number;
  /** With `concurrency` runs in flight. */
  readonly runsPerSec: number;
  readonly rowsPerSec: number;
  /** Share of the throughput phase the main thread's event loop was busy (0–1): what is left for HTTP. */
  readonly mainThreadBusy: number;
}

/** Runs every case on every path, one after another. */
export async function benchRuntimePaths(
  cases: readonly BenchCase[],
  options: BenchOptions = {},
): Promise<PathResult[]> {
  const {
    workerCounts = [0, 1, 2],
    latencyRuns = 2000,
    throughputMs = 1000,
    concurrency = 8,
    intraOpNumThreads = 1,
  } = options;
  const runtime = new OnnxModelRuntime();
  const results: PathResult[] = [];
  try {
    for (const c of cases) {
      for (const workers of workerCounts) {
        const model = await runtime.load(c.bytes, { workers, intraOpNumThreads, label: c.model });
        try {
          const inputs = randomInputs(model, c.batchSize);
          const latency = await timeSequential(model, inputs, latencyRuns);
          const { runsPerSec, busy } = await timeConcurrent(model, inputs, throughputMs, concurrency);
          results.push({
            model: c.model,
            batchSize: c.batchSize,
            path: workers === 0 ? 'inline' : `workers=${workers}`,
            intraOpNumThreads,
            p50Micros: median(latency),
            p99Micros: percentile(latency, 0.99),
            runsPerSec,
            rowsPerSec: runsPerSec * c.batchSize,
            mainThreadBusy: busy,
          });
        } finally {
          await model.close();
        }
      }
    }
  } finally {
    await runtime.close();
  }
  return results;
}

function randomInputs(model: LoadedModel, batchSize: number): Tensor[] {
  // Random rather than zero inputs, so no kernel can take a shortcut on zeros.
  return warmUpInputs(model.signature, batchSize).map((t) => {
    if (t.data instanceof Float32Array || t.data instanceof Float64Array) {
      for (let i = 0; i < t.data.length; i++) t.data[i] = Math.random() * 2 - 1;
    }
    return t;
  });
}

async function timeSequential(model: LoadedModel, inputs: Tensor[], runs: number): Promise<number[]> {
  for (let i = 0; i < Math.min(100, runs); i++) await model.run(inputs);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await model.run(inputs);
    times.push((performance.now() - t0) * 1000);
  }
  return times;
}

async function timeConcurrent(
  model: LoadedModel,
  inputs: Tensor[],
  durationMs: number,
  concurrency: number,
): Promise<{ runsPerSec: number; busy: number }> {
  let done = 0;
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const end = t0 + durationMs;
  const lane = async () => {
    while (performance.now() < end) {
      await model.run(inputs);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = performance.now() - t0;
  const busy = performance.eventLoopUtilization(elu0).utilization;
  return { runsPerSec: (done * 1000) / elapsed, busy };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
