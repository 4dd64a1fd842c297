/**
 * @module cli/commands/config
 * `kiln config show | set <key> <value>`.
 */
import type { ConfigEntry } from '../../workspace/config-editor.js';
import { callJson } from '../api-client.js';
import { formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

export const configCommands: CommandGroup = (program, ctx) => {
  const config = program
    .command('config')
    .description('Workspace configuration (kiln.yaml; docs/configuration.md)');

  config
    .command('show')
    .description('Every key with its value in force and where it comes from (admin)')
    .action(async () => {
      const r = await callJson<{ keys: ConfigEntry[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/config',
      });
      ctx.print(r, (x) =>
        formatTable(
          x.keys.map((k) => ({ ...k, value: JSON.stringify(k.value) })),
          ['key', 'value', 'source', 'env'],
        ),
      );
    });

  config
    .command('set')
    .description('Set a key in kiln.yaml (validated and audited; applies when the server restarts)')
    .argument('<key>', 'e.g. server.port, network.allow')
    .argument('<value>', 'YAML value, e.g. 9000, true, "[https://a.example.com]"')
    .action(async (key: string, value: string) => {
      const r = await callJson<{ key: string; value: unknown }>(await ctx.client(), {
        method: 'PUT',
        path: `/api/v1/config/${encodeURIComponent(key)}`,
        json: { value },
      });
      ctx.print(r, (x) => `${x.key} = ${JSON.stringify(x.value)} (applies when kiln serve restarts)`);
    });
};
