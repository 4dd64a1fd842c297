/**
 * @module cli/commands/monitor
 * `kiln monitor create | list | show | run | runs | history | report | delete`.
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.js';
import type { monitorToWire, runToWire } from '../../server/http/routes/monitors.js';
import { callJson, callRaw } from '../api-client.js';
import { formatFields, formatTable } from '../format.js';
import { type CommandGroup, collect, keyValues } from './command-helpers.js';

type WireMonitor = ReturnType<typeof monitorToWire>;
type WireRun = ReturnType<typeof runToWire>;

function runText(r: WireRun): string {
  const head = formatFields([
    ['run', r.id],
    ['status', r.status],
    ['window', `${r.window_start} → ${r.window_end}`],
    ['reference', r.reference ?? '-'],
    ['rows', r.rows],
    [
      'drifted columns',
      r.share_of_drifted_columns === null ? '-' : `${(r.share_of_drifted_columns * 100).toFixed(1)} %`,
    ],
    ['error', r.error ? `${r.error.code}: ${r.error.message}` : '-'],
  ]);
  const cols = r.columns.length
    ? `\n\n${formatTable(
        r.columns.map((c) => ({ ...c, drifted: c.drifted ? 'DRIFT' : '' })),
        ['column', 'test', 'statistic', 'threshold', 'drifted'],
      )}`
    : '';
  const alerts = r.alerts.length ? `\n\nalerts:\n${r.alerts.map((a) => `  ${a.message}`).join('\n')}` : '';
  return head + cols + alerts;
}

export const monitorCommands: CommandGroup = (program, ctx) => {
  const monitor = program
    .command('monitor')
    .description(
      "Drift monitors: compare a deployment's logged requests with its training data, on a schedule",
    );

  monitor
    .command('create')
    .description('Create a monitor (runs on the job queue when --schedule is given)')
    .argument('<name>', 'monitor name')
    .requiredOption(
      '--deployment <name>',
      'the deployment whose inference log is watched (needs --log-inputs)',
    )
    .option('--reference <ref>', 'name@N, or previous-window (default: the training dataset from lineage)')
    .option('--window <duration>', 'window of logged requests per run, e.g. 1h, 30m, 1d', '1h')
    .option('--schedule <cron>', 'five-field cron (UTC), e.g. "*/5 * * * *"')
    .option('--columns <a,b>', 'columns to compare (default: the features both sides have)')
    .option('--test <column=test>', 'test for a column, e.g. amount=psi (repeatable)', collect, [])
    .option('--threshold <column=value>', 'threshold for a column (repeatable)', collect, [])
    .option('--drift-share <share>', 'dataset drift when this share of columns drifted (default 0.5)', Number)
    .option(
      '--alert <rule>',
      'drift_share>0.5, statistic:<col>>0.1, sigma:<col>[:k] (repeatable)',
      collect,
      [],
    )
    .option('--action <name>', 'log or webhook (repeatable; default log)', collect, [])
    .action(async (name: string, o) => {
      const thresholds = Object.fromEntries(
        Object.entries(keyValues(o.threshold, '--threshold')).map(([k, v]) => [k, Number(v)]),
      );
      const m = await callJson<WireMonitor>(await ctx.client(), {
        method: 'POST',
        path: '/api/v1/monitors',
        json: {
          name,
          deployment: o.deployment,
          reference: o.reference,
          window: o.window,
          schedule: o.schedule,
          columns: o.columns
            ? String(o.columns)
                .split(',')
                .map((s: string) => s.trim())
            : undefined,
          tests: o.test.length ? keyValues(o.test, '--test') : undefined,
          thresholds: o.threshold.length ? thresholds : undefined,
          drift_share: o.driftShare,
          alerts: o.alert.length ? o.alert : undefined,
          actions: o.action.length ? o.action : undefined,
        },
      });
      ctx.print(
        m,
        (x) =>
          `created monitor ${x.name} on ${x.deployment} (window ${x.window}, schedule ${x.schedule ?? 'on demand'})`,
      );
    });

  monitor
    .command('list')
    .description('List monitors')
    .action(async () => {
      const r = await callJson<{ monitors: WireMonitor[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/monitors',
      });
      ctx.print(r, (x) =>
        formatTable(
          x.monitors.map((m) => ({ ...m, reference: m.reference ?? '(lineage)' })),
          ['name', 'deployment', 'reference', 'window', 'schedule'],
        ),
      );
    });

  monitor
    .command('show')
    .description('Show a monitor and its last run')
    .argument('<name>', 'monitor name')
    .action(async (name: string) => {
      const m = await callJson<WireMonitor & { last_run: WireRun | null }>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/monitors/${encodeURIComponent(name)}`,
      });
      ctx.print(m, (x) =>
        [
          formatFields([
            ['name', x.name],
            ['deployment', x.deployment],
            ['reference', x.reference ?? '(training dataset from lineage)'],
            ['window', x.window],
            ['schedule', x.schedule ?? 'on demand'],
            ['alerts', x.alerts.map((a) => JSON.stringify(a)).join('; ')],
            ['actions', x.actions.join(', ')],
          ]),
          x.last_run ? `\nlast run:\n${runText(x.last_run)}` : '\nno run yet: kiln monitor run <name>',
        ].join('\n'),
      );
    });

  monitor
    .command('run')
    .description('Evaluate now: compare the last window with the reference, record, alert')
    .argument('<name>', 'monitor name')
    .action(async (name: string) => {
      const r = await callJson<WireRun>(await ctx.client(), {
        method: 'POST',
        path: `/api/v1/monitors/${encodeURIComponent(name)}/run`,
      });
      ctx.print(r, runText);
    });

  monitor
    .command('runs')
    .description('Runs of a monitor, newest first')
    .argument('<name>', 'monitor name')
    .option('--limit <n>', 'how many (default 20)', Number)
    .action(async (name: string, o) => {
      const r = await callJson<{ runs: WireRun[] }>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/monitors/${encodeURIComponent(name)}/runs`,
        query: { limit: o.limit },
      });
      ctx.print(r, (x) =>
        formatTable(
          x.runs.map((run) => ({ ...run, alerts: run.alerts.length })),
          ['id', 'status', 'window_end', 'rows', 'share_of_drifted_columns', 'alerts'],
        ),
      );
    });

  monitor
    .command('history')
    .description('Metric history (share_of_drifted_columns, drift_statistic per column, rows, …)')
    .argument('<name>', 'monitor name')
    .option('--metric <name>', 'e.g. share_of_drifted_columns, drift_statistic, drift_detected, rows')
    .option('--entity <column>', 'a column, or dataset')
    .action(async (name: string, o) => {
      const r = await callJson<{
        points: { windowEnd: string; entity: string; name: string; value: number | null }[];
      }>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/monitors/${encodeURIComponent(name)}/history`,
        query: { metric: o.metric, entity: o.entity },
      });
      ctx.print(r, (x) => formatTable(x.points, ['windowEnd', 'entity', 'name', 'value']));
    });

  monitor
    .command('report')
    .description("The latest run's drift report: per feature histograms, statistic, threshold, verdict")
    .argument('<name>', 'monitor name')
    .option('--html <path>', 'write the self-contained HTML report here')
    .action(async (name: string, o) => {
      const client = await ctx.client();
      if (o.html) {
        const res = await callRaw(client, {
          method: 'GET',
          path: `/api/v1/monitors/${encodeURIComponent(name)}/report`,
          query: { format: 'html' },
        });
        writeFileAtomic(resolve(ctx.io.cwd, o.html), res.body);
      }
      const r = await callJson<WireRun>(client, {
        method: 'GET',
        path: `/api/v1/monitors/${encodeURIComponent(name)}/report`,
      });
      ctx.print(r, (x) => `${runText(x)}${o.html ? `\n\nwrote ${o.html}` : ''}`);
    });

  monitor
    .command('delete')
    .description('Delete a monitor and its schedule (its history stays in the audit log)')
    .argument('<name>', 'monitor name')
    .action(async (name: string) => {
      await callJson(await ctx.client(), {
        method: 'DELETE',
        path: `/api/v1/monitors/${encodeURIComponent(name)}`,
      });
      ctx.print({ deleted: name }, () => `deleted monitor ${name}`);
    });
};
