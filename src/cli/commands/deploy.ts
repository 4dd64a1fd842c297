/**
 * @module cli/commands/deploy
 * `kiln deploy create | list | show | update | delete`.
 */
import type { Command } from 'commander';
import { invalid } from '../../core/errors.js';
import type { deploymentToWire } from '../../server/http/routes/deployments.js';
import { callJson } from '../api-client.js';
import { formatFields, formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

type WireDeployment = ReturnType<typeof deploymentToWire>;

function intOpt(flag: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw invalid(flag, 'a non-negative integer', v);
    return Number(v);
  };
}

function autoOrInt(flag: string) {
  return (v: string) => (v === 'auto' ? 'auto' : intOpt(flag)(v));
}

/** A comma-separated list; an empty value is the empty list (to clear it). */
function listOpt(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function choiceOpt(flag: string, choices: readonly string[]) {
  return (v: string) => {
    if (!choices.includes(v)) throw invalid(flag, `one of ${choices.join(', ')}`, v);
    return v;
  };
}

/** An empty value clears the setting (null). */
function nullableOpt(v: string): string | null {
  return v === '' ? null : v;
}

function thresholdOpt(v: string): number | null {
  if (v === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n) || v.trim() === '') throw invalid('--threshold', 'a number', v);
  return n;
}

function withSettings(cmd: Command): Command {
  return cmd
    .option(
      '--max-batch-size <n>',
      'largest batch the dynamic batcher forms (1: no batching)',
      intOpt('--max-batch-size'),
    )
    .option(
      '--max-queue-delay-us <us>',
      'longest a request waits for a batch to fill, in microseconds',
      intOpt('--max-queue-delay-us'),
    )
    .option('--preferred-batch-size <n...>', 'batch sizes sent as soon as they can be formed')
    .option(
      '--max-queue-size <n>',
      'pending requests before new ones get 503 + Retry-After',
      intOpt('--max-queue-size'),
    )
    .option(
      '--timeout-us <us>',
      'per-request queue timeout in microseconds (0: none)',
      intOpt('--timeout-us'),
    )
    .option(
      '--workers <n|auto>',
      'inference worker threads (0: inline; auto: by measurement)',
      autoOrInt('--workers'),
    )
    .option('--intra-op-threads <n|auto>', 'ONNX Runtime threads per worker', autoOrInt('--intra-op-threads'))
    .option('--log-inputs', "write answered requests' inputs and outputs to the inference log")
    .option('--no-log-inputs', 'stop writing to the inference log')
    .option('--pii <columns>', 'logged columns holding personal data, comma-separated ("" for none)', listOpt)
    .option(
      '--pii-mode <mode>',
      'what happens to PII columns before anything is written: hash (salted SHA-256) or drop',
      choiceOpt('--pii-mode', ['hash', 'drop']),
    )
    .option(
      '--subject-key <column>',
      'logged column identifying the data subject, for erasure ("" to clear)',
      nullableOpt,
    )
    .option('--retention <duration>', 'how long the inference log is kept: 30d, 12h, 90m, … or 0 (forever)')
    .option('--score-output <column>', 'output column holding the score ("" to clear)', nullableOpt)
    .option('--threshold <x>', 'decision threshold on the score output ("" to clear)', thresholdOpt);
}

function settingsBody(o: Record<string, unknown>) {
  return {
    max_batch_size: o.maxBatchSize,
    max_queue_delay_microseconds: o.maxQueueDelayUs,
    preferred_batch_size: (o.preferredBatchSize as string[] | undefined)?.map((v) =>
      intOpt('--preferred-batch-size')(v),
    ),
    max_queue_size: o.maxQueueSize,
    timeout_microseconds: o.timeoutUs,
    workers: o.workers,
    intra_op_threads: o.intraOpThreads,
    log_inputs: o.logInputs,
    pii: o.pii,
    pii_mode: o.piiMode,
    subject_key: o.subjectKey,
    retention: o.retention,
    score_output: o.scoreOutput,
    threshold: o.threshold,
  };
}

function show(d: WireDeployment): string {
  return formatFields([
    ['name', d.name],
    ['model', d.model],
    ['public', d.public],
    ['max batch size', d.settings.max_batch_size],
    ['max queue delay', `${d.settings.max_queue_delay_microseconds} µs`],
    ['preferred sizes', d.settings.preferred_batch_size],
    ['max queue size', d.settings.max_queue_size],
    ['timeout', d.settings.timeout_microseconds ? `${d.settings.timeout_microseconds} µs` : 'none'],
    ['workers', d.settings.workers],
    ['intra-op threads', d.settings.intra_op_threads],
    ['log inputs', d.settings.log_inputs],
    ['pii', d.settings.pii.length > 0 ? `${d.settings.pii.join(', ')} (${d.settings.pii_mode})` : 'none'],
    ['subject key', d.settings.subject_key ?? 'none'],
    ['retention', d.settings.retention === '0' ? 'forever' : d.settings.retention],
    ['score output', d.settings.score_output ?? 'none'],
    ['threshold', d.settings.threshold ?? 'none'],
    ['updated', d.updated_at],
  ]);
}

export const deployCommands: CommandGroup = (program, ctx) => {
  const deploy = program
    .command('deploy')
    .description('Deployments: named inference endpoints (served at /v2/models/<name>)');

  withSettings(
    deploy
      .command('create')
      .description('Create a deployment serving model@version or model@alias')
      .argument('<name>', 'deployment name (the model name clients use in /v2/models/<name>)')
      .requiredOption('--model <ref>', 'model@version or model@alias, e.g. fraud@champion')
      .option('--public', 'serve inference without a token'),
  ).action(async (name: string, o) => {
    const d = await callJson<WireDeployment>(await ctx.client(), {
      method: 'POST',
      path: '/api/v1/deployments',
      json: { name, model: o.model, public: o.public === true, ...settingsBody(o) },
    });
    ctx.print(d, (x) => `created deployment ${x.name} → ${x.model}\n${show(x)}`);
  });

  deploy
    .command('list')
    .description('List deployments')
    .action(async () => {
      const r = await callJson<{ deployments: WireDeployment[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/deployments',
      });
      ctx.print(r, (x) =>
        formatTable(
          x.deployments.map((d) => ({ ...d, batch: d.settings.max_batch_size, workers: d.settings.workers })),
          ['name', 'model', 'public', 'batch', 'workers', 'updated_at'],
        ),
      );
    });

  deploy
    .command('show')
    .description('Show a deployment')
    .argument('<name>', 'deployment name')
    .action(async (name: string) => {
      const d = await callJson<WireDeployment>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/deployments/${encodeURIComponent(name)}`,
      });
      ctx.print(d, show);
    });

  withSettings(
    deploy
      .command('update')
      .description('Change what a deployment serves or how (servers switch without failing requests)')
      .argument('<name>', 'deployment name')
      .option('--model <ref>', 'model@version or model@alias')
      .option('--public', 'serve inference without a token')
      .option('--private', 'require a predictor token for inference'),
  ).action(async (name: string, o) => {
    const d = await callJson<WireDeployment>(await ctx.client(), {
      method: 'PATCH',
      path: `/api/v1/deployments/${encodeURIComponent(name)}`,
      json: { model: o.model, public: o.public ? true : o.private ? false : undefined, ...settingsBody(o) },
    });
    ctx.print(d, (x) => `updated deployment ${x.name}\n${show(x)}`);
  });

  deploy
    .command('delete')
    .description('Delete a deployment')
    .argument('<name>', 'deployment name')
    .action(async (name: string) => {
      await callJson(await ctx.client(), {
        method: 'DELETE',
        path: `/api/v1/deployments/${encodeURIComponent(name)}`,
      });
      ctx.print({ deleted: name }, () => `deleted deployment ${name}`);
    });
};
