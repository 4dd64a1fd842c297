/**
 * @module monitor/monitors/alert-rules
 * Evaluates a monitor's alert rules on a run's drift report. A fixed threshold compares a value
 * with a number. The sigma rule (NannyML's) compares a column's statistic with mean ± k·σ of the
 * same statistic computed on chunks of the reference itself (the baseline): what "no drift"
 * looks like for this data. A rule whose value is missing (a column without a verdict) never fires.
 */
import type { DriftReport } from '../reports/drift-report-types.js';
import type { AlertRule } from './monitor-config.js';

/** Per column: mean and standard deviation of the deciding statistic over reference chunks. */
export type Baseline = Readonly<
  Record<string, { readonly mean: number; readonly std: number; readonly chunks: number }>
>;

export interface Alert {
  readonly rule: string;
  readonly metric: string;
  /** `dataset` or the column. */
  readonly entity: string;
  readonly value: number;
  /** The bound crossed: `[lower, upper]` for sigma rules, the threshold for fixed ones. */
  readonly bound: number | readonly [number, number];
  readonly message: string;
}

export function describeRule(rule: AlertRule): string {
  if (rule.kind === 'sigma') return `sigma${rule.column ? `:${rule.column}` : ''}:${rule.sigmas}`;
  const metric =
    rule.metric === 'share_of_drifted_columns' ? 'drift_share' : `statistic:${rule.column ?? '*'}`;
  return `${metric}${rule.op === 'gt' ? '>' : '<'}${rule.value}`;
}

export function evaluateAlerts(
  monitor: string,
  rules: readonly AlertRule[],
  report: Pick<DriftReport, 'share_of_drifted_columns' | 'columns' | 'number_of_columns'>,
  baseline: Baseline | null,
): Alert[] {
  const alerts: Alert[] = [];
  for (const rule of rules) {
    const name = describeRule(rule);
    if (rule.kind === 'threshold' && rule.metric === 'share_of_drifted_columns') {
      if (report.number_of_columns === 0) continue;
      const v = report.share_of_drifted_columns;
      if (crosses(v, rule.op, rule.value)) {
        alerts.push({
          rule: name,
          metric: 'share_of_drifted_columns',
          entity: 'dataset',
          value: v,
          bound: rule.value,
          message: `${monitor}: ${(v * 100).toFixed(1)} % of columns drifted (${rule.op === 'gt' ? '>' : '<'} ${rule.value * 100} %)`,
        });
      }
      continue;
    }
    const columns = report.columns.filter(
      (c) => (rule.column === undefined || c.column === rule.column) && c.statistic !== null,
    );
    for (const c of columns) {
      const v = c.statistic as number;
      if (rule.kind === 'threshold') {
        if (!crosses(v, rule.op, rule.value)) continue;
        alerts.push({
          rule: name,
          metric: `drift_statistic:${c.test}`,
          entity: c.column,
          value: v,
          bound: rule.value,
          message: `${monitor}: ${c.column} ${c.test} = ${fmt(v)} (${rule.op === 'gt' ? '>' : '<'} ${rule.value})`,
        });
        continue;
      }
      const b = baseline?.[c.column];
      if (!b || b.chunks < 2) continue;
      const lower = b.mean - rule.sigmas * b.std;
      const upper = b.mean + rule.sigmas * b.std;
      if (v >= lower && v <= upper) continue;
      alerts.push({
        rule: name,
        metric: `drift_statistic:${c.test}`,
        entity: c.column,
        value: v,
        bound: [lower, upper],
        message: `${monitor}: ${c.column} ${c.test} = ${fmt(v)}, outside mean ± ${rule.sigmas}σ of the reference chunks [${fmt(lower)}, ${fmt(upper)}]`,
      });
    }
  }
  return alerts;
}

function crosses(v: number, op: 'gt' | 'lt', bound: number): boolean {
  return op === 'gt' ? v > bound : v < bound;
}

function fmt(v: number): string {
  return Math.abs(v) >= 0.001 || v === 0 ? v.toFixed(4) : v.toExponential(3);
}

/** Mean and population σ of per-chunk statistics, column by column. */
export function baselineOf(chunks: readonly Readonly<Record<string, number | null>>[]): Baseline {
  const values = new Map<string, number[]>();
  for (const chunk of chunks) {
    for (const [col, v] of Object.entries(chunk)) {
      if (v === null || !Number.isFinite(v)) continue;
      const list = values.get(col) ?? [];
      list.push(v);
      values.set(col, list);
    }
  }
  const out: Record<string, { mean: number; std: number; chunks: number }> = {};
  for (const [col, list] of values) {
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    const variance = list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length;
    out[col] = { mean, std: Math.sqrt(variance), chunks: list.length };
  }
  return out;
}
