import { describe, expect, it } from 'vitest';
import { baselineOf, evaluateAlerts } from './alert-rules.js';
import { parseAlertRule, resolveMonitorConfig } from './monitor-config.js';

const column = (name: string, statistic: number | null) =>
  ({ column: name, test: 'wasserstein', statistic, drifted: false }) as never;

describe('alert rules', () => {
  const report = {
    share_of_drifted_columns: 0.6,
    number_of_columns: 5,
    columns: [column('a', 0.3), column('b', null)],
  };

  it('fires fixed thresholds on the drift share and on a column statistic, never on a missing value', () => {
    const rules = ['drift_share>0.5', 'statistic:a>0.2', 'statistic:b>0.2', 'statistic:a<0.1'].map((r) =>
      parseAlertRule(r),
    );
    const alerts = evaluateAlerts('m', rules, report, null);
    expect(alerts.map((a) => [a.rule, a.entity, a.value])).toEqual([
      ['drift_share>0.5', 'dataset', 0.6],
      ['statistic:a>0.2', 'a', 0.3],
    ]);
  });

  it("fires the sigma rule outside mean ± kσ of the reference chunks' statistics", () => {
    const baseline = baselineOf([{ a: 0.1 }, { a: 0.12 }, { a: 0.08 }, { a: 0.1 }]);
    expect(baseline.a?.mean).toBeCloseTo(0.1);
    expect(baseline.a?.std).toBeCloseTo(Math.sqrt(0.0008 / 4), 6);
    const [alert] = evaluateAlerts('m', [parseAlertRule('sigma:a')], report, baseline);
    expect(alert?.bound).toEqual([
      expect.closeTo(0.1 - 3 * baseline.a!.std),
      expect.closeTo(0.1 + 3 * baseline.a!.std),
    ]);
    const calm = { ...report, columns: [column('a', 0.105)] };
    expect(evaluateAlerts('m', [parseAlertRule('sigma:a')], calm, baseline)).toEqual([]);
    expect(evaluateAlerts('m', [parseAlertRule('sigma:a')], report, null)).toEqual([]);
  });

  it('parses rules and configurations strictly', () => {
    expect(parseAlertRule('sigma:amount:4')).toEqual({
      kind: 'sigma',
      metric: 'drift_statistic',
      column: 'amount',
      sigmas: 4,
    });
    expect(() => parseAlertRule('drift_share>>1')).toThrow(/alerts\[0\]/);
    expect(() => parseAlertRule({ kind: 'threshold', metric: 'x', op: 'gt', value: 1 })).toThrow(/metric/);
    expect(resolveMonitorConfig({ window: '15m' })).toMatchObject({
      windowMs: 900_000,
      driftShare: 0.5,
      actions: ['log'],
    });
    expect(() => resolveMonitorConfig({ driftShare: 0 })).toThrow(/drift_share/);
    expect(() => resolveMonitorConfig({ tests: { a: 'magic' } })).toThrow(/tests\.a/);
    expect(() => resolveMonitorConfig({ actions: ['email'] })).toThrow(/actions\[0\]/);
  });
});
