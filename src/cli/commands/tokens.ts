/**
 * @module cli/commands/tokens
 * `kiln tokens create | list | revoke`.
 */
import { ROLES } from '../../govern/auth/roles.js';
import type { CreatedToken, TokenInfo } from '../../govern/auth/token-service.js';
import { callJson } from '../api-client.js';
import { formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

export const tokensCommands: CommandGroup = (program, ctx) => {
  const tokens = program.command('tokens').description('API tokens and their roles (admin)');

  tokens
    .command('create')
    .description('Create a token; its secret is printed once and never stored')
    .requiredOption('--name <name>', 'token name (the actor in the audit log)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--expires-in-days <days>', 'expiry, in days from now')
    .action(async (o) => {
      const t = await callJson<CreatedToken>(await ctx.client(), {
        method: 'POST',
        path: '/api/v1/tokens',
        json: {
          name: o.name,
          role: o.role,
          expires_in_days: o.expiresInDays === undefined ? undefined : Number(o.expiresInDays),
        },
      });
      ctx.print(
        t,
        (x) =>
          `created token "${x.name}" (${x.role}${x.expiresAt ? `, expires ${x.expiresAt}` : ''})\n${x.token}\nStore it now: it is not shown again.`,
      );
    });

  tokens
    .command('list')
    .description('List tokens (never their secrets)')
    .action(async () => {
      const r = await callJson<{ tokens: TokenInfo[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/tokens',
      });
      ctx.print(r, (x) =>
        formatTable(
          x.tokens.map((t) => ({ ...t, created: t.createdAt, expires: t.expiresAt, revoked: t.revokedAt })),
          ['name', 'role', 'prefix', 'created', 'expires', 'revoked'],
        ),
      );
    });

  tokens
    .command('revoke')
    .description('Revoke a token by name')
    .argument('<name>', 'token name')
    .action(async (name: string) => {
      const t = await callJson<TokenInfo>(await ctx.client(), {
        method: 'DELETE',
        path: `/api/v1/tokens/${encodeURIComponent(name)}`,
      });
      ctx.print(t, (x) => `revoked token "${x.name}" at ${x.revokedAt}`);
    });
};
