/**
 * @module cli/commands/jobs
 * `kiln jobs list | show | cancel | schedules`.
 */
import type { Job, JobSchedule } from '../../jobs/job-queue.js';
import { callJson } from '../api-client.js';
import { formatFields, formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

export const jobsCommands: CommandGroup = (program, ctx) => {
  const jobs = program
    .command('jobs')
    .description('Background jobs (webhook deliveries, monitors, retention, …)');

  jobs
    .command('list')
    .description('List jobs, newest first')
    .option('--status <status>', 'queued, running, succeeded, failed or cancelled')
    .option('--type <type>', 'only this job type, e.g. webhook.deliver')
    .option('--limit <n>', 'at most this many')
    .action(async (o) => {
      const r = await callJson<{ jobs: Job[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/jobs',
        query: { status: o.status, type: o.type, limit: o.limit },
      });
      ctx.print(r, (x) =>
        formatTable(
          x.jobs.map((j) => ({ ...j, created: j.createdAt, progress: `${Math.round(j.progress * 100)}%` })),
          ['id', 'type', 'status', 'attempts', 'progress', 'created', 'error'],
        ),
      );
    });

  jobs
    .command('show')
    .description('Show one job')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      const j = await callJson<Job>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/jobs/${encodeURIComponent(id)}`,
      });
      ctx.print(j, (x) =>
        formatFields([
          ['id', x.id],
          ['type', x.type],
          ['status', x.status],
          ['attempts', `${x.attempts} of ${x.maxAttempts}`],
          ['progress', `${Math.round(x.progress * 100)}% ${x.progressMessage}`],
          ['run at', x.runAt],
          ['schedule', x.scheduleName],
          ['created', `${x.createdAt} by ${x.createdBy}`],
          ['finished', x.finishedAt],
          ['error', x.error],
          ['result', x.result === null || x.result === undefined ? null : JSON.stringify(x.result)],
          ['payload', JSON.stringify(x.payload)],
        ]),
      );
    });

  jobs
    .command('cancel')
    .description('Cancel a queued job, or ask a running one to stop')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      const j = await callJson<Job>(await ctx.client(), {
        method: 'POST',
        path: `/api/v1/jobs/${encodeURIComponent(id)}/cancel`,
      });
      ctx.print(j, (x) => `job ${x.id}: ${x.status}`);
    });

  jobs
    .command('schedules')
    .description('List cron schedules (UTC)')
    .action(async () => {
      const r = await callJson<{ schedules: JobSchedule[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/job-schedules',
      });
      ctx.print(r, (x) =>
        formatTable(x.schedules as unknown as Record<string, unknown>[], [
          'name',
          'type',
          'cron',
          'nextRunAt',
        ]),
      );
    });
};
