import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import {
  chooseExecutionMode,
  defaultIntraOpThreads,
  defaultWorkerCount,
  INLINE_MAX_RUN_MICROS,
  MAX_AUTO_WORKERS,
  resolveExecutionPlan,
  resolveWorkerCount,
} from './execution-plan.js';

describe('chooseExecutionMode', () => {
  it('runs inline below the threshold and on workers from it', () => {
    expect(chooseExecutionMode(11)).toBe('inline');
    expect(chooseExecutionMode(INLINE_MAX_RUN_MICROS - 0.1)).toBe('inline');
    expect(chooseExecutionMode(INLINE_MAX_RUN_MICROS)).toBe('workers');
    expect(chooseExecutionMode(50_000)).toBe('workers');
  });

  it('refuses a measurement that is not a time', () => {
    expect(() => chooseExecutionMode(Number.NaN)).toThrow(KilnError);
    expect(() => chooseExecutionMode(-1)).toThrow(/measuredRunMicros: expected a finite time/);
  });
});

describe('worker and thread counts', () => {
  it('gives one worker per core, capped for auto pools', () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultWorkerCount)).toEqual([1, 2, 3, 4, 4, MAX_AUTO_WORKERS]);
  });

  it('gives inline one thread and shares the cores among workers', () => {
    expect(defaultIntraOpThreads(0, 16)).toBe(1);
    expect(defaultIntraOpThreads(2, 2)).toBe(1);
    expect(defaultIntraOpThreads(4, 16)).toBe(4);
    expect(defaultIntraOpThreads(3, 2)).toBe(1);
  });

  it('keeps workers × threads within the cores for every auto plan on 1–64 cores', () => {
    for (let cores = 1; cores <= 64; cores++) {
      const plan = resolveExecutionPlan({ workers: 'auto', intraOpThreads: 'auto' }, 5000, cores);
      expect(plan.workers * plan.intraOpNumThreads, `${cores} cores`).toBeLessThanOrEqual(cores);
      expect(plan.workers * plan.intraOpNumThreads, `${cores} cores`).toBeGreaterThan(cores / 2);
    }
  });

  it('resolveWorkerCount: explicit counts win, auto follows the rule', () => {
    expect(resolveWorkerCount(3, 10, 2)).toBe(3);
    expect(resolveWorkerCount(0, 90_000, 8)).toBe(0);
    expect(resolveWorkerCount('auto', 10, 8)).toBe(0);
    expect(resolveWorkerCount('auto', 2000, 8)).toBe(4);
  });

  it('resolveExecutionPlan: resolves each auto on its own and needs a measurement only for auto workers', () => {
    expect(resolveExecutionPlan({ workers: 'auto', intraOpThreads: 'auto' }, 12, 2)).toEqual({
      mode: 'inline',
      workers: 0,
      intraOpNumThreads: 1,
    });
    expect(resolveExecutionPlan({ workers: 2, intraOpThreads: 'auto' }, undefined, 8)).toEqual({
      mode: 'workers',
      workers: 2,
      intraOpNumThreads: 4,
    });
    expect(resolveExecutionPlan({ workers: 'auto', intraOpThreads: 2 }, 900, 2)).toEqual({
      mode: 'workers',
      workers: 2,
      intraOpNumThreads: 2,
    });
    expect(() => resolveExecutionPlan({ workers: 'auto', intraOpThreads: 1 }, undefined, 4)).toThrow(
      /measuredRunMicros/,
    );
  });
});
