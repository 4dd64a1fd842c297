#!/usr/bin/env node
/**
 * @module cli/main
 * The `kiln` command: parses flags into options, calls the same API the server serves, prints,
 * exits non-zero on failure.
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
});
