// Writes docs/cli.md from the compiled command tree (run `npm run build` first).
import { writeFileSync } from 'node:fs';
import { renderCliReference } from '../dist/cli/cli-reference.js';

writeFileSync('docs/cli.md', renderCliReference());
console.log('wrote docs/cli.md');
