/**
 * Monitors on a real serving stack (in process): the fraud example's pipeline makes the training
 * dataset, the model is registered with it as lineage and served with logging on, requests are
 * answered and logged, and a monitor compares the logged window with the reference — first data
 * like the training data, then shifted data, which raises an alert, a webhook delivery, gauges
 * and a metric history.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServing, type Serving } from '../../server/serving.js';
import { createTestKiln, type TestKiln } from '../../server/test-support/test-kiln.js';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { readInferenceLog } from '../inference-log/inference-log-reader.js';
import { deployFraudExample, FRAUD_DIR, fraudFeatureNames } from './test-support/fraud-deployment.js';

const alice = { name: 'alice', role: 'admin' as const };

function sampleRows(): number[][] {
  const [header, ...lines] = readFileSync(join(FRAUD_DIR, 'sample.csv'), 'utf8').trim().split('\n');
  const names = header!.split(',');
  const features = JSON.parse(readFileSync(join(FRAUD_DIR, 'features.json'), 'utf8')).columns as {
    name: string;
  }[];
  return lines.map((line) => {
    const v = line.split(',');
    return features.map((f) => Number(v[names.indexOf(f.name)]));
  });
}

describe('MonitorService', () => {
  let t: TestKiln;
  let serving: Serving;
  const rows = sampleRows();
  let calmAt = 0;
  let splitAt = 0;
  let doneAt = 0;

  async function send(batch: number[][]): Promise<void> {
    for (let i = 0; i < batch.length; i += 20) {
      const part = batch.slice(i, i + 20);
      await serving.dataPlane.infer('fraud', undefined, {
        parameters: {},
        inputs: [
          {
            name: 'features',
            datatype: 'FP32',
            shape: [part.length, part[0]!.length],
            data: new Float32Array(part.flat()),
          },
        ],
        inputParameters: new Map(),
        binaryOutput: false,
      });
    }
  }

  /** Waits until `count` rows are in the log's Parquet segments. */
  async function flushed(count: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const log = await readInferenceLog(t.dir, { deployment: 'fraud' });
      if (log.relation) {
        const duck = await DuckEngine.open();
        try {
          const n = Number((await duck.query(`SELECT count(*) AS n FROM ${log.relation}`)).rows[0]?.n);
          if (n >= count) return;
        } finally {
          duck.close();
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the inference log was not flushed');
  }

  beforeAll(async () => {
    t = await createTestKiln({
      // Exact up to 250 rows a side: the calm run (120 vs 200) is exact, the drifted one (320) uses sketches.
      env: { KILN_NETWORK_ALLOW: 'http://127.0.0.1:*', KILN_DRIFT_EXACT_MAX_ROWS: '250' },
    });
    await deployFraudExample(t, alice);
    await t.kiln.webhooks.create(alice, { url: 'http://127.0.0.1:9/hook', events: ['monitor.alert'] });
    serving = createServing(t.kiln, {
      pollMs: 20,
      defaultMetrics: false,
      inferenceLog: { flushIntervalMs: 20 },
    });
    await serving.start();
  });
  afterAll(async () => {
    await serving?.close();
    await t?.close();
  });

  it('refuses bad configurations, naming the field', async () => {
    await expect(t.kiln.monitors.create(alice, 'm', 'nope', {})).rejects.toMatchObject({
      code: 'DEPLOYMENT_NOT_FOUND',
    });
    await expect(t.kiln.monitors.create(alice, 'm', 'fraud', { window: 'soon' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('window'),
    });
    await expect(
      t.kiln.monitors.create(alice, 'm', 'fraud', { schedule: 'every minute' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      t.kiln.monitors.create(alice, 'm', 'fraud', { reference: 'missing@1' }),
    ).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
    });
    await expect(t.kiln.monitors.create(alice, 'm', 'fraud', { alerts: ['whenever'] })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
      },
    );
  });

  it('reports an empty window as such, with no verdict', async () => {
    const m = await t.kiln.monitors.create(alice, 'fraud-drift', 'fraud', {
      window: '1h',
      schedule: '*/5 * * * *',
      alerts: ['drift_share>0.5', 'sigma:amount'],
      actions: ['log', 'webhook'],
    });
    expect(m.config.reference).toBeNull();
    expect((await t.kiln.jobs.listSchedules()).map((s) => s.name)).toContain('monitor.fraud-drift');
    const run = await t.kiln.monitors.run(alice, 'fraud-drift');
    expect(run).toMatchObject({ status: 'EMPTY_WINDOW', rows: 0, report: null, alerts: [] });
  });

  it('finds no drift on data like the training data, then drift and an alert on shifted data', async () => {
    calmAt = Date.now();
    await send(rows.slice(0, 120));
    await flushed(120);
    splitAt = Date.now();
    const calm = await t.kiln.monitors.run(alice, 'fraud-drift');
    expect(calm.reference).toBe('fraud_transactions@1');
    expect(calm.rows).toBe(120);
    expect(calm.report?.columns.map((c) => c.column)).toContain('amount');
    expect(calm.status).toBe('OK');
    expect(calm.report?.mode).toBe('exact');
    expect(calm.alerts.filter((a) => a.rule.startsWith('drift_share'))).toEqual([]);

    const shifted = rows.slice(0, 200).map((r) => r.map((v, i) => (i < 8 ? v * 5 + 50 : v)));
    await send(shifted);
    await flushed(320);
    doneAt = Date.now();
    const drift = await t.kiln.monitors.run(alice, 'fraud-drift');
    expect(drift.status).toBe('DRIFT');
    expect(drift.report?.mode).toBe('sketch');
    expect(drift.report?.dataset_drift).toBe(true);
    expect(drift.alerts.map((a) => a.rule)).toContain('drift_share>0.5');
    expect(drift.alerts.some((a) => a.rule === 'sigma:amount:3' && a.entity === 'amount')).toBe(true);
    const deliveries = await t.kiln.jobs.list({ type: 'webhook.deliver' });
    expect(deliveries.length).toBeGreaterThan(0);

    const history = await t.kiln.monitors.history('fraud-drift', { metric: 'share_of_drifted_columns' });
    expect(history.map((p) => p.value! >= 0.5)).toEqual([false, true]);
    const exposition = await serving.metrics.registry.metrics();
    expect(exposition).toMatch(
      /kiln_dataset_drift_share\{monitor="fraud-drift"\} 1|kiln_dataset_drift_share\{monitor="fraud-drift"\} 0\.\d+/,
    );
    expect(exposition).toContain('kiln_drift_detected{monitor="fraud-drift",column="amount"} 1');
    const runs = await t.kiln.monitors.runs('fraud-drift');
    expect(runs.map((r) => r.status)).toEqual(['DRIFT', 'OK', 'EMPTY_WINDOW']);
    const actions = (await t.kiln.audit.list()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['monitor.create', 'monitor.run']));
  });

  it('compares with the previous window of the log, outputs included (prediction drift)', async () => {
    const windowSeconds = Math.ceil(Math.max(doneAt - splitAt, splitAt - calmAt) / 1000) + 1;
    await t.kiln.monitors.create(alice, 'fraud-prev', 'fraud', {
      reference: 'previous-window',
      window: `${windowSeconds}s`,
    });
    // current = [splitAt, splitAt + W): the shifted requests; reference = [splitAt − W, splitAt): the calm ones.
    const run = await t.kiln.monitors.run(alice, 'fraud-prev', {
      now: new Date(splitAt + windowSeconds * 1000),
    });
    expect(run.error).toBeUndefined();
    expect(run.rows).toBe(200);
    expect(run.status).toBe('DRIFT');
    const features = new Set(fraudFeatureNames());
    const outputs = run.report!.columns.filter((c) => !features.has(c.column));
    expect(outputs.length).toBeGreaterThan(0);
    const empty = await t.kiln.monitors.run(alice, 'fraud-prev', { now: new Date(doneAt + 3_600_000) });
    expect(empty).toMatchObject({ status: 'EMPTY_WINDOW', rows: 0 });
  });

  it('deletes a monitor and its schedule', async () => {
    await t.kiln.monitors.delete(alice, 'fraud-drift');
    await expect(t.kiln.monitors.get('fraud-drift')).rejects.toMatchObject({ code: 'MONITOR_NOT_FOUND' });
    expect((await t.kiln.jobs.listSchedules()).map((s) => s.name)).not.toContain('monitor.fraud-drift');
  });
});
