import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { compareSides } from '../drift-compare.js';
import type { DriftReport } from './drift-report-types.js';
import { renderDriftReportHtml } from './drift-report-html.js';
import { categoricalHistogram, numericHistogram } from './drift-histograms.js';

let duck: DuckEngine;
let report: DriftReport;
const EVIL_COLUMN = '<script>alert(1)</script>';
const EVIL_VALUE = '"><img src=x onerror=alert(2)>';

beforeAll(async () => {
  duck = await DuckEngine.open();
  await duck.run(`CREATE TABLE r AS SELECT i * 1.0 AS amount,
    CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS "${EVIL_COLUMN}" FROM range(500) t(i)`);
  await duck.run(`CREATE TABLE c AS SELECT i * 1.0 + 300 AS amount,
    CASE WHEN i % 4 = 0 THEN '${EVIL_VALUE.replaceAll("'", "''")}' ELSE 'b' END AS "${EVIL_COLUMN}" FROM range(400) t(i)`);
  report = await compareSides({ relation: 'r', label: 'ref <v1>' }, { relation: 'c' }, {}, { engine: duck });
});

afterAll(() => duck.close());

describe('renderDriftReportHtml', () => {
  it('puts the dataset verdict and drift share at the top, then every column', () => {
    const html = renderDriftReportHtml(report);
    const verdictAt = html.indexOf('DATASET DRIFT');
    expect(report.dataset_drift).toBe(true);
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(html.indexOf('<h2>Columns</h2>'));
    expect(html).toContain('2 / 2');
    expect(html).toContain('100 %');
    expect(html).toContain('id="col-amount"');
    expect(html).toContain('wasserstein_norm');
    expect(html).toContain('ref &lt;v1&gt;');
  });

  it('escapes column names and categories and loads nothing', () => {
    const html = renderDriftReportHtml(report);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain("default-src 'none'");
    // the only URL is the SVG namespace, which is never fetched
    const urls = html.match(/https?:\/\/[^"'\s)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).not.toMatch(/\bsrc=["']?http/);
  });

  it('draws reference and current bars for each bin and category', () => {
    const html = renderDriftReportHtml(report);
    const amount = report.columns[0].histogram;
    expect(amount.type).toBe('numeric');
    const bins = amount.type === 'numeric' ? amount.reference.length : 0;
    const card = html.slice(html.indexOf('id="col-amount"'));
    const svg = card.slice(card.indexOf('<svg'), card.indexOf('</svg>'));
    // two bars per bin plus two legend swatches
    expect((svg.match(/<rect /g) ?? []).length).toBe(2 * bins + 2);
    expect(svg).toContain('reference: ');
  });

  it('shows a column without a verdict as such', async () => {
    await duck.run('CREATE TABLE e1 AS SELECT CAST(NULL AS DOUBLE) AS v, 1 AS w FROM range(10)');
    const r = await compareSides({ relation: 'e1' }, { relation: 'e1' }, {}, { engine: duck });
    const html = renderDriftReportHtml(r);
    expect(html).toContain('no verdict');
    expect(html).toContain('NO DATASET DRIFT');
    expect(html).not.toContain('NaN');
  });
});

describe('drift histograms', () => {
  it('bins both sides over their joint finite range, leaving out NaN and Infinity', () => {
    const h = numericHistogram(
      Float64Array.of(0, 1, 2, Number.NaN),
      Float64Array.of(2, 3, 4, Number.POSITIVE_INFINITY),
    );
    expect(h.edges[0]).toBe(0);
    expect(h.edges[h.edges.length - 1]).toBe(4);
    expect(h.reference.reduce((a, b) => a + b, 0)).toBe(3);
    expect(h.current.reduce((a, b) => a + b, 0)).toBe(3);
    const constant = numericHistogram(Float64Array.of(5, 5), Float64Array.of(5));
    expect(constant.edges).toEqual([4.5, 5.5]);
    expect(constant.reference).toEqual([2]);
  });

  it('keeps the 20 most frequent categories and sums the rest', () => {
    const ref = new Map<string | null, number>(Array.from({ length: 30 }, (_, i) => [`k${i}`, 30 - i]));
    ref.set(null, 100);
    const cur = new Map<string | null, number>([['new', 1000]]);
    const h = categoricalHistogram(ref, cur);
    expect(h.categories.length).toBe(20);
    expect(h.categories[0]).toBe('new');
    expect(h.other_categories).toBe(11);
    const shownRef = h.reference.reduce((a, b) => a + b, 0);
    expect(shownRef + h.other[0]).toBe(
      Array.from({ length: 30 }, (_, i) => 30 - i).reduce((a, b) => a + b, 0),
    );
  });
});
