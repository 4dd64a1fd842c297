/**
 * deploy/grafana/kiln-dashboard.json queries only metrics Kiln exports: every PromQL `expr` is
 * parsed for metric names (histogram `_bucket/_sum/_count` series mapped to their histogram), and
 * each must be registered by ServingMetrics or by the drift gauges (DriftMetrics).
 * Excluded, and only this: `kiln_inference_log_dropped_total`, registered by the inference-log sink
 * (src/monitor/inference-log/), which needs a writer and deployment settings to construct.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ServingMetrics } from '../serve/serving-metrics.js';
import { DRIFT_METRIC_NAMES, DriftMetrics } from './drift-metrics.js';

const EXPORTED_ELSEWHERE = new Set(['kiln_inference_log_dropped_total']);

const file = fileURLToPath(new URL('../../deploy/grafana/kiln-dashboard.json', import.meta.url));
const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
  uid: string;
  title: string;
  panels: {
    id: number;
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string }[];
  }[];
  templating: { list: { name: string }[] };
};

function exprs(): string[] {
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/** Metric names a PromQL expression reads: identifiers before a `{` selector, and every kiln_* name. */
function metricNames(expr: string): string[] {
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = new Set<string>();
  for (const m of noStrings.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*\{/g)) names.add(m[1]);
  for (const m of noStrings.matchAll(/\bkiln_[A-Za-z0-9_:]*/g)) names.add(m[0]);
  return [...names];
}

async function exported(): Promise<Map<string, string>> {
  const serving = new ServingMetrics({ defaultMetrics: false });
  const driftRegistry = new Registry();
  new DriftMetrics(driftRegistry);
  const out = new Map<string, string>();
  for (const registry of [serving.registry, driftRegistry]) {
    for (const m of await registry.getMetricsAsJSON()) out.set(m.name, String(m.type));
  }
  return out;
}

function baseName(name: string, types: Map<string, string>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.get(base) === 'histogram' || types.get(base) === 'summary') return base;
    }
  }
  return name;
}

describe('Grafana dashboard', () => {
  it('parses metric names out of PromQL', () => {
    expect(
      metricNames('histogram_quantile(0.99, sum by (le) (rate(kiln_x_bucket{a=~"b{c}"}[5m]))) / up{job="k"}'),
    ).toEqual(['kiln_x_bucket', 'up']);
  });

  it('queries only metrics that Kiln exports', async () => {
    const types = await exported();
    const used = new Set(exprs().flatMap((e) => metricNames(e).map((n) => baseName(n, types))));
    const missing = [...used].filter((n) => !types.has(n) && !EXPORTED_ELSEWHERE.has(n));
    expect(missing).toEqual([]);
    // the dashboard covers serving and every drift gauge
    for (const name of [
      'kiln_inference_requests_total',
      'kiln_inference_request_duration_seconds',
      'kiln_inference_queue_duration_seconds',
      'kiln_inference_compute_duration_seconds',
      'kiln_inference_batch_size',
      'kiln_inference_pending_requests',
      ...Object.values(DRIFT_METRIC_NAMES),
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('is importable: a uid, unique panel ids, every query on the datasource variable', () => {
    expect(dashboard.uid).toBe('kiln-overview');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'deployment', 'monitor']);
    for (const p of dashboard.panels) {
      if (p.type === 'row') continue;
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect((p.targets ?? []).length, p.title).toBeGreaterThan(0);
    }
    // histogram quantiles aggregate by le, or they are meaningless
    for (const e of exprs().filter((x) => x.includes('histogram_quantile'))) expect(e).toMatch(/by \(le\b/);
  });
});
