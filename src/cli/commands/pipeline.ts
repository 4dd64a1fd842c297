/**
 * @module cli/commands/pipeline
 * `kiln pipeline run | runs | show`. Locally, `run` reads the user's own files directly (with a
 * progress bar on a terminal); with `--url` it asks the server, which confines every path to its
 * `data.roots`.
 */
import { resolve } from 'node:path';
import type { PipelineProgress } from '../../ingest/pipeline-runner.js';
import { runToWire, versionToWire } from '../../server/http/routes/data-wire.js';
import { callJson } from '../api-client.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format.js';
import { ProgressBar } from '../progress-bar.js';
import type { CommandGroup } from './command-helpers.js';

type WireRun = ReturnType<typeof runToWire>;
type WireVersion = ReturnType<typeof versionToWire>;

interface RunOutcome {
  run: WireRun;
  dataset: WireVersion | null;
  reused: boolean;
  quarantine: WireVersion | null;
  validation: {
    success: boolean;
    statistics: { evaluated_expectations: number; unsuccessful_expectations: number };
  } | null;
}

function showRun(r: WireRun): string {
  const summary = (r.summary ?? {}) as Record<string, unknown>;
  const validation = summary.validation as { success?: boolean; failedExpectations?: string[] } | undefined;
  return formatFields([
    ['id', r.id],
    ['pipeline', r.pipeline],
    ['status', r.status],
    ['dataset', r.dataset ?? '-'],
    ['reused', r.reused],
    ['rows', summary.rows ?? '-'],
    [
      'validation',
      validation
        ? validation.success
          ? 'passed'
          : `failed: ${validation.failedExpectations?.join(', ')}`
        : '-',
    ],
    ['quarantine', summary.quarantine ?? '-'],
    ['started', r.started_at],
    ['ended', r.ended_at ?? '-'],
    ['error', r.error ? `${r.error.code}: ${r.error.message}` : '-'],
  ]);
}

function outcomeText(o: RunOutcome): string {
  const lines: string[] = [];
  if (o.reused) lines.push(`inputs and spec unchanged: reusing ${o.dataset?.ref}`);
  else
    lines.push(
      `dataset ${o.dataset?.ref} (${o.dataset?.row_count} rows, ${o.dataset?.size_bytes} bytes Parquet)`,
    );
  if (o.validation) {
    const s = o.validation.statistics;
    lines.push(
      o.validation.success
        ? `validation: all ${s.evaluated_expectations} expectations passed`
        : `validation: ${s.unsuccessful_expectations} of ${s.evaluated_expectations} expectations failed (on_fail let the run continue)`,
    );
  }
  if (o.quarantine) lines.push(`quarantined ${o.quarantine.row_count} rows → ${o.quarantine.ref}`);
  lines.push(`run ${o.run.id}: kiln pipeline show ${o.run.id}`);
  return lines.join('\n');
}

async function runLocal(ctx: CliContext, spec: string, force: boolean): Promise<RunOutcome> {
  const kiln = await ctx.openLocal();
  const actor = await ctx.localActor();
  const bar = new ProgressBar((t) => ctx.io.stderr(t), ctx.io.stderrIsTTY === true && !ctx.json);
  try {
    const r = await kiln.pipelines.run(actor, {
      specPath: resolve(ctx.io.cwd, spec),
      env: { ...ctx.io.env },
      force,
      onProgress: (p: PipelineProgress) => {
        if ('total' in p) bar.update(p.index + 1, p.total, `${p.stage} ${p.index + 1}`);
        else bar.update(0, 0, p.stage);
      },
    });
    return {
      run: runToWire(r.run),
      dataset: r.dataset ? versionToWire(r.dataset) : null,
      reused: r.reused,
      quarantine: r.quarantine ? versionToWire(r.quarantine) : null,
      validation: r.validation,
    };
  } finally {
    bar.done();
  }
}

export const pipelineCommands: CommandGroup = (program, ctx) => {
  const pipeline = program
    .command('pipeline')
    .description('Data pipelines: raw CSV/Parquet/JSON/PostgreSQL → validated, versioned datasets');

  pipeline
    .command('run')
    .description(
      'Run a pipeline spec (YAML): sources → steps → expectations → dataset version name@N (reused when inputs and spec are unchanged)',
    )
    .argument('<spec>', 'the pipeline spec file (see docs/pipelines.md)')
    .option('--force', 'make a new version even when inputs and spec are unchanged')
    .action(async (spec: string, o) => {
      const outcome = ctx.remote
        ? await callJson<RunOutcome>(await ctx.client(), {
            method: 'POST',
            path: '/api/v1/pipelines/runs',
            json: { spec, force: o.force === true },
          })
        : await runLocal(ctx, spec, o.force === true);
      ctx.print(outcome, outcomeText);
    });

  pipeline
    .command('runs')
    .description('List pipeline runs, newest first')
    .option('--pipeline <name>', 'only runs of this pipeline')
    .option('--limit <n>', 'how many (1–1000, default 50)', (v) => Number(v))
    .action(async (o) => {
      const r = await callJson<{ runs: WireRun[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/pipelines/runs',
        query: { pipeline: o.pipeline, limit: o.limit },
      });
      ctx.print(r, (x) =>
        formatTable(
          x.runs.map((run) => ({ ...run, error: run.error?.code ?? '' })),
          ['id', 'pipeline', 'status', 'dataset', 'reused', 'started_at', 'error'],
        ),
      );
    });

  pipeline
    .command('show')
    .description('Show one pipeline run: status, dataset version, validation, error')
    .argument('<run-id>', 'the run id (from pipeline run or pipeline runs)')
    .action(async (id: string) => {
      const r = await callJson<WireRun>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/pipelines/runs/${encodeURIComponent(id)}`,
      });
      ctx.print(r, showRun);
    });
};
