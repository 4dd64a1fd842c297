/**
 * @module serve/onnx/loaded-model.conformance
 * The behaviour every {@link LoadedModel} the ONNX runtime returns must show, whatever its execution
 * mode. Each mode's test file calls {@link runLoadedModelSuite} with a loader; results are checked
 * against arithmetic (simple.onnx), against the bytes sent (all_types.onnx) and against a plain
 * onnxruntime-node session run here (the MLPs).
 */
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { LoadedModel } from '../model-runtime.js';
import type { Tensor } from '../tensor.js';
import {
  ALL_TYPES_ORDER,
  allTypesInputs,
  fixtureBytes,
  fraudBytes,
  mlpInputs,
  rawData,
  simpleInputs,
} from './test-support/model-fixtures.js';

export interface LoadedModelFactory {
  /** Shown in the suite's title, e.g. `inline` or `2 workers`. */
  readonly name: string;
  /** Loads the model's bytes in the mode under test. */
  load(bytes: Uint8Array, label: string): Promise<LoadedModel>;
}

/** What simple.onnx must return for `inputs`: OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1. */
export function expectedSimple(inputs: readonly Tensor[]): { sum: Int32Array; diff: Int32Array } {
  const a = inputs[0].data as Int32Array;
  const b = inputs[1].data as Int32Array;
  return { sum: a.map((x, i) => x + b[i]), diff: a.map((x, i) => x - b[i]) };
}

/** The outputs of a plain onnxruntime-node session, in signature order: the reference for the MLPs. */
export async function referenceRun(bytes: Uint8Array, inputs: readonly Tensor[]): Promise<Tensor[]> {
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const feeds = Object.fromEntries(
      inputs.map((t) => [t.name, new OrtTensor('float32', t.data as Float32Array, t.shape)]),
    );
    const out = await session.run(feeds);
    return session.outputNames.map((name) => ({
      name,
      datatype: 'FP32',
      shape: [...out[name].dims],
      data: out[name].data as Float32Array,
    }));
  } finally {
    await session.release();
  }
}

async function rejection(promise: Promise<unknown>): Promise<KilnError> {
  const result = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(result instanceof KilnError)) throw new Error(`expected a KilnError, got ${String(result)}`);
  return result;
}

export function runLoadedModelSuite(factory: LoadedModelFactory): void {
  describe(`LoadedModel conformance: ${factory.name}`, () => {
    const open: LoadedModel[] = [];
    const load = async (bytes: Uint8Array, label: string) => {
      const model = await factory.load(bytes, label);
      open.push(model);
      return model;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((m) => m.close()));
    });

    it('reports the signature and returns every output in signature order', async () => {
      const model = await load(fixtureBytes('simple.onnx'), 'simple@1');
      expect(model.signature.inputs.map((i) => i.name)).toEqual(['INPUT0', 'INPUT1']);
      const inputs = simpleInputs(3, 1);
      const out = await model.run(inputs);
      const { sum, diff } = expectedSimple(inputs);
      expect(out.map((t) => [t.name, t.datatype, t.shape])).toEqual([
        ['OUTPUT0', 'INT32', [3, 16]],
        ['OUTPUT1', 'INT32', [3, 16]],
      ]);
      expect(out[0].data).toEqual(sum);
      expect(out[1].data).toEqual(diff);
    });

    it('returns only the requested outputs, in signature order whatever the request order', async () => {
      const model = await load(fixtureBytes('simple.onnx'), 'simple@1');
      const inputs = simpleInputs(2, 2);
      const { sum, diff } = expectedSimple(inputs);
      const one = await model.run(inputs, ['OUTPUT1']);
      expect(one.map((t) => t.name)).toEqual(['OUTPUT1']);
      expect(one[0].data).toEqual(diff);
      const both = await model.run(inputs, ['OUTPUT1', 'OUTPUT0']);
      expect(both.map((t) => t.name)).toEqual(['OUTPUT0', 'OUTPUT1']);
      expect(both[0].data).toEqual(sum);
      const e = await rejection(model.run(inputs, ['OUTPUT9']));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('"OUTPUT9"');
    });

    it('carries every V2 datatype through all_types.onnx bit for bit', async () => {
      const model = await load(fixtureBytes('all_types.onnx'), 'all_types@1');
      expect(model.signature.outputs.map((o) => o.datatype)).toEqual(ALL_TYPES_ORDER);
      const inputs = allTypesInputs();
      const out = await model.run(inputs);
      expect(out.map((t) => t.name)).toEqual(ALL_TYPES_ORDER.map((d) => `out_${d}`));
      for (const [i, t] of out.entries()) {
        expect(t.datatype, t.name).toBe(inputs[i].datatype);
        expect(t.shape, t.name).toEqual([3]);
        expect(rawData(t), t.name).toEqual(rawData(inputs[i]));
      }
    });

    it('runs BYTES and fixed-shape models', async () => {
      const text = await load(fixtureBytes('bytes_identity.onnx'), 'text@1');
      const [out] = await text.run([{ name: 'TEXT', datatype: 'BYTES', shape: [2], data: ['héllo', ''] }]);
      expect(out).toEqual({ name: 'TEXT_OUT', datatype: 'BYTES', shape: [2], data: ['héllo', ''] });
      const fixed = await load(fixtureBytes('fixed_batch.onnx'), 'fixed@1');
      const [relu] = await fixed.run([
        { name: 'input', datatype: 'FP32', shape: [1, 4], data: new Float32Array([-1, 2, -3, 4]) },
      ]);
      expect(relu.data).toEqual(new Float32Array([0, 2, 0, 4]));
    });

    it('matches a plain onnxruntime-node session on mlp_small and the fraud model', async () => {
      const mlpBytes = fixtureBytes('mlp_small.onnx');
      const mlp = await load(mlpBytes, 'mlp@1');
      const inputs = mlpInputs(7, 3);
      expect(await mlp.run(inputs)).toEqual(await referenceRun(mlpBytes, inputs));
      const fraud = await load(fraudBytes(), 'fraud@1');
      const rows = [
        { name: 'features', datatype: 'FP32' as const, shape: [2, 11], data: new Float32Array(22).fill(0.5) },
      ];
      expect(await fraud.run(rows)).toEqual(await referenceRun(fraudBytes(), rows));
    });

    it('answers many concurrent runs, each with its own result', async () => {
      const model = await load(fixtureBytes('simple.onnx'), 'simple@1');
      const batches = Array.from({ length: 200 }, (_, i) => simpleInputs(1 + (i % 5), 100 + i));
      const results = await Promise.all(batches.map((inputs) => model.run(inputs)));
      for (const [i, out] of results.entries()) {
        const { sum, diff } = expectedSimple(batches[i]);
        expect(out[0].data).toEqual(sum);
        expect(out[1].data).toEqual(diff);
      }
      expect(model.inFlight()).toBe(0);
    });

    it('rejects a run ONNX Runtime refuses with INVALID_ARGUMENT and keeps serving', async () => {
      const model = await load(fixtureBytes('simple.onnx'), 'simple@1');
      const narrow: Tensor[] = ['INPUT0', 'INPUT1'].map((name) => ({
        name,
        datatype: 'INT32',
        shape: [1, 15],
        data: new Int32Array(15),
      }));
      const e = await rejection(model.run(narrow));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/ONNX Runtime failed to run: Got invalid dimensions for input: INPUT0/);
      const inputs = simpleInputs(1, 4);
      expect((await model.run(inputs))[0].data).toEqual(expectedSimple(inputs).sum);
    });

    it("leaves the caller's input arrays intact, views into larger buffers included", async () => {
      const model = await load(fixtureBytes('simple.onnx'), 'simple@1');
      const backing = new Int32Array(100).map((_, i) => i);
      const a = new Int32Array(backing.buffer, 8, 16);
      const b = new Int32Array(backing.buffer, 200, 16);
      const inputs: Tensor[] = [
        { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: a },
        { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], data: b },
      ];
      const [sum] = await model.run(inputs);
      expect(sum.data).toEqual(a.map((x, i) => x + b[i]));
      expect(backing.buffer.byteLength).toBe(400);
      expect(backing).toEqual(new Int32Array(100).map((_, i) => i));
    });

    it('close waits for in-flight runs, is idempotent, and refuses later runs with UNAVAILABLE', async () => {
      const model = await load(fixtureBytes('simple.onnx'), 'simple@1');
      const batches = Array.from({ length: 20 }, (_, i) => simpleInputs(2, i));
      const pending = batches.map((inputs) => model.run(inputs));
      const closing = model.close();
      expect(model.close()).toBe(closing);
      const e = await rejection(model.run(batches[0]));
      expect(e.code).toBe('UNAVAILABLE');
      const results = await Promise.all(pending);
      await closing;
      expect(results.map((r) => r[0].data)).toEqual(batches.map((b) => expectedSimple(b).sum));
      expect(model.inFlight()).toBe(0);
    });

    it('loads from a Node Buffer and leaves it intact', async () => {
      const file = readFileSync(new URL('../../../test/fixtures/models/simple.onnx', import.meta.url));
      const before = Buffer.from(file);
      const model = await load(file, 'simple@1');
      expect(file.buffer.byteLength).toBeGreaterThanOrEqual(file.length);
      expect(file.equals(before)).toBe(true);
      const inputs = simpleInputs(1, 5);
      expect((await model.run(inputs))[0].data).toEqual(expectedSimple(inputs).sum);
    });

    it('refuses a model ONNX Runtime cannot load with INVALID_MODEL', async () => {
      const e = await rejection(factory.load(fixtureBytes('unknown_op.onnx'), 'unknown@1'));
      expect(e.code).toBe('INVALID_MODEL');
      expect(e.message).toContain('unknown@1');
      expect(e.message).toContain('Frobnicate');
    });
  });
}
