import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';

describe('ProgressBar', () => {
  it('draws in place on a terminal and clears when done', () => {
    const out: string[] = [];
    const bar = new ProgressBar((t) => out.push(t), true);
    bar.update(3, 6, 'step 3 filter');
    bar.done();
    expect(out[0]).toBe('\r\u001b[2K[############............] 3/6 step 3 filter');
    expect(out[1]).toBe('\r\u001b[2K');
  });

  it('prints nothing when stderr is not a terminal', () => {
    const out: string[] = [];
    const bar = new ProgressBar((t) => out.push(t), false);
    bar.update(1, 2, 'x');
    bar.done();
    expect(out).toEqual([]);
  });
});
