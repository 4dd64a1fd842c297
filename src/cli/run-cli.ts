/**
 * @module cli/run-cli
 * Builds the command tree and runs one command line; returns the exit code (0 ok, 1 failed,
 * 2 usage error). Tests call it directly with their own IO.
 */
import { Command, CommanderError } from 'commander';
import { CliContext, type CliIo } from './cli-context.js';
import { auditCommands } from './commands/audit.js';
import type { CommandGroup } from './commands/command-helpers.js';
import { configCommands } from './commands/config.js';
import { dataCommands } from './commands/data.js';
import { demoCommand } from './commands/demo.js';
import { driftCommands } from './commands/drift.js';
import { feedbackCommands } from './commands/feedback.js';
import { deployCommands } from './commands/deploy.js';
import { initCommand } from './commands/init.js';
import { jobsCommands } from './commands/jobs.js';
import { modelsCommands } from './commands/models.js';
import { monitorCommands } from './commands/monitor.js';
import { pipelineCommands } from './commands/pipeline.js';
import { serveCommand } from './commands/serve.js';
import { tokensCommands } from './commands/tokens.js';
import { webhooksCommands } from './commands/webhooks.js';

const GROUPS: readonly CommandGroup[] = [
  initCommand,
  pipelineCommands,
  dataCommands,
  driftCommands,
  monitorCommands,
  feedbackCommands,
  modelsCommands,
  deployCommands,
  auditCommands,
  tokensCommands,
  jobsCommands,
  webhooksCommands,
  configCommands,
  serveCommand,
  demoCommand,
];

export const KILN_VERSION = '0.1.0';

/** The whole command tree, wired to `ctx`. */
export function buildProgram(ctx: CliContext): Command {
  const io = ctx.io;
  const program = new Command('kiln')
    .description('Kiln: from raw data to governed, monitored ML endpoints')
    .version(KILN_VERSION)
    .option('--workspace <dir>', 'workspace folder (default: KILN_HOME, else the nearest .kiln/ above)')
    .option('--url <url>', 'call a remote Kiln server instead of the local workspace')
    .option('--token <token>', 'API token (default: KILN_TOKEN, else .kiln/credentials)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.hook('preAction', (_cmd, action) => {
    ctx.setOptions(action.optsWithGlobals());
  });
  for (const group of GROUPS) group(program, ctx);
  for (const cmd of allCommands(program))
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
        ? 0
        : 2;
    }
    // An option's value parser (e.g. --port) throws before the preAction hook has passed on --json.
    if (!ctx.json && program.opts().json === true) ctx.setOptions(program.opts());
    ctx.printError(e);
    return 1;
  } finally {
    await ctx.close();
  }
}

export function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
