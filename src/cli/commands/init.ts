/**
 * @module cli/commands/init
 * `kiln init [dir]`.
 */
import { resolve } from 'node:path';
import type { CommandGroup } from './command-helpers.js';

export const initCommand: CommandGroup = (program, ctx) => {
  program
    .command('init')
    .description('Create a workspace: kiln.yaml, .kiln/ (database, artifacts, audit key) and an admin token')
    .argument('[dir]', 'folder to initialise', '.')
    .action(async (dir: string) => {
      const { initWorkspace } = await import('../../workspace/init-workspace.js');
      const r = await initWorkspace(resolve(ctx.io.cwd, dir), ctx.io.env);
      ctx.print(
        { workspace: r.workspaceDir, config: r.configFile, credentials: r.credentialsFile, url: r.url },
        (x) =>
          `initialised Kiln workspace in ${x.workspace}\n` +
          `  config:      ${x.config}\n` +
          `  credentials: ${x.credentials} (admin token, mode 0600)\n` +
          'next: kiln models register <name> model.onnx, then kiln serve',
      );
    });
};
