import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DRIFT_METRIC_NAMES, DriftMetrics } from './drift-metrics.js';
import type { DriftReport } from './drift-compare.js';

type Col = DriftReport['columns'][number];
const col = (column: string, test: string, statistic: number | null, drifted: boolean): Col =>
  ({ column, test, statistic, drifted, status: statistic === null ? 'insufficient_data' : 'ok' }) as Col;

describe('DriftMetrics', () => {
  it('exports the gauges by name and labels, replacing the previous run of a monitor', async () => {
    const registry = new Registry();
    const m = new DriftMetrics(registry);
    m.record('fraud', {
      columns: [col('amount', 'wasserstein', 0.4, true), col('age', 'ks', 0.3, false)],
      share_of_drifted_columns: 0.5,
    });
    m.record('fraud', {
      columns: [col('amount', 'psi', 0.05, false), col('empty', 'ks', null, false)],
      share_of_drifted_columns: 0,
    });
    const text = await registry.metrics();
    expect(text).toContain('kiln_drift_statistic{monitor="fraud",column="amount",test="psi"} 0.05');
    expect(text).not.toContain('test="wasserstein"');
    expect(text).not.toContain('column="age"');
    expect(text).toContain('kiln_drift_detected{monitor="fraud",column="empty"} 0');
    expect(text).toContain('kiln_dataset_drift_share{monitor="fraud"} 0');
    const names = (await registry.getMetricsAsJSON()).map((x) => x.name).sort();
    expect(names).toEqual(Object.values(DRIFT_METRIC_NAMES).sort());
  });
});
