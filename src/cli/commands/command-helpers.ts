/**
 * @module cli/commands/command-helpers
 * Shared pieces of command definitions.
 */
import type { Command } from 'commander';
import { invalid } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';

/** A group of commands; each command file exports one. */
export type CommandGroup = (program: Command, ctx: CliContext) => void;

/** Commander accumulator for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `["a=1", "b=2"]` → `{a: "1", b: "2"}`; INVALID_ARGUMENT naming the flag for a bad pair. */
export function keyValues(pairs: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw invalid(flag, 'key=value', p);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
