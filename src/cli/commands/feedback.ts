/**
 * @module cli/commands/feedback
 * `kiln feedback <deployment> --file labels.csv [--key <column>]` (also spelled
 * `kiln feedback post …`) posts ground-truth labels; `kiln feedback performance <deployment>`
 * prints model performance per window. Locally the labels file is read straight from disk; with
 * `--url` its bytes are sent to the server.
 *
 * The short form works because `feedback` has an action of its own, which Commander runs when the
 * first word is not a subcommand (so a deployment named `post` or `performance` needs the long
 * form). Commander gives the parent's options (`--file`, `--key`) to the parent even when they
 * follow a subcommand, so `post` reads them from there too.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid, KilnError } from '../../core/errors.js';
import type { FeedbackIngestResult, PerformanceReport } from '../../monitor/feedback/feedback-service.js';
import type { PerformanceWindow } from '../../monitor/feedback/performance-report.js';
import { callJson } from '../api-client.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

export const feedbackCommands: CommandGroup = (program, ctx) => {
  const feedback = program
    .command('feedback')
    .description(
      'Ground truth: post labels for logged predictions (kiln feedback <deployment> --file labels.csv), and measure performance',
    )
    .argument('[deployment]', 'the deployment the labels belong to (short for `feedback post <deployment>`)')
    .option('--file <path>', 'labels: .csv/.tsv/.parquet/.json/.ndjson with request_id (or --key) and label')
    .option('--key <column>', 'join on this logged column instead of request_id')
    .action(async (deployment: string | undefined, _o, cmd: Command) => {
      if (deployment === undefined) {
        cmd.error(
          'error: missing the deployment: kiln feedback <deployment> --file labels.csv, or kiln feedback performance <deployment>',
        );
      }
      await postFeedback(ctx, cmd, deployment as string);
    });

  feedback
    .command('post')
    .description('Post ground-truth labels for a deployment; prints how many matched logged requests')
    .argument('<deployment>', 'the deployment the labels belong to')
    .option('--file <path>', 'labels: .csv/.tsv/.parquet/.json/.ndjson with request_id (or --key) and label')
    .option('--key <column>', 'join on this logged column instead of request_id')
    .action(async (deployment: string, _o, cmd: Command) => {
      await postFeedback(ctx, cmd, deployment);
    });

  feedback
    .command('performance')
    .description('Model performance per time window: accuracy, precision, recall, F1, ROC AUC or MAE, RMSE')
    .argument('<deployment>', 'the deployment')
    .option('--window <duration>', 'window length, e.g. 15m, 1h, 1d (default: one window over the range)')
    .option('--from <time>', 'first request time included (ISO 8601, UTC)')
    .option('--to <time>', 'end of the range, excluded (ISO 8601, UTC)')
    .option('--score-output <column>', "the score column (default: the deployment's score_output)")
    .option('--threshold <x>', "decision threshold (default: the deployment's, else 0.5)")
    .option('--task <task>', 'classification or regression (default: from the labels)')
    .option('--positive-label <value>', 'the label value of the positive class (for text labels)')
    .action(async (deployment: string, o) => {
      if (o.threshold !== undefined && (o.threshold.trim() === '' || !Number.isFinite(Number(o.threshold)))) {
        throw invalid('--threshold', 'a number', o.threshold);
      }
      const report = await callJson<PerformanceReport>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/deployments/${encodeURIComponent(deployment)}/performance`,
        query: {
          window: o.window,
          from: o.from,
          to: o.to,
          score_output: o.scoreOutput,
          threshold: o.threshold,
          task: o.task,
          positive_label: o.positiveLabel,
        },
      });
      ctx.print(report, performanceText);
    });
};

async function postFeedback(ctx: CliContext, cmd: Command, deployment: string): Promise<void> {
  const o = cmd.optsWithGlobals() as { file?: string; key?: string };
  if (!o.file) cmd.error("error: required option '--file <path>' not specified");
  const file = o.file as string;
  let result: FeedbackIngestResult;
  if (ctx.remote) {
    const { formatOfPath } = await import('../../monitor/feedback/feedback-upload.js');
    const format = formatOfPath(file);
    if (!format) throw invalid('--file', 'a .csv, .tsv, .parquet, .json, .ndjson or .jsonl file', file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(resolve(ctx.io.cwd, file));
    } catch (e) {
      throw new KilnError('SOURCE_NOT_FOUND', `--file: cannot read ${file}: ${(e as Error).message}`, {
        field: '--file',
      });
    }
    result = await callJson(await ctx.client(), {
      method: 'POST',
      path: `/api/v1/deployments/${encodeURIComponent(deployment)}/feedback`,
      query: { format, key: o.key },
      body: bytes,
    });
  } else {
    const kiln = await ctx.openLocal();
    const actor = await ctx.localActor();
    result = await kiln.feedback.ingest(
      actor,
      deployment,
      { path: resolve(ctx.io.cwd, file) },
      { baseDir: ctx.io.cwd, ...(o.key ? { key: o.key } : {}) },
    );
  }
  ctx.print(result, ingestText);
}

function ingestText(r: FeedbackIngestResult): string {
  const lines = [
    `${r.deployment}: ${r.rows} label${r.rows === 1 ? '' : 's'} stored (key ${r.key}): ${r.matched} matched, ` +
      `${r.unknown} unknown, ${r.duplicates} duplicate${r.duplicates === 1 ? '' : 's'} dropped, ${r.superseded} superseded`,
  ];
  if (r.unknown > 0) {
    lines.push(
      `unknown ${r.key}s (kept: they join once those requests are logged): ${r.unknown_sample.join(', ')}` +
        `${r.unknown > r.unknown_sample.length ? ', …' : ''}`,
    );
  }
  lines.push(r.segment ? `stored in ${r.segment}` : 'nothing stored: the file has no rows');
  return lines.join('\n');
}

const CLASSIFICATION_COLUMNS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'positive_rate'];
const REGRESSION_COLUMNS = ['mae', 'rmse', 'mean_error'];

function performanceText(p: PerformanceReport): string {
  const metricCols = p.task === 'classification' ? CLASSIFICATION_COLUMNS : REGRESSION_COLUMNS;
  const row = (w: PerformanceWindow, label?: string) => {
    const m = w.metrics as unknown as Record<string, number | null>;
    return {
      start: label ?? w.start,
      end: label ? '' : w.end,
      rows: w.rows,
      labelled: w.labelled,
      count: w.count,
      ...Object.fromEntries(metricCols.map((c) => [c, m[c] === null ? null : round(m[c]!)])),
    };
  };
  const head =
    p.task === 'classification'
      ? `${p.deployment}: classification on "${p.score_output}" ≥ ${p.threshold}` +
        `${p.positive_label !== null ? `, positive label "${p.positive_label}"` : ''}`
      : `${p.deployment}: regression on "${p.score_output}"`;
  const rows = [
    ...p.windows.map((w) => row(w)),
    ...(p.windows.length > 1 ? [row(p.overall, 'overall')] : []),
  ];
  const why = Object.entries(p.overall.undefined).map(([k, v]) => `  ${k}: ${v}`);
  return [
    head,
    formatTable(rows, ['start', 'end', 'rows', 'labelled', 'count', ...metricCols]),
    ...(why.length > 0 ? ['undefined overall:', ...why] : []),
    ...p.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
