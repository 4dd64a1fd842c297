/**
 * @module cli/cli-reference
 * Renders the CLI reference (docs/cli.md) from the command tree itself, so the page and `--help`
 * never disagree. `npm run docs:cli` writes it; a test checks the committed page is current.
 */
import type { Command } from 'commander';
import { CliContext } from './cli-context.js';
import { allCommands, buildProgram } from './run-cli.js';

export function renderCliReference(): string {
  const noop = () => {};
  const program = buildProgram(new CliContext({ env: {}, cwd: '/', stdout: noop, stderr: noop }));
  const parts = [
    '# CLI reference',
    '',
    'Generated from the command tree by `npm run docs:cli`; `kiln <command> --help` prints the same text.',
    '',
    '## kiln',
    '',
    '```',
    program.helpInformation().trimEnd(),
    '```',
  ];
  for (const cmd of allCommands(program)) {
    parts.push('', `## ${fullName(cmd)}`, '', '```', cmd.helpInformation().trimEnd(), '```');
  }
  return `${parts.join('\n')}\n`;
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
