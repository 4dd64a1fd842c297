/**
 * @module monitor/monitors/monitor-config
 * A monitor's configuration: which deployment, the reference (a dataset version, or the training
 * dataset found through the served model version's lineage), the window of logged requests to
 * compare, the schedule, the columns, tests and thresholds, and the alert rules and actions.
 * Parsed and checked once; errors name the field.
 */
import { CronExpressionParser } from 'cron-parser';
import { invalid } from '../../core/errors.js';
import { retentionMs } from '../../deploy/deployment-settings.js';
import { parseDatasetRef } from '../../ingest/datasets/dataset-ref.js';
import { DRIFT_TEST_NAMES, type DriftTestName } from '../drift/drift-tests.js';

/** What an alert rule watches: the dataset's drift share, or one column's deciding statistic. */
export type AlertMetric = 'share_of_drifted_columns' | 'drift_statistic';

export type AlertRule =
  | {
      readonly kind: 'threshold';
      readonly metric: AlertMetric;
      readonly column?: string;
      /** Fires when the value is above (`gt`) or below (`lt`) `value`. */
      readonly op: 'gt' | 'lt';
      readonly value: number;
    }
  | {
      /** NannyML's rule: outside mean ± `sigmas`·σ of the statistic over reference chunks. */
      readonly kind: 'sigma';
      readonly metric: 'drift_statistic';
      readonly column?: string;
      readonly sigmas: number;
    };

export type AlertActionName = 'log' | 'webhook';

export interface MonitorConfig {
  /** `name@N`, or null: the training dataset of the served model version (its lineage). */
  readonly reference: string | null;
  /** The window of logged requests each run compares, e.g. `1h`. */
  readonly window: string;
  readonly windowMs: number;
  /** Cron (UTC) on the job queue; null: run only on demand. */
  readonly schedule: string | null;
  /** Columns to compare; null: the feature schema's (else every column both sides share). */
  readonly columns: readonly string[] | null;
  readonly tests: Readonly<Record<string, DriftTestName>>;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly driftShare: number;
  readonly alerts: readonly AlertRule[];
  readonly actions: readonly AlertActionName[];
}

export interface MonitorConfigInput {
  readonly reference?: string | null | undefined;
  readonly window?: string | undefined;
  readonly schedule?: string | null | undefined;
  readonly columns?: readonly string[] | null | undefined;
  readonly tests?: Readonly<Record<string, string>> | undefined;
  readonly thresholds?: Readonly<Record<string, number>> | undefined;
  readonly driftShare?: number | undefined;
  readonly alerts?: readonly unknown[] | undefined;
  readonly actions?: readonly string[] | undefined;
}

export const DEFAULT_ALERT: AlertRule = Object.freeze({
  kind: 'threshold',
  metric: 'share_of_drifted_columns',
  op: 'gt',
  value: 0.5,
}) as AlertRule;

export function resolveMonitorConfig(input: MonitorConfigInput, base?: MonitorConfig): MonitorConfig {
  const reference = input.reference === undefined ? (base?.reference ?? null) : input.reference;
  if (reference !== null) parseDatasetRef(reference, 'reference');
  const window = input.window ?? base?.window ?? '1h';
  const windowMs = retentionMsAs(window, 'window');
  const schedule = input.schedule === undefined ? (base?.schedule ?? null) : input.schedule;
  if (schedule !== null) {
    try {
      CronExpressionParser.parse(schedule, { tz: 'UTC' });
      if (schedule.trim().split(/\s+/).length !== 5) throw new Error('five fields');
    } catch {
      throw invalid('schedule', 'a five-field cron expression (UTC), e.g. "*/5 * * * *"', schedule);
    }
  }
  const columns = input.columns === undefined ? (base?.columns ?? null) : input.columns;
  if (
    columns !== null &&
    (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string' || c === ''))
  ) {
    throw invalid('columns', 'a list of column names', columns);
  }
  const tests: Record<string, DriftTestName> = { ...(base?.tests ?? {}) };
  for (const [col, test] of Object.entries(input.tests ?? {})) {
    if (!(DRIFT_TEST_NAMES as readonly string[]).includes(test)) {
      throw invalid(`tests.${col}`, `one of ${DRIFT_TEST_NAMES.join(', ')}`, test);
    }
    tests[col] = test as DriftTestName;
  }
  const thresholds: Record<string, number> = { ...(base?.thresholds ?? {}) };
  for (const [col, v] of Object.entries(input.thresholds ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw invalid(`thresholds.${col}`, 'a number ≥ 0', v);
    thresholds[col] = v;
  }
  const driftShare = input.driftShare ?? base?.driftShare ?? 0.5;
  if (typeof driftShare !== 'number' || !(driftShare > 0 && driftShare <= 1)) {
    throw invalid('drift_share', 'a number in (0, 1]', driftShare);
  }
  const alerts =
    input.alerts === undefined ? (base?.alerts ?? [DEFAULT_ALERT]) : input.alerts.map(parseAlertRule);
  const actions = (input.actions ?? base?.actions ?? ['log']).map((a, i) => {
    if (a !== 'log' && a !== 'webhook') throw invalid(`actions[${i}]`, 'log or webhook', a);
    return a as AlertActionName;
  });
  return Object.freeze({
    reference,
    window,
    windowMs,
    schedule,
    columns: columns === null ? null : [...columns],
    tests,
    thresholds,
    driftShare,
    alerts,
    actions,
  });
}

/**
 * An alert rule from its text form (`drift_share>0.3`, `psi:amount>0.2`, `statistic:amount>0.1`,
 * `sigma:amount`, `sigma:amount:4`) or its JSON form.
 */
export function parseAlertRule(raw: unknown, index = 0): AlertRule {
  const field = `alerts[${index}]`;
  if (typeof raw === 'string') {
    const sigma = /^sigma(?::([^:]+))?(?::(\d+(?:\.\d+)?))?$/.exec(raw);
    if (sigma) {
      return {
        kind: 'sigma',
        metric: 'drift_statistic',
        ...(sigma[1] ? { column: sigma[1] } : {}),
        sigmas: Number(sigma[2] ?? 3),
      };
    }
    const m = /^(drift_share|statistic(?::([^<>]+))?)\s*([<>])\s*(-?\d+(?:\.\d+)?)$/.exec(raw);
    if (!m) {
      throw invalid(
        field,
        'drift_share>0.5, statistic:<column>>0.1, statistic:<column><0.05 or sigma[:<column>[:k]]',
        raw,
      );
    }
    const metric: AlertMetric = m[1] === 'drift_share' ? 'share_of_drifted_columns' : 'drift_statistic';
    return {
      kind: 'threshold',
      metric,
      ...(m[2] ? { column: m[2] } : {}),
      op: m[3] === '>' ? 'gt' : 'lt',
      value: Number(m[4]),
    };
  }
  if (typeof raw !== 'object' || raw === null) throw invalid(field, 'a rule object or text', raw);
  const r = raw as Record<string, unknown>;
  if (r.kind === 'sigma') {
    const sigmas = r.sigmas ?? 3;
    if (typeof sigmas !== 'number' || !(sigmas > 0)) throw invalid(`${field}.sigmas`, 'a number > 0', sigmas);
    return {
      kind: 'sigma',
      metric: 'drift_statistic',
      ...(typeof r.column === 'string' ? { column: r.column } : {}),
      sigmas,
    };
  }
  if (r.kind !== 'threshold') throw invalid(`${field}.kind`, 'threshold or sigma', r.kind);
  if (r.metric !== 'share_of_drifted_columns' && r.metric !== 'drift_statistic') {
    throw invalid(`${field}.metric`, 'share_of_drifted_columns or drift_statistic', r.metric);
  }
  if (r.op !== 'gt' && r.op !== 'lt') throw invalid(`${field}.op`, 'gt or lt', r.op);
  if (typeof r.value !== 'number' || !Number.isFinite(r.value))
    throw invalid(`${field}.value`, 'a number', r.value);
  return {
    kind: 'threshold',
    metric: r.metric,
    ...(typeof r.column === 'string' ? { column: r.column } : {}),
    op: r.op,
    value: r.value,
  };
}

function retentionMsAs(text: string, field: string): number {
  let ms: number;
  try {
    ms = retentionMs(text);
  } catch {
    throw invalid(field, 'a duration like 1h, 30m, 1d or 1w', text);
  }
  if (ms <= 0) throw invalid(field, 'a duration greater than 0', text);
  return ms;
}
