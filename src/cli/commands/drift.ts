/**
 * @module cli/commands/drift
 * `kiln drift compare <reference> <current>`: the drift report of current data against a reference
 * (dataset versions `name@N` or CSV/TSV/Parquet/JSON/NDJSON files). Locally the comparison runs in
 * this process — the same `compareSides` the server's `POST /api/v1/drift/compare` calls — and
 * opens the workspace only for dataset references; with `--url` it goes through that route (file
 * paths are then the server's, inside its `data.roots`).
 *
 * Exit codes: 0 no dataset drift, 1 dataset drift detected (the report is printed as usual),
 * 2 the comparison could not run (the error is printed to stderr, as JSON with --json).
 */
import { resolve } from 'node:path';
import { CommanderError } from 'commander';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { invalid } from '../../core/errors.js';
import type { DriftTestName, PValueCorrection } from '../../monitor/drift/drift-stats.js';
import { DRIFT_TEST_NAMES } from '../../monitor/drift/drift-stats.js';
import type { CompareSidesOptions, DriftReport } from '../../monitor/drift-compare.js';
import { parseSide } from '../../monitor/drift-input/side-spec.js';
import { callJson } from '../api-client.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format.js';
import { type CommandGroup, collect, keyValues } from './command-helpers.js';

const CORRECTIONS = ['none', 'bonferroni', 'benjamini-hochberg'];

export const driftCommands: CommandGroup = (program, ctx) => {
  const drift = program.command('drift').description('Data drift: compare current data with a reference');
  drift
    .command('compare')
    .description(
      'Compare <current> with <reference> column by column; exit 0 no dataset drift, 1 drift detected, 2 error',
    )
    .argument('<reference>', 'dataset version (name@N) or data file (.csv .tsv .parquet .json .ndjson)')
    .argument('<current>', 'dataset version (name@N) or data file')
    .option('--html <file>', 'also write the report as a self-contained HTML file')
    .option('--columns <a,b>', 'compare only these columns (default: every column both sides have)')
    .option('--drift-share <share>', 'dataset drift when this share of columns drifts (default 0.5)')
    .option(
      '--correction <method>',
      'p-value correction: none, bonferroni, benjamini-hochberg (default none)',
    )
    .option('--categorical <a,b>', 'compare these columns as categories')
    .option('--numeric <a,b>', 'compare these columns as numbers')
    .option(
      '--test <column=test>',
      `test for a column (repeatable): ${DRIFT_TEST_NAMES.join(', ')}`,
      collect,
      [],
    )
    .option('--threshold <column=value>', 'threshold for a column (repeatable)', collect, [])
    .option('--sketch', 'bounded memory: stream both sides into sketches (results carry error bounds)')
    .action(async (reference: string, current: string, o) => {
      let report: DriftReport;
      try {
        const options = parseOptions(o);
        report = await runCompare(ctx, reference, current, options);
        if (o.html) {
          const { renderDriftReportHtml } = await import('../../monitor/reports/drift-report-html.js');
          writeFileAtomic(resolve(ctx.io.cwd, o.html), renderDriftReportHtml(report));
        }
      } catch (e) {
        ctx.printError(e);
        throw new CommanderError(2, 'kiln.drift.failed', 'drift compare failed');
      }
      ctx.print(report, (r) => humanReport(r, o.html));
      // Drift is a finding, not a failure: the report is printed and the exit code says it.
      if (report.dataset_drift) ctx.exitCode = 1;
    });
};

function list(v: unknown): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function parseOptions(o: Record<string, unknown>): CompareSidesOptions {
  let driftShare: number | undefined;
  if (o.driftShare !== undefined) {
    driftShare = Number(o.driftShare);
    if (!(driftShare > 0 && driftShare <= 1))
      throw invalid('--drift-share', 'a number in (0, 1]', o.driftShare);
  }
  if (o.correction !== undefined && !CORRECTIONS.includes(String(o.correction))) {
    throw invalid('--correction', CORRECTIONS.join(', '), o.correction);
  }
  const tests = keyValues(o.test as string[], '--test');
  for (const [col, test] of Object.entries(tests)) {
    if (!(DRIFT_TEST_NAMES as readonly string[]).includes(test)) {
      throw invalid(`--test ${col}`, DRIFT_TEST_NAMES.join(', '), test);
    }
  }
  const thresholds: Record<string, number> = {};
  for (const [col, v] of Object.entries(keyValues(o.threshold as string[], '--threshold'))) {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw invalid(`--threshold ${col}`, 'a number', v);
    thresholds[col] = n;
  }
  return {
    columns: list(o.columns),
    categorical: list(o.categorical),
    numeric: list(o.numeric),
    driftShare,
    correction: o.correction as PValueCorrection | undefined,
    tests: tests as Record<string, DriftTestName>,
    thresholds,
    mode: o.sketch ? 'sketch' : 'exact',
  };
}

async function runCompare(
  ctx: CliContext,
  reference: string,
  current: string,
  options: CompareSidesOptions,
): Promise<DriftReport> {
  if (ctx.remote) {
    return callJson<DriftReport>(await ctx.client(), {
      method: 'POST',
      path: '/api/v1/drift/compare',
      json: {
        reference,
        current,
        options: {
          columns: options.columns,
          categorical: options.categorical,
          numeric: options.numeric,
          drift_share: options.driftShare,
          correction: options.correction,
          tests: options.tests,
          thresholds: options.thresholds,
          mode: options.mode,
        },
      },
    });
  }
  const sides = [parseSide(reference, 'reference'), parseSide(current, 'current')];
  const kiln = sides.some((s) => s.kind === 'dataset') ? await ctx.openLocal() : null;
  const { compareSides } = await import('../../monitor/drift-compare.js');
  return compareSides(reference, current, options, {
    baseDir: ctx.io.cwd,
    ...(kiln
      ? { datasets: kiln.datasets, memoryLimit: kiln.config.data.duckdb_memory_limit || undefined }
      : {}),
  });
}

function round(n: number): number {
  return Number(n.toFixed(4));
}

function humanReport(r: DriftReport, htmlFile: unknown): string {
  const rows = r.columns.map((c) => ({
    column: c.column,
    kind: c.kind,
    test: c.test,
    statistic: c.statistic === null ? '—' : round(c.statistic),
    threshold: c.threshold,
    adjusted: c.p_value_adjusted === undefined ? '' : round(c.p_value_adjusted),
    verdict: c.status !== 'ok' ? 'no verdict' : c.drifted ? 'DRIFT' : 'ok',
  }));
  const cols = [
    'column',
    'kind',
    'test',
    'statistic',
    'threshold',
    ...(r.correction !== 'none' ? ['adjusted'] : []),
    'verdict',
  ];
  const lines = [
    `reference ${r.reference.label} (${r.reference.rows} rows) vs current ${r.current.label} (${r.current.rows} rows), mode ${r.mode}`,
    formatTable(rows, cols),
    `${r.dataset_drift ? 'DATASET DRIFT' : 'no dataset drift'}: ${r.number_of_drifted_columns} of ${r.number_of_columns} columns drifted (share ${round(r.share_of_drifted_columns)}, dataset drift at >= ${r.drift_share}, correction ${r.correction})`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  if (typeof htmlFile === 'string') lines.push(`wrote ${htmlFile}`);
  return lines.join('\n');
}
