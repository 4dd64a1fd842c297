/**
 * @module monitor/drift-compare
 * `compareSides`: the drift report of a current dataset against a reference, from loading to
 * verdict. Each side is a dataset version (`name@N`), a data file, or a DuckDB relation; the columns
 * both sides share are compared (numeric or categorical by type, overridable), each with Evidently's
 * default test or the one asked for, every other applicable statistic alongside; the dataset drifts
 * when the share of drifted columns reaches `driftShare`, after an optional multiple-testing
 * correction. `mode: 'sketch'` streams both sides into mergeable sketches (bounded memory, results
 * with error bounds) instead of holding every value.
 *
 * Errors (KilnError): DRIFT_INPUT_INVALID — no shared column (naming both column lists), an empty
 * side, a column numeric on one side and text on the other, a bad option; COLUMN_NOT_FOUND — an
 * option names a missing column; SOURCE_NOT_FOUND / SOURCE_UNREADABLE / PATH_NOT_ALLOWED /
 * DATASET_NOT_FOUND — a side cannot be read. The report holds no NaN and survives a JSON round trip.
 */
import { KilnError } from '../core/errors.js';
import { DuckEngine } from '../store/duckdb/duck-engine.js';
import type {
  ColumnDriftResult,
  DriftTestName,
  PValueCorrection,
  SampleCounts,
} from './drift/drift-stats.js';
import {
  compareCategoricalSketches,
  compareColumn,
  compareNumericSketches,
  summarizeDataset,
} from './drift/drift-stats.js';
import { resolveTestChoice } from './drift/verdict.js';
import type { PlanOptions, PlannedColumn } from './drift-input/column-plan.js';
import { isNumericType, planColumns } from './drift-input/column-plan.js';
import type { LoadedColumn } from './drift-input/load-columns.js';
import { countNonNull, describeRelation, duck, loadColumns } from './drift-input/load-columns.js';
import type { DriftSideInput, ResolveSideContext, ResolvedSide } from './drift-input/resolve-side.js';
import { resolveSide } from './drift-input/resolve-side.js';
import type { SketchedColumn } from './drift-input/sketch-columns.js';
import { sketchColumns } from './drift-input/sketch-columns.js';
import type { DriftHistogram } from './reports/drift-histograms.js';
import { categoricalHistogram, fixedEdgeHistogram, numericHistogram } from './reports/drift-histograms.js';
import type { DriftColumnReport, DriftReport } from './reports/drift-report-types.js';
import { toJsonSafe } from './reports/json-safe.js';

export type { DriftColumnReport, DriftReport } from './reports/drift-report-types.js';

export interface CompareSidesOptions extends PlanOptions {
  /** Dataset drift when drifted / compared columns >= this. Default 0.5. */
  readonly driftShare?: number;
  /** Multiple-testing correction of the p-value tests. Default `none`. */
  readonly correction?: PValueCorrection;
  /** Test per column; Evidently's default for the column otherwise. */
  readonly tests?: Readonly<Record<string, DriftTestName>>;
  /** Threshold per column; the test's default otherwise. */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** `exact` (default) or `sketch` (bounded memory). */
  readonly mode?: 'exact' | 'sketch';
}

export interface CompareSidesContext extends ResolveSideContext {
  /** Engine to read with (required for `{relation}` sides); else one is opened and closed here. */
  readonly engine?: DuckEngine;
  /** DuckDB memory_limit for the engine opened here, e.g. `4GB`. */
  readonly memoryLimit?: string;
  readonly now?: () => Date;
}

/** Compares `current` with `reference` and returns the drift report. */
export async function compareSides(
  reference: DriftSideInput,
  current: DriftSideInput,
  options: CompareSidesOptions = {},
  context: CompareSidesContext = {},
): Promise<DriftReport> {
  const started = performance.now();
  const mode = options.mode ?? 'exact';
  if (mode !== 'exact' && mode !== 'sketch') {
    throw new KilnError(
      'DRIFT_INPUT_INVALID',
      `mode: expected exact or sketch, got ${JSON.stringify(mode)}`,
      {
        field: 'mode',
      },
    );
  }
  // Validates driftShare and correction before anything is read.
  summarizeDataset([], options);
  const ref = await resolveSide(reference, 'reference', context);
  const cur = await resolveSide(current, 'current', context);
  const engine =
    context.engine ?? (await DuckEngine.open(':memory:', { memoryLimit: context.memoryLimit || undefined }));
  try {
    const refSchema = await describeRelation(engine, ref.relation, 'reference');
    const curSchema = await describeRelation(engine, cur.relation, 'current');
    const plan = planColumns(refSchema, curSchema, options);
    const columns = [...plan.columns];
    for (const m of plan.mixed) columns.push(await settleMixed(engine, ref, cur, m));
    const order = new Map(refSchema.map((c, i) => [c.name, i]));
    columns.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
    checkTests(columns, options);
    for (const [field, side] of [
      ['reference', ref],
      ['current', cur],
    ] as const) {
      if (await isEmpty(engine, side.relation, field)) {
        throw new KilnError('DRIFT_INPUT_INVALID', `${field}: has no rows; there is nothing to compare`, {
          field,
        });
      }
    }
    const {
      outcomes: results,
      refRows,
      curRows,
    } = mode === 'exact'
      ? await compareExact(engine, ref, cur, columns, options)
      : await compareSketched(engine, ref, cur, columns, options);
    const summary = summarizeDataset(
      results.map((r) => r.result),
      options,
    );
    const reports: DriftColumnReport[] = summary.columns.map((r, i) => ({
      ...r,
      column: columns[i].name,
      reference_type: columns[i].referenceType,
      current_type: columns[i].currentType,
      all: toJsonSafe(r.all, `columns.${columns[i].name}.all`),
      histogram: results[i].histogram,
    }));
    const report: DriftReport = {
      kind: 'kiln.drift_report',
      format_version: 1,
      created_at: (context.now ?? (() => new Date()))().toISOString(),
      reference: { ...ref.source, rows: refRows, columns: refSchema.length },
      current: { ...cur.source, rows: curRows, columns: curSchema.length },
      mode,
      dataset_drift: summary.dataset_drift,
      drift_share: summary.drift_share,
      share_of_drifted_columns: summary.share_of_drifted_columns,
      number_of_columns: summary.number_of_columns,
      number_of_drifted_columns: summary.number_of_drifted_columns,
      correction: summary.correction,
      insufficient_columns: [...summary.insufficient_columns],
      columns: reports,
      reference_only_columns: plan.referenceOnly,
      current_only_columns: plan.currentOnly,
      skipped_columns: plan.skipped,
      warnings: warningsOf(reports, plan.referenceOnly, plan.currentOnly, plan.skipped),
      duration_ms: Math.round(performance.now() - started),
    };
    return toJsonSafe(report) as DriftReport;
  } finally {
    if (!context.engine) engine.close();
  }
}

/**
 * A column numeric on one side only. Text reference and integer current (a CSV sniffed `0`/`1` as
 * BIGINT): categories, since integers cast to the same text. A side holding only NULLs follows the
 * other side. Anything else is refused, naming the overrides that settle it.
 */
async function settleMixed(
  engine: DuckEngine,
  ref: ResolvedSide,
  cur: ResolvedSide,
  column: PlannedColumn,
): Promise<PlannedColumn> {
  const refNumeric = isNumericType(column.referenceType);
  if (!refNumeric && /INT/i.test(column.currentType)) return { ...column, kind: 'categorical' };
  const textSide = refNumeric ? { side: cur, field: 'current' } : { side: ref, field: 'reference' };
  if ((await countNonNull(engine, textSide.side.relation, column.name, textSide.field)) === 0) return column;
  throw new KilnError(
    'DRIFT_INPUT_INVALID',
    `column "${column.name}" is ${column.referenceType} in the reference but ${column.currentType} in the current data; ` +
      `compare it as categories (--categorical ${column.name}) or as numbers (--numeric ${column.name})`,
    { column: column.name, reference_type: column.referenceType, current_type: column.currentType },
  );
}

function checkTests(columns: readonly PlannedColumn[], options: CompareSidesOptions): void {
  const kinds = new Map(columns.map((c) => [c.name, c.kind]));
  const names = new Set([...Object.keys(options.tests ?? {}), ...Object.keys(options.thresholds ?? {})]);
  for (const name of names) {
    const kind = kinds.get(name);
    if (!kind) {
      throw new KilnError(
        'COLUMN_NOT_FOUND',
        `tests/thresholds: column "${name}" is not compared; compared columns: ${[...kinds.keys()].join(', ')}`,
        { field: 'tests', column: name },
      );
    }
    try {
      resolveTestChoice(kind, options.tests?.[name], options.thresholds?.[name]);
    } catch (e) {
      if (e instanceof KilnError) throw new KilnError(e.code, `column "${name}": ${e.message}`, e.details);
      throw e;
    }
  }
}

/** True when the relation has no row (reads at most one). */
async function isEmpty(engine: DuckEngine, relation: string, field: string): Promise<boolean> {
  const r = await duck(field, () => engine.query(`SELECT 1 AS one FROM ${relation} LIMIT 1`));
  return r.rows.length === 0;
}

interface ColumnOutcome {
  readonly result: ColumnDriftResult;
  readonly histogram: DriftHistogram;
}

interface Compared {
  readonly outcomes: ColumnOutcome[];
  readonly refRows: number;
  readonly curRows: number;
}

async function compareExact(
  engine: DuckEngine,
  ref: ResolvedSide,
  cur: ResolvedSide,
  columns: readonly PlannedColumn[],
  options: CompareSidesOptions,
): Promise<Compared> {
  const requests = columns.map((c) => ({ name: c.name, kind: c.kind }));
  const refSide = await loadColumns(engine, ref.relation, requests, 'reference');
  const curSide = await loadColumns(engine, cur.relation, requests, 'current');
  const outcomes = columns.map((c, i) => {
    const r = refSide.columns[i];
    const k = curSide.columns[i];
    const result = compareColumn(r.values, k.values, {
      kind: c.kind,
      column: c.name,
      test: options.tests?.[c.name],
      threshold: options.thresholds?.[c.name],
      exactLimit: Number.POSITIVE_INFINITY,
    });
    return { result: withNulls(result, nullsOf(r), nullsOf(k)), histogram: exactHistogram(r, k) };
  });
  return { outcomes, refRows: refSide.rows, curRows: curSide.rows };
}

async function compareSketched(
  engine: DuckEngine,
  ref: ResolvedSide,
  cur: ResolvedSide,
  columns: readonly PlannedColumn[],
  options: CompareSidesOptions,
): Promise<Compared> {
  const requests = columns.map((c) => ({ name: c.name, kind: c.kind }));
  const refSide = await sketchColumns(engine, ref.relation, requests, 'reference');
  const curSide = await sketchColumns(engine, cur.relation, requests, 'current', refSide);
  const outcomes = columns.map((c, i): ColumnOutcome => {
    const r = refSide.columns[i];
    const k = curSide.columns[i];
    const opts = { column: c.name, test: options.tests?.[c.name], threshold: options.thresholds?.[c.name] };
    if (r.kind === 'numeric' && k.kind === 'numeric') {
      const result = compareNumericSketches(r.sketch, k.sketch, opts);
      const histogram: DriftHistogram =
        r.sketch.histogram && k.sketch.histogram
          ? fixedEdgeHistogram(r.sketch.histogram.edges, r.sketch.histogram.counts, k.sketch.histogram.counts)
          : numericHistogram([], []);
      return { result: withNulls(result, r.nulls, k.nulls), histogram };
    }
    const result = compareCategoricalSketches(
      (r as Extract<SketchedColumn, { kind: 'categorical' }>).sketch,
      (k as Extract<SketchedColumn, { kind: 'categorical' }>).sketch,
      opts,
    );
    const histogram = categoricalHistogram(
      (r as Extract<SketchedColumn, { kind: 'categorical' }>).counts,
      (k as Extract<SketchedColumn, { kind: 'categorical' }>).counts,
    );
    return { result, histogram };
  });
  return { outcomes, refRows: refSide.rows, curRows: curSide.rows };
}

function nullsOf(c: LoadedColumn): number {
  return c.kind === 'numeric' ? c.nulls : 0;
}

/** Numeric NULLs travel as NaN (counted as non-finite by the statistics); count them as nulls. */
function withNulls(r: ColumnDriftResult, refNulls: number, curNulls: number): ColumnDriftResult {
  if (refNulls === 0 && curNulls === 0) return r;
  const fix = (s: SampleCounts, n: number): SampleCounts => ({
    ...s,
    nulls: s.nulls + n,
    non_finite: s.non_finite - n,
  });
  return { ...r, reference: fix(r.reference, refNulls), current: fix(r.current, curNulls) };
}

function exactHistogram(r: LoadedColumn, k: LoadedColumn): DriftHistogram {
  if (r.kind === 'numeric' && k.kind === 'numeric') return numericHistogram(r.values, k.values);
  if (r.kind === 'categorical' && k.kind === 'categorical') return categoricalHistogram(r.counts, k.counts);
  throw new KilnError('INTERNAL', `column ${r.name} was loaded with two kinds`);
}

function warningsOf(
  columns: readonly DriftColumnReport[],
  referenceOnly: readonly string[],
  currentOnly: readonly string[],
  skipped: readonly { column: string; reason: string }[],
): string[] {
  const out: string[] = [];
  if (referenceOnly.length > 0) out.push(`only in the reference, not compared: ${referenceOnly.join(', ')}`);
  if (currentOnly.length > 0) out.push(`only in the current data, not compared: ${currentOnly.join(', ')}`);
  for (const s of skipped) out.push(`column ${s.column} skipped: ${s.reason}`);
  for (const c of columns) {
    if (c.status !== 'ok') out.push(`column ${c.column}: no verdict, ${c.reason ?? 'insufficient data'}`);
    const unseen = c.distinct?.unseen_in_reference_values ?? 0;
    if (unseen > 0) {
      out.push(
        `column ${c.column}: ${unseen} value(s) of the current data never occur in the reference (${c.distinct?.unseen_in_reference_rows} rows)`,
      );
    }
    for (const [side, counts] of [
      ['reference', c.reference],
      ['current', c.current],
    ] as const) {
      if (counts.non_finite > 0) {
        out.push(
          `column ${c.column}: ${counts.non_finite} NaN/Infinity value(s) in the ${side} were left out`,
        );
      }
    }
  }
  return out;
}
