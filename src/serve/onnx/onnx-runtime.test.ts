import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { RuntimeLoadOptions } from '../model-runtime.js';
import { expectedSimple } from './loaded-model.conformance.js';
import { OnnxModelRuntime } from './onnx-runtime.js';
import { fixtureBytes, simpleInputs } from './test-support/model-fixtures.js';

const runtimes: OnnxModelRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

function runtime(): OnnxModelRuntime {
  const r = new OnnxModelRuntime();
  runtimes.push(r);
  return r;
}

async function loadError(options: Partial<RuntimeLoadOptions>): Promise<KilnError> {
  const base: RuntimeLoadOptions = { workers: 0, intraOpNumThreads: 1, label: 'simple@1' };
  const e = await runtime()
    .load(fixtureBytes('simple.onnx'), { ...base, ...options })
    .catch((err: unknown) => err);
  if (!(e instanceof KilnError)) throw new Error(`expected a KilnError, got ${String(e)}`);
  return e;
}

describe('OnnxModelRuntime', () => {
  it('loads inline for workers: 0 and on a pool for workers ≥ 1, with the same answers', async () => {
    const r = runtime();
    const bytes = fixtureBytes('simple.onnx');
    const inline = await r.load(bytes, { workers: 0, intraOpNumThreads: 1, label: 'simple@1' });
    const pooled = await r.load(bytes, { workers: 2, intraOpNumThreads: 1, label: 'simple@2' });
    expect([inline.mode, pooled.mode]).toEqual(['inline', 'workers']);
    expect(pooled.signature).toEqual(inline.signature);
    const inputs = simpleInputs(4, 7);
    expect(await pooled.run(inputs)).toEqual(await inline.run(inputs));
    expect((await inline.run(inputs))[0].data).toEqual(expectedSimple(inputs).sum);
    expect(bytes).toEqual(fixtureBytes('simple.onnx'));
  });

  it('refuses out-of-range options, naming the field', async () => {
    expect((await loadError({ workers: -1 })).message).toMatch(
      /^workers: expected an integer from 0 to 64, got -1/,
    );
    expect((await loadError({ workers: 1.5 })).code).toBe('INVALID_ARGUMENT');
    expect((await loadError({ intraOpNumThreads: 0 })).message).toMatch(
      /^intraOpNumThreads: expected an integer/,
    );
    expect((await loadError({ label: '' })).message).toMatch(/^label: expected a non-empty string/);
  });

  it('close() closes every model still open, waits for their runs, then refuses loads', async () => {
    const r = runtime();
    const bytes = fixtureBytes('simple.onnx');
    const a = await r.load(bytes, { workers: 0, intraOpNumThreads: 1, label: 'a@1' });
    const b = await r.load(bytes, { workers: 1, intraOpNumThreads: 1, label: 'b@1' });
    const inputs = simpleInputs(2, 1);
    const pending = [a.run(inputs), b.run(inputs)];
    await r.close();
    expect((await Promise.all(pending)).map((out) => out[0].data)).toEqual([
      expectedSimple(inputs).sum,
      expectedSimple(inputs).sum,
    ]);
    for (const model of [a, b]) {
      const e = await model.run(inputs).catch((err: unknown) => err);
      expect((e as KilnError).code).toBe('UNAVAILABLE');
    }
    const e = await r
      .load(bytes, { workers: 0, intraOpNumThreads: 1, label: 'c@1' })
      .catch((err: unknown) => err);
    expect((e as KilnError).code).toBe('UNAVAILABLE');
  });

  it('reports worker deaths with the model label', async () => {
    const deaths: string[] = [];
    const r = new OnnxModelRuntime({
      onWorkerExit: (label, d) => deaths.push(`${label} #${d.index} ${d.reason}`),
    });
    runtimes.push(r);
    const model = await r.load(fixtureBytes('simple.onnx'), {
      workers: 1,
      intraOpNumThreads: 1,
      label: 'simple@4',
    });
    (model as unknown as { crashWorkerForTest(i: number, how: 'exit'): void }).crashWorkerForTest(0, 'exit');
    await model.run(simpleInputs(1, 1)).catch(() => {});
    expect(deaths).toEqual(['simple@4 #0 exit code 70']);
  });
});
