import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { Tensor } from '../tensor.js';
import { InlineModel } from './inline-model.js';
import { expectedSimple, runLoadedModelSuite } from './loaded-model.conformance.js';
import type { ThreadDeath } from './session-thread.js';
import { fixtureBytes, mlpInputs, simpleInputs } from './test-support/model-fixtures.js';
import { PIPELINE_DEPTH, WorkerPoolModel, type WorkerPoolOptions } from './worker-pool-model.js';
import { resolveSessionWorkerScript } from './worker-script.js';

for (const workers of [1, 2, 4]) {
  runLoadedModelSuite({
    name: `${workers} worker${workers > 1 ? 's' : ''}`,
    load: (bytes, label) => WorkerPoolModel.load(bytes, { workers, intraOpNumThreads: 1, label }),
  });
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

async function pool(model: string, options: Partial<WorkerPoolOptions> = {}): Promise<WorkerPoolModel> {
  const p = await WorkerPoolModel.load(fixtureBytes(model), {
    workers: 1,
    intraOpNumThreads: 1,
    label: model,
    ...options,
  });
  open.push(p);
  return p;
}

async function settle(runs: Promise<Tensor[]>[]): Promise<(Tensor[] | KilnError)[]> {
  return Promise.all(
    runs.map((r) => r.catch((e: unknown) => (e instanceof KilnError ? e : Promise.reject(e)))),
  );
}

describe('WorkerPoolModel gives the same answers as inline mode', () => {
  for (const [model, makeInputs] of [
    ['simple.onnx', simpleInputs],
    ['mlp_small.onnx', mlpInputs],
  ] as const) {
    for (const workers of [2, 4]) {
      it(`${model}: 300 concurrent runs on ${workers} workers equal inline results`, async () => {
        const inline = await InlineModel.load(fixtureBytes(model), { intraOpNumThreads: 1, label: model });
        open.push(inline);
        const workersModel = await pool(model, { workers });
        const batches = Array.from({ length: 300 }, (_, i) => makeInputs(1 + (i % 64), i));
        const [expected, got] = await Promise.all([
          Promise.all(batches.map((b) => inline.run(b))),
          Promise.all(batches.map((b) => workersModel.run(b))),
        ]);
        expect(got).toEqual(expected);
        expect(workersModel.workerStatus().map((w) => [w.state, w.replacements])).toEqual(
          Array.from({ length: workers }, () => ['ready', 0]),
        );
      });
    }
  }

  it('copies inputs when run() is called: later changes to the arrays do not reach the run', async () => {
    const model = await pool('simple.onnx');
    const inputs = simpleInputs(2, 9);
    const { sum } = expectedSimple(inputs);
    const running = model.run(inputs);
    (inputs[0].data as Int32Array).fill(0);
    expect((await running)[0].data).toEqual(sum);
  });
});

describe('WorkerPoolModel survives worker failures', () => {
  it('a run that throws in a worker rejects alone; the same worker keeps serving', async () => {
    const model = await pool('simple.onnx');
    const [before] = model.workerStatus();
    const bad: Tensor[] = ['INPUT0', 'INPUT1'].map((name) => ({
      name,
      datatype: 'INT32',
      shape: [2, 8],
      data: new Int32Array(16),
    }));
    const good = simpleInputs(1, 1);
    const [first, failed, last] = await settle([model.run(good), model.run(bad), model.run(good)]);
    expect(failed).toBeInstanceOf(KilnError);
    expect((failed as KilnError).code).toBe('INVALID_ARGUMENT');
    expect((failed as KilnError).message).toContain('Got invalid dimensions for input: INPUT0');
    expect((first as Tensor[])[0].data).toEqual(expectedSimple(good).sum);
    expect((last as Tensor[])[0].data).toEqual(expectedSimple(good).sum);
    expect(model.workerStatus()).toEqual([{ ...before, outstanding: 0 }]);
  });

  for (const how of ['exit', 'throw'] as const) {
    it(`a worker that dies (${how}) fails the runs it held with UNAVAILABLE and is replaced`, async () => {
      const deaths: ThreadDeath[] = [];
      const model = await pool('simple.onnx', { onWorkerExit: (d) => deaths.push(d) });
      const [before] = model.workerStatus();
      // The crash is queued in the worker ahead of the runs posted next, so those die with it.
      model.crashWorkerForTest(0, how);
      const batches = Array.from({ length: PIPELINE_DEPTH + 3 }, (_, i) => simpleInputs(1, i));
      const results = await settle(batches.map((b) => model.run(b)));
      for (const lost of results.slice(0, PIPELINE_DEPTH)) {
        expect(lost).toBeInstanceOf(KilnError);
        expect((lost as KilnError).code).toBe('UNAVAILABLE');
        expect((lost as KilnError).message).toMatch(
          /worker 0 of model simple.onnx died \(.*\); it is being replaced, retry/,
        );
      }
      // Runs still queued in the pool went to the replacement.
      for (const [i, out] of results.slice(PIPELINE_DEPTH).entries()) {
        expect((out as Tensor[])[0].data).toEqual(expectedSimple(batches[PIPELINE_DEPTH + i]).sum);
      }
      expect(deaths).toEqual([
        expect.objectContaining({
          index: 0,
          threadId: before.threadId,
          lostRuns: PIPELINE_DEPTH,
          phase: 'serving',
        }),
      ]);
      expect(deaths[0].reason).toMatch(
        how === 'exit' ? /exit code 70/ : /uncaught exception: session worker crash/,
      );
      const [after] = model.workerStatus();
      expect(after).toMatchObject({ index: 0, state: 'ready', replacements: 1 });
      expect(after.threadId).not.toBe(before.threadId);
    });
  }

  it('a worker terminated from outside while idle is replaced; the other three keep serving', async () => {
    // Only while idle: terminating a worker inside session.run aborts the process (onnxruntime-node
    // 1.30), so that case cannot be survived and the pool never does it.
    const model = await pool('mlp_small.onnx', { workers: 4 });
    const inline = await InlineModel.load(fixtureBytes('mlp_small.onnx'), {
      intraOpNumThreads: 1,
      label: 'mlp',
    });
    open.push(inline);
    const batches = Array.from({ length: 40 }, (_, i) => mlpInputs(8, i));
    const expected = await Promise.all(batches.map((b) => inline.run(b)));
    expect(await Promise.all(batches.map((b) => model.run(b)))).toEqual(expected);
    const before = model.workerStatus();
    model.crashWorkerForTest(2, 'terminate');
    await vi.waitFor(() =>
      expect(model.workerStatus()[2]).toMatchObject({ state: 'ready', replacements: 1 }),
    );
    const after = model.workerStatus();
    expect(after[2].threadId).not.toBe(before[2].threadId);
    expect(after.filter((w) => w.index !== 2)).toEqual(before.filter((w) => w.index !== 2));
    expect(await Promise.all(batches.map((b) => model.run(b)))).toEqual(expected);
  });

  it('when replacements keep dying, queued runs fail with UNAVAILABLE; a later replacement serves again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-worker-'));
    const broken = join(dir, 'broken');
    const script = join(dir, 'flaky.mjs');
    // Serves normally unless the `broken` file exists, in which case it dies while loading.
    writeFileSync(
      script,
      `import { existsSync } from 'node:fs';\n` +
        `if (existsSync(${JSON.stringify(broken)})) process.exit(4);\n` +
        `await import(${JSON.stringify(pathToFileURL(resolveSessionWorkerScript()).href)});\n`,
    );
    try {
      const deaths: ThreadDeath[] = [];
      const model = await pool('simple.onnx', { script, onWorkerExit: (d) => deaths.push(d) });
      writeFileSync(broken, '');
      model.crashWorkerForTest(0, 'exit');
      const batches = Array.from({ length: PIPELINE_DEPTH + 2 }, (_, i) => simpleInputs(1, i));
      const results = await settle(batches.map((b) => model.run(b)));
      const messages = results.map((r) => (r instanceof KilnError ? `${r.code} ${r.message}` : 'ok'));
      expect(messages.slice(0, PIPELINE_DEPTH)).toEqual(
        Array.from({ length: PIPELINE_DEPTH }, () =>
          expect.stringMatching(/^UNAVAILABLE .*died \(exit code 70\)/),
        ),
      );
      expect(messages.slice(PIPELINE_DEPTH)).toEqual([
        expect.stringMatching(/^UNAVAILABLE model simple.onnx has no working worker: exit code 4/),
        expect.stringMatching(/^UNAVAILABLE model simple.onnx has no working worker: exit code 4/),
      ]);
      // A back-off retry may have died too by now if this thread was slow; the first two tell the story.
      expect(deaths.slice(0, 2).map((d) => d.phase)).toEqual(['serving', 'loading']);
      unlinkSync(broken);
      await vi.waitFor(() => expect(model.workerStatus()[0].state).toBe('ready'), { timeout: 5000 });
      const inputs = simpleInputs(3, 3);
      expect((await model.run(inputs))[0].data).toEqual(expectedSimple(inputs).sum);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a load that fails while other workers are still creating sessions does not abort the process', async () => {
    // Terminating a worker while onnxruntime-node creates its session aborted the whole process
    // (Napi::Error in std::terminate); the pool must let those workers finish loading, then stop them.
    const dir = mkdtempSync(join(tmpdir(), 'kiln-worker-'));
    const marker = join(dir, 'first-dies');
    const script = join(dir, 'first-dies.mjs');
    // The first worker to remove the marker loads ONNX Runtime like the others, then dies as they
    // start creating their sessions; the others load the model for real.
    const ort = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
    writeFileSync(
      script,
      `import { readFileSync, unlinkSync } from 'node:fs';\n` +
        `let delay = -1;\n` +
        `try { delay = Number(readFileSync(${JSON.stringify(marker)}, 'utf8')); unlinkSync(${JSON.stringify(marker)}); } catch { delay = -1; }\n` +
        `await import(${JSON.stringify(ort)});\n` +
        `if (delay >= 0) setTimeout(() => process.exit(5), delay);\n` +
        `else await import(${JSON.stringify(pathToFileURL(resolveSessionWorkerScript()).href)});\n`,
    );
    try {
      // The window is a few milliseconds wide; vary when the first worker dies to hit it.
      for (let attempt = 0; attempt < 12; attempt++) {
        writeFileSync(marker, String(attempt % 6));
        const e = await WorkerPoolModel.load(fixtureBytes('mlp_small.onnx'), {
          workers: 4,
          intraOpNumThreads: 1,
          label: 'mlp@1',
          script,
        }).catch((err: unknown) => err);
        expect((e as KilnError).message).toMatch(/died while loading \(exit code 5\)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker that dies while loading fails the load with UNAVAILABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-worker-'));
    const script = join(dir, 'dies.mjs');
    writeFileSync(script, 'process.exit(3);\n');
    const e = await WorkerPoolModel.load(fixtureBytes('simple.onnx'), {
      workers: 2,
      intraOpNumThreads: 1,
      label: 'simple@1',
      script,
    }).catch((err: unknown) => err);
    rmSync(dir, { recursive: true, force: true });
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('UNAVAILABLE');
    expect((e as KilnError).message).toMatch(/died while loading \(exit code 3\)/);
  });
});
