import { describe, expect, it } from 'vitest';
import { InlineModel } from './inline-model.js';
import { runLoadedModelSuite } from './loaded-model.conformance.js';
import { fixtureBytes, simpleInputs } from './test-support/model-fixtures.js';

runLoadedModelSuite({
  name: 'inline',
  load: (bytes, label) => InlineModel.load(bytes, { intraOpNumThreads: 1, label }),
});

describe('InlineModel', () => {
  it('runs one batch at a time, in arrival order', async () => {
    const model = await InlineModel.load(fixtureBytes('simple.onnx'), {
      intraOpNumThreads: 1,
      label: 'simple@1',
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
