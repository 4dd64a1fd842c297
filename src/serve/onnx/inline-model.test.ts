import { describe, expect, it } from 'vitest';
import { InlineModel } from './inline-model.js';
import { expectedSimple, runLoadedModelSuite } from './loaded-model.conformance.js';
import { nativeSessionsAvailable } from './native-session.js';
import { fixtureBytes, simpleInputs } from './test-support/model-fixtures.js';

runLoadedModelSuite({
  name: 'inline',
  load: (bytes, label) => InlineModel.load(bytes, { intraOpNumThreads: 1, label }),
});

runLoadedModelSuite({
  name: 'inline, public onnxruntime-node API',
  load: (bytes, label) => InlineModel.load(bytes, { intraOpNumThreads: 1, label, nativeSession: false }),
});

describe('InlineModel', () => {
  it('uses the native session of the installed onnxruntime-node (a package change that hides it must be noticed)', () => {
    expect(nativeSessionsAvailable()).toBe(true);
  });

  it('with the native session, a run is done when run() returns, and results keep arrival order', async () => {
    const model = await InlineModel.load(fixtureBytes('simple.onnx'), {
      intraOpNumThreads: 1,
      label: 'simple@1',
    });
    const order: number[] = [];
    const batches = Array.from({ length: 5 }, (_, i) => simpleInputs(1, i));
    const runs = batches.map((inputs, i) =>
      model.run(inputs).then((out) => {
        order.push(i);
        return out[0].data;
      }),
    );
    expect(model.inFlight()).toBe(0);
    expect(await Promise.all(runs)).toEqual(batches.map((b) => expectedSimple(b).sum));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    await model.close();
  });

  it('with the public API, runs one batch at a time, in arrival order', async () => {
    const model = await InlineModel.load(fixtureBytes('simple.onnx'), {
      intraOpNumThreads: 1,
      label: 'simple@1',
      nativeSession: false,
    });
    const order: number[] = [];
    const runs = Array.from({ length: 5 }, (_, i) =>
      model.run(simpleInputs(1, i)).then(() => {
        order.push(i);
        return model.inFlight();
      }),
    );
    expect(model.inFlight()).toBe(5);
    // Each run settles while the ones after it still wait.
    expect(await Promise.all(runs)).toEqual([4, 3, 2, 1, 0]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(model.mode).toBe('inline');
    await model.close();
  });

  it('calls onClosed once the session is released', async () => {
    let closed = 0;
    const model = await InlineModel.load(fixtureBytes('simple.onnx'), {
      intraOpNumThreads: 1,
      label: 'simple@1',
      onClosed: () => closed++,
    });
    await Promise.all([model.close(), model.close()]);
    expect(closed).toBe(1);
  });
});
