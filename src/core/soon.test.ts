import { describe, expect, it } from 'vitest';
import { soon } from './soon.js';

describe('soon', () => {
  it('runs after the synchronous code that asked, before the next macrotask, in order', async () => {
    const seen: string[] = [];
    soon(() => seen.push('a'));
    soon(() => seen.push('b'));
    seen.push('sync');
    const macrotask = new Promise<void>((resolve) =>
      setImmediate(() => {
        seen.push('immediate');
        resolve();
      }),
    );
    await macrotask;
    expect(seen).toEqual(['sync', 'a', 'b', 'immediate']);
  });
});
