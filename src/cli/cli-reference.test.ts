import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCliReference } from './cli-reference.js';

describe('docs/cli.md', () => {
  it('is the current rendering of the command tree (run `npm run docs:cli` after changing a command)', () => {
    const page = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(page).toBe(renderCliReference());
  });
});
