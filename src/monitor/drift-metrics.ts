/**
 * @module monitor/drift-metrics
 * The Prometheus gauges drift monitors export, created on a given prom-client registry so the
 * monitors, the Grafana dashboard (deploy/grafana/kiln-dashboard.json) and its test agree on the
 * names and labels:
 * - `kiln_drift_statistic{monitor,column,test}`: the deciding test's score of the last run (its
 *   p-value or its distance);
 * - `kiln_drift_detected{monitor,column}`: 1 when the column drifted in the last run, else 0;
 * - `kiln_dataset_drift_share{monitor}`: share of the compared columns that drifted.
 * Columns without a verdict (insufficient data) get no statistic and `detected` 0.
 */
import { Gauge, type Registry } from 'prom-client';
import type { DriftReport } from './reports/drift-report-types.js';

export const DRIFT_METRIC_NAMES = {
  statistic: 'kiln_drift_statistic',
  detected: 'kiln_drift_detected',
  datasetShare: 'kiln_dataset_drift_share',
} as const;

type StatisticLabels = { monitor: string; column: string; test: string };

/** The drift gauges on one registry, and what each monitor last set (to clear it on the next run). */
export class DriftMetrics {
  readonly statistic: Gauge<'monitor' | 'column' | 'test'>;
  readonly detected: Gauge<'monitor' | 'column'>;
  readonly datasetShare: Gauge<'monitor'>;
  readonly #last = new Map<string, { statistic: StatisticLabels[]; columns: string[] }>();

  /** Creates the gauges on `registry` (once per registry: prom-client refuses duplicate names). */
  constructor(registry: Registry) {
    this.statistic = new Gauge({
      name: DRIFT_METRIC_NAMES.statistic,
      help: "Drift score of the column's deciding test in the last monitor run (p-value or distance)",
      labelNames: ['monitor', 'column', 'test'],
      registers: [registry],
    });
    this.detected = new Gauge({
      name: DRIFT_METRIC_NAMES.detected,
      help: 'Whether the column drifted in the last monitor run (1) or not (0)',
      labelNames: ['monitor', 'column'],
      registers: [registry],
    });
    this.datasetShare = new Gauge({
      name: DRIFT_METRIC_NAMES.datasetShare,
      help: 'Share of compared columns that drifted in the last monitor run',
      labelNames: ['monitor'],
      registers: [registry],
    });
  }

  /**
   * Sets the gauges from a monitor run's report. The series the monitor's previous run set are
   * removed first, so a column whose test changed, or that left the comparison, keeps no stale value.
   */
  record(monitor: string, report: Pick<DriftReport, 'columns' | 'share_of_drifted_columns'>): void {
    const last = this.#last.get(monitor);
    if (last) {
      for (const labels of last.statistic) this.statistic.remove(labels);
      for (const column of last.columns) this.detected.remove({ monitor, column });
    }
    const now = { statistic: [] as StatisticLabels[], columns: [] as string[] };
    for (const c of report.columns) {
      this.detected.set({ monitor, column: c.column }, c.status === 'ok' && c.drifted ? 1 : 0);
      now.columns.push(c.column);
      if (c.status === 'ok' && c.statistic !== null) {
        const labels = { monitor, column: c.column, test: c.test };
        this.statistic.set(labels, c.statistic);
        now.statistic.push(labels);
      }
    }
    this.datasetShare.set({ monitor }, report.share_of_drifted_columns);
    this.#last.set(monitor, now);
  }
}
