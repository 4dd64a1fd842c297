// Regenerates the key table of docs/configuration.md from src/core/config-keys.ts (via dist/).
// Run `npm run build` first. A test checks the page lists every key with its default and variable.
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIG_KEYS } from '../dist/core/config-keys.js';

const rows = CONFIG_KEYS.map(
  (k) =>
    `| \`${k.path}\` | \`${k.env}\` | ${k.type}${k.values ? ` (${k.values.join(', ')})` : ''} | \`${JSON.stringify(k.default)}\` | ${k.description} |`,
);
const table = ['| key | environment | type | default | meaning |', '|---|---|---|---|---|', ...rows].join(
  '\n',
);
const path = 'docs/configuration.md';
const page = readFileSync(path, 'utf8');
const start = '<!-- keys:start -->';
const end = '<!-- keys:end -->';
const next = page.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`);
writeFileSync(path, next);
console.log(`wrote ${CONFIG_KEYS.length} keys to ${path}`);
