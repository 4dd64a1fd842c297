/**
 * @module cli/commands/webhooks
 * `kiln webhooks create | list | delete`.
 */
import { WEBHOOK_EVENT_TYPES } from '../../registry/webhooks/webhook-events.js';
import type { CreatedWebhook, WebhookInfo } from '../../registry/webhooks/webhook-service.js';
import { callJson } from '../api-client.js';
import { formatTable } from '../format.js';
import { type CommandGroup, collect } from './command-helpers.js';

export const webhooksCommands: CommandGroup = (program, ctx) => {
  const hooks = program
    .command('webhooks')
    .description('Signed HTTP callbacks on registry events (docs/webhooks.md)');

  hooks
    .command('create')
    .description('Subscribe a URL to registry events; prints the signing secret once')
    .argument('<url>', 'target URL; must match network.allow')
    .option(
      '--event <type>',
      `event type, repeatable: ${WEBHOOK_EVENT_TYPES.join(', ')} (default: all)`,
      collect,
      [],
    )
    .option('--model <name>', 'only events of this model')
    .option('--secret <secret>', 'signing secret (default: 32 random bytes)')
    .action(async (url: string, o) => {
      const w = await callJson<CreatedWebhook>(await ctx.client(), {
        method: 'POST',
        path: '/api/v1/webhooks',
        json: {
          url,
          events: o.event.length > 0 ? o.event : [...WEBHOOK_EVENT_TYPES],
          model: o.model,
          secret: o.secret,
        },
      });
      ctx.print(
        w,
        (x) =>
          `created webhook ${x.id} → ${x.url} (${x.events.join(', ')})\nsigning secret: ${x.secret}\nStore it now: it is not shown again.`,
      );
    });

  hooks
    .command('list')
    .description('List webhooks')
    .action(async () => {
      const r = await callJson<{ webhooks: WebhookInfo[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/webhooks',
      });
      ctx.print(r, (x) =>
        formatTable(x.webhooks as unknown as Record<string, unknown>[], [
          'id',
          'url',
          'events',
          'model',
          'createdBy',
        ]),
      );
    });

  hooks
    .command('delete')
    .description('Delete a webhook')
    .argument('<id>', 'webhook id')
    .action(async (id: string) => {
      await callJson(await ctx.client(), {
        method: 'DELETE',
        path: `/api/v1/webhooks/${encodeURIComponent(id)}`,
      });
      ctx.print({ deleted: id }, () => `deleted webhook ${id}`);
    });
};
