/**
 * @module cli/commands/data
 * `kiln data list | versions | show | head | diff | profile | suggest | validate`.
 * A target is a data file (by extension: .csv .tsv .parquet .json .ndjson .jsonl) or a dataset
 * version (`name@N`, or `name` for the latest). Locally, files are read directly; with `--url`,
 * the server reads them, inside its `data.roots`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { KilnError } from '../../core/errors.js';
import type { DatasetDiff } from '../../ingest/datasets/dataset-diff.js';
import type { DatasetSummary } from '../../ingest/datasets/dataset-types.js';
import type { versionToWire } from '../../server/http/routes/data-wire.js';
import type { DataProfile } from '../../validate/profile-types.js';
import type { ExpectationSuite, ResultFormat, ValidationResult } from '../../validate/suite-types.js';
import { callJson } from '../api-client.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

type WireVersion = ReturnType<typeof versionToWire>;

const RESULT_FORMATS = ['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE'];

function isFile(target: string): boolean {
  return /\.(csv|tsv|parquet|json|ndjson|jsonl)$/i.test(target);
}

/** Local file targets resolve against the current folder; dataset references pass unchanged. */
function localTarget(ctx: CliContext, target: string): string {
  return isFile(target) ? resolve(ctx.io.cwd, target) : target;
}

function showVersion(v: WireVersion): string {
  const lines = [
    formatFields([
      ['dataset', v.ref],
      ['rows', v.row_count],
      ['size', `${v.size_bytes} bytes (Parquet, sha256 ${v.digest.slice(0, 16)}…)`],
      ['pipeline run', v.pipeline_run_id ?? '-'],
      [
        'validation',
        v.validation
          ? v.validation.success
            ? `passed (${v.validation.evaluated} expectations)`
            : `failed: ${v.validation.failedExpectations.join(', ')} (on_fail ${v.validation.onFail})`
          : '-',
      ],
      ['created', `${v.created_at} by ${v.created_by}`],
    ]),
    '',
    formatTable(
      v.schema.map((c) => ({ ...c })),
      ['name', 'type'],
    ),
    '',
    'sources:',
    ...v.lineage.sources.map(
      (s) =>
        `  ${s.name} (${s.type}, ${s.rowCount} rows): ${s.files ? s.files.map((f) => `${f.path} sha256:${f.sha256.slice(0, 12)}`).join(', ') : (s.query ?? '')}`,
    ),
    'steps:',
    ...v.lineage.steps.map((s) => `  ${s.index} ${s.kind}${s.params ? ` ${JSON.stringify(s.params)}` : ''}`),
  ];
  return lines.join('\n');
}

function validationText(r: ValidationResult): string {
  const rows = r.results.map((x) => ({
    ok: x.success ? 'pass' : 'FAIL',
    expectation: x.expectation_config.type,
    column: String(x.expectation_config.kwargs.column ?? x.expectation_config.kwargs.column_list ?? ''),
    unexpected: x.result.unexpected_count ?? '',
    observed: x.result.observed_value === undefined ? '' : JSON.stringify(x.result.observed_value),
    error: x.exception_info?.exception_message ?? '',
  }));
  const s = r.statistics;
  return `${formatTable(rows, ['ok', 'expectation', 'column', 'unexpected', 'observed', 'error'])}\n\n${
    r.success ? 'PASSED' : 'FAILED'
  }: ${s.successful_expectations}/${s.evaluated_expectations} expectations on ${r.meta.data} (${r.meta.row_count} rows, ${r.meta.queries} queries, ${Math.round(r.meta.duration_ms)} ms)`;
}

function diffText(d: DatasetDiff): string {
  const lines = [`${d.from} → ${d.to}: rows ${d.rowCount.from} → ${d.rowCount.to}`];
  for (const c of d.added) lines.push(`  + ${c.name} ${c.type}`);
  for (const c of d.removed) lines.push(`  - ${c.name} ${c.type}`);
  for (const c of d.retyped) lines.push(`  ~ ${c.name} ${c.from} → ${c.to}`);
  for (const c of d.columns) {
    for (const [stat, ch] of Object.entries(c.stats)) {
      lines.push(
        `  ${c.name}.${stat}: ${ch.from} → ${ch.to}${ch.delta === null ? '' : ` (${ch.delta >= 0 ? '+' : ''}${ch.delta})`}`,
      );
    }
  }
  if (lines.length === 1) lines.push('  no schema or statistics changes');
  return lines.join('\n');
}

export const dataCommands: CommandGroup = (program, ctx) => {
  const data = program
    .command('data')
    .description('Datasets: versions, rows, diffs, profiles, suites, validation');

  data
    .command('list')
    .description('List datasets with their latest version')
    .action(async () => {
      const r = await callJson<{ datasets: DatasetSummary[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/datasets',
      });
      ctx.print(r, (x) =>
        formatTable(
          x.datasets.map((d) => ({ ...d })),
          ['name', 'latestVersion', 'versions', 'rowCount', 'updatedAt'],
        ),
      );
    });

  data
    .command('versions')
    .description("List a dataset's versions")
    .argument('<name>', 'dataset name')
    .action(async (name: string) => {
      const r = await callJson<{ versions: WireVersion[] }>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/datasets/${encodeURIComponent(name)}/versions`,
      });
      ctx.print(r, (x) =>
        formatTable(
          x.versions.map((v) => ({ ...v, valid: v.validation ? v.validation.success : '-' })),
          ['ref', 'row_count', 'size_bytes', 'valid', 'pipeline_run_id', 'created_at'],
        ),
      );
    });

  data
    .command('show')
    .description('Show a dataset version: schema, rows, digest, validation, lineage and step parameters')
    .argument('<ref>', 'name@N, or name for the latest')
    .action(async (ref: string) => {
      const v = await callJson<WireVersion>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/datasets/${encodeURIComponent(ref)}`,
      });
      ctx.print(v, showVersion);
    });

  data
    .command('head')
    .description('Print the first rows of a dataset version')
    .argument('<ref>', 'name@N, or name for the latest')
    .option('-n, --rows <n>', 'how many rows (1–1000)', (v) => Number(v), 10)
    .action(async (ref: string, o) => {
      const r = await callJson<{ ref: string; columns: { name: string }[]; rows: Record<string, unknown>[] }>(
        await ctx.client(),
        { method: 'GET', path: `/api/v1/datasets/${encodeURIComponent(ref)}/head`, query: { limit: o.rows } },
      );
      ctx.print(r, (x) =>
        formatTable(
          x.rows,
          x.columns.map((c) => c.name),
        ),
      );
    });

  data
    .command('diff')
    .description('Schema and statistics changes between two dataset versions')
    .argument('<from>', 'name@N')
    .argument('<to>', 'name@M')
    .option('--all', 'list every statistic, changed or not')
    .action(async (from: string, to: string, o) => {
      const d = await callJson<DatasetDiff>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/datasets/${encodeURIComponent(from)}/diff`,
        query: { to, all: o.all === true ? true : undefined },
      });
      ctx.print(d, diffText);
    });

  data
    .command('profile')
    .description(
      'Profile a dataset version or a data file: types, completeness, distinct, min/max/mean/stddev, quantiles, histograms, top values',
    )
    .argument('<target>', 'name@N, or a .csv/.tsv/.parquet/.json/.ndjson file')
    .option('--html <path>', 'also write a self-contained HTML profile report')
    .action(async (target: string, o) => {
      let label: string;
      let profile: DataProfile;
      if (ctx.remote) {
        const r = await callJson<{ target: string; profile: DataProfile }>(await ctx.client(), {
          method: 'POST',
          path: '/api/v1/data/profile',
          json: { target },
        });
        label = r.target;
        profile = r.profile;
      } else {
        const kiln = await ctx.openLocal();
        ({ label, profile } = await kiln.dataChecks.profile(localTarget(ctx, target), {
          baseDir: ctx.io.cwd,
        }));
      }
      if (o.html) {
        const { renderProfileHtml } = await import('../../validate/reports/profile-report.js');
        writeFileAtomic(
          resolve(ctx.io.cwd, o.html),
          renderProfileHtml(profile, { title: `Profile of ${label}` }),
        );
      }
      ctx.print({ target: label, profile }, (x) =>
        [
          `${x.target}: ${x.profile.row_count} rows, ${x.profile.column_count} columns`,
          formatTable(
            x.profile.columns.map((c) => ({
              ...c,
              completeness: c.completeness.toFixed(3),
              mean: c.mean ?? '',
              min: c.min ?? '',
              max: c.max ?? '',
            })),
            ['name', 'type', 'completeness', 'approx_distinct', 'min', 'max', 'mean'],
          ),
          o.html ? `wrote ${o.html}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  data
    .command('suggest')
    .description('Suggest a Great-Expectations suite (YAML on stdout) from a profile, with Deequ-style rules')
    .argument('<target>', 'name@N, or a data file')
    .option('--name <name>', 'the suite name (default: the dataset or file name)')
    .action(async (target: string, o) => {
      let out: { suite: ExpectationSuite; yaml: string };
      if (ctx.remote) {
        out = await callJson(await ctx.client(), {
          method: 'POST',
          path: '/api/v1/data/suggest',
          json: { target, name: o.name },
        });
      } else {
        const kiln = await ctx.openLocal();
        const { defaultSuiteName } = await import('../../server/http/routes/data.js');
        const { renderSuggestionYaml } = await import('../../validate/profile/suggestion-yaml.js');
        const suite = await kiln.dataChecks.suggest(
          localTarget(ctx, target),
          o.name ?? defaultSuiteName(target),
          {
            baseDir: ctx.io.cwd,
          },
        );
        out = { suite, yaml: renderSuggestionYaml(suite, { source: target }) };
      }
      ctx.print(out.suite, () => out.yaml);
    });

  data
    .command('validate')
    .description('Validate a data file or dataset version against a suite; exits 1 when the suite fails')
    .argument('<target>', 'a data file, or name@N')
    .requiredOption('--suite <file>', 'the expectation suite (YAML or JSON, Great Expectations shape)')
    .option('--html <path>', 'also write a self-contained HTML validation report')
    .option('--result-format <format>', `one of ${RESULT_FORMATS.join(', ')} (default SUMMARY)`)
    .option('--key <columns>', 'comma-separated key columns that identify failing rows')
    .action(async (target: string, o) => {
      if (o.resultFormat && !RESULT_FORMATS.includes(o.resultFormat)) {
        throw new KilnError(
          'INVALID_ARGUMENT',
          `--result-format: expected one of ${RESULT_FORMATS.join(', ')}, got "${o.resultFormat}"`,
          { field: '--result-format' },
        );
      }
      const suitePath = resolve(ctx.io.cwd, o.suite);
      let suiteText: string;
      try {
        suiteText = readFileSync(suitePath, 'utf8');
      } catch (e) {
        throw new KilnError('SUITE_INVALID', `--suite: cannot read ${o.suite}: ${(e as Error).message}`, {
          field: '--suite',
        });
      }
      const keyColumns = o.key
        ? String(o.key)
            .split(',')
            .map((s: string) => s.trim())
            .filter(Boolean)
        : undefined;
      let result: ValidationResult;
      if (ctx.remote) {
        result = await callJson(await ctx.client(), {
          method: 'POST',
          path: '/api/v1/data/validate',
          json: { target, suite_text: suiteText, result_format: o.resultFormat, key_columns: keyColumns },
        });
      } else {
        const kiln = await ctx.openLocal();
        const { parseSuite } = await import('../../validate/suite-file.js');
        result = await kiln.dataChecks.validate(localTarget(ctx, target), parseSuite(suiteText, o.suite), {
          baseDir: ctx.io.cwd,
          ...(o.resultFormat ? { resultFormat: o.resultFormat as ResultFormat } : {}),
          ...(keyColumns ? { keyColumns } : {}),
        });
      }
      if (o.html) {
        const { renderValidationHtml } = await import('../../validate/reports/validation-report.js');
        writeFileAtomic(
          resolve(ctx.io.cwd, o.html),
          renderValidationHtml(result, { title: `Validation of ${result.meta.data}` }),
        );
      }
      ctx.print(result, validationText);
      if (!result.success) ctx.exitCode = 1;
    });
};
