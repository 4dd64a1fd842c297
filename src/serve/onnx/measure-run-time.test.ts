import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { measureRunMicros, median } from './measure-run-time.js';
import { fixtureBytes } from './test-support/model-fixtures.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('measureRunMicros', () => {
  it('returns a positive time for a model at a given batch size', async () => {
    const micros = await measureRunMicros(fixtureBytes('mlp_small.onnx'), { batchSize: 64, maxRuns: 5 });
    expect(Number.isFinite(micros)).toBe(true);
    expect(micros).toBeGreaterThan(0);
  });

  it('refuses a model ONNX Runtime cannot load with INVALID_MODEL', async () => {
    const e = await measureRunMicros(fixtureBytes('unknown_op.onnx')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('INVALID_MODEL');
  });
});
