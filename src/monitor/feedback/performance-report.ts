/**
 * @module monitor/feedback/performance-report
 * Joins inference-log rows with their current label and computes model performance per time
 * window, in one DuckDB engine. Each log row takes the latest label that matches it — by
 * `request_id` or by a logged key column, and by `row` when the label names one — so a label
 * posted later supersedes an earlier one. Windows bucket the log's `received_at` (UTC) from an
 * origin (`from`, else the Unix epoch, so `1h` windows start on the hour); without a window there
 * is one window over the whole range. Windows with log rows but no label appear with their counts
 * and null metrics, which shows how far ground truth lags.
 */
import { invalid, KilnError } from '../../core/errors.js';
import { type DuckEngine, quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { latestLabelsSql } from './feedback-segments.js';
import {
  type ClassificationMetrics,
  classificationMetrics,
  type RegressionMetrics,
  regressionMetrics,
} from './performance-metrics.js';

export type PerformanceTask = 'classification' | 'regression';
export const PERFORMANCE_TASKS: readonly PerformanceTask[] = ['classification', 'regression'];
export const DEFAULT_THRESHOLD = 0.5;
/** At most this many windows in one report. */
export const MAX_WINDOWS = 10_000;

export interface PerformanceWindow {
  /**
   * ISO time; windows are [start, end). Without a window: `from`, else the first row's time (null
   * when there is no row).
   */
  readonly start: string | null;
  /** ISO time; without a window: `to`, else the last row's time (inclusive). */
  readonly end: string | null;
  /** Inference-log rows in the window. */
  readonly rows: number;
  /** Of those, rows with a label. */
  readonly labelled: number;
  /** Rows the metrics are computed on: labelled, with a finite score and a usable label. */
  readonly count: number;
  /** Labelled rows left out: no finite score, or a label the task cannot use. */
  readonly skipped: { readonly no_score: number; readonly unusable_label: number };
  readonly metrics: ClassificationMetrics | RegressionMetrics;
  /** Classification only. */
  readonly confusion?: { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number };
  /** Metric → why it is null. */
  readonly undefined: Readonly<Record<string, string>>;
}

export interface PerformanceSpec {
  /** A DuckDB table expression over the inference log (already limited to the time range). */
  readonly logRelation: string;
  /** Feedback segments (may be empty). */
  readonly labelFiles: readonly string[];
  readonly scoreColumn: string;
  /** Logged columns (other than request_id) that labels are keyed by; each is a column of the log. */
  readonly keyColumns: readonly string[];
  readonly windowMs: number | null;
  /** Epoch ms windows are counted from. */
  readonly originMs: number;
  readonly from: Date | null;
  readonly to: Date | null;
  readonly task: PerformanceTask | null;
  readonly threshold: number | null;
  readonly positiveLabel: string | null;
}

export interface PerformanceResult {
  readonly task: PerformanceTask;
  /** The threshold used (classification), else null. */
  readonly threshold: number | null;
  readonly overall: PerformanceWindow;
  readonly windows: PerformanceWindow[];
}

export async function computePerformance(
  duck: DuckEngine,
  spec: PerformanceSpec,
): Promise<PerformanceResult> {
  await buildLogRows(duck, spec);
  await buildJoined(duck, spec);
  const task = await chooseTask(duck, spec);
  const threshold = task === 'classification' ? (spec.threshold ?? DEFAULT_THRESHOLD) : null;
  await duck.run(
    `CREATE TEMP TABLE scored AS SELECT bucket, s, ${labelExpr(task, spec.positiveLabel)} AS y, ` +
      '(s IS NOT NULL AND isfinite(s)) AS has_score FROM joined',
  );
  const windows = await assemble(duck, spec, task, threshold, 'bucket');
  const [overall] = await assemble(duck, spec, task, threshold, null);
  return { task, threshold, overall: overall ?? emptyWindow(spec, task), windows };
}

async function buildLogRows(duck: DuckEngine, spec: PerformanceSpec): Promise<void> {
  const bucket =
    spec.windowMs === null
      ? 'CAST(0 AS BIGINT)'
      : `CAST(floor((epoch_us(received_at) - ${spec.originMs * 1000}) / ${spec.windowMs * 1000}) AS BIGINT)`;
  const keys = spec.keyColumns.map((k, i) => `CAST(${quoteIdent(k)} AS VARCHAR) AS _k${i}`);
  await duck.run(
    `CREATE TEMP TABLE logrows AS SELECT row_number() OVER () AS _rid, received_at, ${bucket} AS bucket, ` +
      `request_id, "row", TRY_CAST(${quoteIdent(spec.scoreColumn)} AS DOUBLE) AS s` +
      `${keys.map((k) => `, ${k}`).join('')} FROM ${spec.logRelation}`,
  );
  if (spec.windowMs !== null) {
    const r = await duck.query('SELECT max(bucket) - min(bucket) + 1 AS n FROM logrows');
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > MAX_WINDOWS) {
      throw invalid(
        'window',
        `at most ${MAX_WINDOWS} windows over the range (a longer window or a shorter range)`,
        n,
      );
    }
  }
}

async function buildJoined(duck: DuckEngine, spec: PerformanceSpec): Promise<void> {
  if (spec.labelFiles.length === 0) {
    await duck.run(
      'CREATE TEMP TABLE joined (_rid BIGINT, bucket BIGINT, s DOUBLE, label_num DOUBLE, label_text VARCHAR)',
    );
    return;
  }
  await duck.run(`CREATE TEMP TABLE latest AS SELECT * FROM ${latestLabelsSql(spec.labelFiles)}`);
  const match = (keyColumn: string, logKey: string) =>
    'SELECT l._rid, l.bucket, l.s, f.label_num, f.label_text, f.received_at AS f_at, f.batch ' +
    `FROM logrows l JOIN latest f ON f.key_column = ${quoteLiteral(keyColumn)} AND f."key" = ${logKey} ` +
    'AND (f."row" IS NULL OR f."row" = l."row")';
  const parts = [match('request_id', 'l.request_id'), ...spec.keyColumns.map((k, i) => match(k, `l._k${i}`))];
  await duck.run(
    `CREATE TEMP TABLE joined AS SELECT _rid, bucket, s, label_num, label_text FROM (${parts.join(' UNION ALL ')}) ` +
      'QUALIFY row_number() OVER (PARTITION BY _rid ORDER BY f_at DESC, batch DESC) = 1',
  );
}

/**
 * The task: as asked; classification when a positive label or a threshold is given, or when every
 * label is 0/1 (or true/false, or there is none); regression when every label is a number.
 */
async function chooseTask(duck: DuckEngine, spec: PerformanceSpec): Promise<PerformanceTask> {
  if (spec.task) return spec.task;
  if (spec.positiveLabel !== null || spec.threshold !== null) return 'classification';
  const r = await duck.query(
    'SELECT count(*) AS n, count(*) FILTER (WHERE label_num IN (0, 1)) AS binary, ' +
      'count(*) FILTER (WHERE label_num IS NOT NULL) AS numeric FROM joined',
  );
  const row = r.rows[0] ?? {};
  const n = Number(row.n ?? 0);
  if (n === 0 || Number(row.binary) === n) return 'classification';
  if (Number(row.numeric) === n) return 'regression';
  const ex = await duck.query(
    'SELECT DISTINCT label_text FROM joined WHERE label_num IS NULL ORDER BY label_text LIMIT 5',
  );
  const examples = ex.rows.map((x) => JSON.stringify(String(x.label_text)));
  throw new KilnError(
    'INVALID_ARGUMENT',
    `labels: expected 0/1 or true/false (classification) or numbers (regression), got ${examples.join(', ')}; ` +
      'name the positive class with positive_label (--positive-label) to score text labels',
    { field: 'positive_label', examples },
  );
}

/** The label as the task uses it (null: unusable). */
function labelExpr(task: PerformanceTask, positiveLabel: string | null): string {
  if (task === 'regression') return 'label_num';
  if (positiveLabel === null) return 'CASE WHEN label_num IN (0, 1) THEN CAST(label_num AS INTEGER) END';
  const asNumber = Number(positiveLabel);
  const numeric =
    positiveLabel.trim() !== '' && Number.isFinite(asNumber) ? ` OR label_num = ${sqlNumber(asNumber)}` : '';
  return `CASE WHEN label_text = ${quoteLiteral(positiveLabel)}${numeric} THEN 1 ELSE 0 END`;
}

/** The windows (by bucket) or the one overall window (group null), in time order. */
async function assemble(
  duck: DuckEngine,
  spec: PerformanceSpec,
  task: PerformanceTask,
  threshold: number | null,
  group: 'bucket' | null,
): Promise<PerformanceWindow[]> {
  const g = group ?? 'CAST(0 AS BIGINT)';
  const log = await duck.query(
    `SELECT ${g} AS g, count(*) AS n, epoch_ms(min(received_at)) AS first, epoch_ms(max(received_at)) AS last ` +
      'FROM logrows GROUP BY ALL ORDER BY g',
  );
  const counts = byGroup(
    await duck.query(
      `SELECT ${g} AS g, count(*) AS labelled, count(*) FILTER (WHERE NOT has_score) AS no_score, ` +
        'count(*) FILTER (WHERE has_score AND y IS NULL) AS unusable FROM scored GROUP BY ALL',
    ),
  );
  const usable = `SELECT ${g} AS g, s, y FROM scored WHERE has_score AND y IS NOT NULL`;
  const t = sqlNumber(threshold ?? DEFAULT_THRESHOLD);
  const stats = byGroup(
    await duck.query(
      task === 'classification'
        ? `WITH u AS (${usable}), r AS (SELECT g, s, y, rank() OVER (PARTITION BY g ORDER BY s) + ` +
            '(count(*) OVER (PARTITION BY g, s) - 1) / 2.0 AS rk FROM u) ' +
            `SELECT g, count(*) AS n, count(*) FILTER (WHERE y = 1 AND s >= ${t}) AS tp, ` +
            `count(*) FILTER (WHERE y = 0 AND s >= ${t}) AS fp, ` +
            `count(*) FILTER (WHERE y = 0 AND s < ${t}) AS tn, ` +
            `count(*) FILTER (WHERE y = 1 AND s < ${t}) AS fn, ` +
            'coalesce(sum(rk) FILTER (WHERE y = 1), 0) AS rank_pos FROM r GROUP BY g'
        : `WITH u AS (${usable}) SELECT g, count(*) AS n, sum(abs(s - y)) AS sae, sum((s - y) * (s - y)) AS sse, ` +
            'sum(s - y) AS se FROM u GROUP BY g',
    ),
  );
  return log.rows.map((row) => {
    const key = String(row.g);
    const c = counts.get(key);
    const st = stats.get(key);
    const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    const bounds = windowBounds(spec, group === null ? null : Number(row.g), num(row.first), num(row.last));
    const base = {
      ...bounds,
      rows: num(row.n),
      labelled: num(c?.labelled),
      count: num(st?.n),
      skipped: { no_score: num(c?.no_score), unusable_label: num(c?.unusable) },
    };
    if (task === 'regression') {
      const m = regressionMetrics({
        count: num(st?.n),
        sumAbsError: num(st?.sae),
        sumSqError: num(st?.sse),
        sumError: num(st?.se),
      });
      return { ...base, metrics: m.metrics, undefined: m.undefined };
    }
    const confusion = { tp: num(st?.tp), fp: num(st?.fp), tn: num(st?.tn), fn: num(st?.fn) };
    const m = classificationMetrics({ count: num(st?.n), ...confusion, rankSumPositive: num(st?.rank_pos) });
    return { ...base, metrics: m.metrics, confusion, undefined: m.undefined };
  });
}

function byGroup(r: { rows: readonly Record<string, unknown>[] }): Map<string, Record<string, unknown>> {
  return new Map(r.rows.map((row) => [String(row.g), row]));
}

function windowBounds(
  spec: PerformanceSpec,
  bucket: number | null,
  firstMs: number,
  lastMs: number,
): { start: string; end: string } {
  if (bucket !== null && spec.windowMs !== null) {
    const start = spec.originMs + bucket * spec.windowMs;
    return { start: new Date(start).toISOString(), end: new Date(start + spec.windowMs).toISOString() };
  }
  return {
    start: (spec.from ?? new Date(firstMs)).toISOString(),
    end: (spec.to ?? new Date(lastMs)).toISOString(),
  };
}

/** The window of a range without log rows. */
export function emptyWindow(
  spec: Pick<PerformanceSpec, 'from' | 'to'>,
  task: PerformanceTask,
): PerformanceWindow {
  const m =
    task === 'regression'
      ? regressionMetrics({ count: 0, sumAbsError: 0, sumSqError: 0, sumError: 0 })
      : classificationMetrics({ count: 0, tp: 0, fp: 0, tn: 0, fn: 0, rankSumPositive: 0 });
  return {
    start: spec.from?.toISOString() ?? null,
    end: spec.to?.toISOString() ?? null,
    rows: 0,
    labelled: 0,
    count: 0,
    skipped: { no_score: 0, unusable_label: 0 },
    metrics: m.metrics,
    ...(task === 'classification' ? { confusion: { tp: 0, fp: 0, tn: 0, fn: 0 } } : {}),
    undefined: m.undefined,
  };
}

/** A finite number as a DuckDB DOUBLE literal. */
function sqlNumber(x: number): string {
  if (!Number.isFinite(x)) throw invalid('threshold', 'a finite number', x);
  return `CAST(${String(x)} AS DOUBLE)`;
}
