/**
 * @module monitor/reports/drift-report-html
 * The drift report as one self-contained HTML file: the dataset verdict and drift share at the top,
 * a table of every column (test, statistic, threshold, verdict), then one card per column with the
 * reference-vs-current chart and every statistic. Everything from the data (column names,
 * categories, file names) is escaped; the page loads nothing and runs no script (its CSP says so).
 */
import { escapeHtml, formatNumber, formatPercent, page, tiles } from '../../validate/reports/html.js';
import type { DriftColumnReport, DriftReport } from './drift-report-types.js';
import { driftHistogramSvg } from './overlay-svg.js';

/** Renders a drift report as a standalone HTML page. */
export function renderDriftReportHtml(report: DriftReport): string {
  const title = `Drift: ${report.current.label} vs ${report.reference.label}`;
  const verdict = report.dataset_drift
    ? '<span class="badge fail verdict">DATASET DRIFT</span>'
    : '<span class="badge pass verdict">NO DATASET DRIFT</span>';
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="sub">reference <code>${escapeHtml(report.reference.label)}</code> (${formatNumber(report.reference.rows)} rows) · current <code>${escapeHtml(report.current.label)}</code> (${formatNumber(report.current.rows)} rows) · ${escapeHtml(report.created_at)} · mode ${escapeHtml(report.mode)}</p>`,
    `<p>${verdict}</p>`,
    tiles([
      [
        'drifted columns',
        `${formatNumber(report.number_of_drifted_columns)} / ${formatNumber(report.number_of_columns)}`,
      ],
      ['share of drifted columns', escapeHtml(formatPercent(report.share_of_drifted_columns))],
      ['dataset drift when share ≥', escapeHtml(formatPercent(report.drift_share))],
      ['p-value correction', escapeHtml(report.correction)],
    ]),
    warnings(report.warnings),
    '<h2>Columns</h2>',
    summaryTable(report.columns),
    '<h2>Distributions</h2>',
    `<div class="cards">${report.columns.map(card).join('\n')}</div>`,
  ];
  return page(title, body.join('\n'));
}

function warnings(list: readonly string[]): string {
  if (list.length === 0) return '';
  return `<ul class="warn">${list.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`;
}

function verdictBadge(c: DriftColumnReport): string {
  if (c.status !== 'ok') return '<span class="badge">no verdict</span>';
  return c.drifted ? '<span class="badge fail">drift</span>' : '<span class="badge pass">ok</span>';
}

function score(c: DriftColumnReport): string {
  if (c.statistic === null) return '—';
  const p = c.p_value_adjusted === undefined ? '' : ` (adjusted ${formatNumber(c.p_value_adjusted)})`;
  return `${formatNumber(c.statistic)}${p}`;
}

function rule(c: DriftColumnReport): string {
  if (c.score_type === 'distance') return `≥ ${formatNumber(c.threshold)}`;
  return `${c.test === 'ks' ? '≤' : '<'} ${formatNumber(c.threshold)}`;
}

function summaryTable(columns: readonly DriftColumnReport[]): string {
  const rows = columns.map(
    (c) =>
      `<tr><td><a href="#col-${escapeHtml(anchor(c.column))}">${escapeHtml(c.column)}</a></td><td>${escapeHtml(c.kind)}</td>` +
      `<td>${escapeHtml(c.test)}</td><td class="num">${escapeHtml(score(c))}</td><td class="num">${escapeHtml(rule(c))}</td>` +
      `<td>${verdictBadge(c)}</td></tr>`,
  );
  return `<table><thead><tr><th>column</th><th>kind</th><th>test</th><th>statistic</th><th>drift when</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function card(c: DriftColumnReport): string {
  const chart = driftHistogramSvg(c.histogram, `${c.column}: reference and current distributions`);
  const stats = statisticRows(c.all as Record<string, unknown>);
  const counts = (side: 'reference' | 'current') => {
    const s = c[side];
    return `${formatNumber(s.used)} used of ${formatNumber(s.total)} (${formatNumber(s.nulls)} null, ${formatNumber(s.non_finite)} non-finite)`;
  };
  const rows: [string, string][] = [
    ['test', `${escapeHtml(c.test)} (${escapeHtml(c.score_type === 'p_value' ? 'p-value' : 'distance')})`],
    ['statistic', escapeHtml(score(c))],
    ['drift when', escapeHtml(rule(c))],
    ['types', `${escapeHtml(c.reference_type)} / ${escapeHtml(c.current_type)}`],
    ['reference values', escapeHtml(counts('reference'))],
    ['current values', escapeHtml(counts('current'))],
  ];
  if (c.reason) rows.push(['note', escapeHtml(c.reason)]);
  if (c.distinct && c.distinct.unseen_in_reference_values > 0) {
    rows.push([
      'unseen in reference',
      escapeHtml(
        `${c.distinct.unseen_in_reference_values} values, ${c.distinct.unseen_in_reference_rows} rows`,
      ),
    ]);
  }
  return `<section class="card" id="col-${escapeHtml(anchor(c.column))}"><h3>${escapeHtml(c.column)}<span class="type">${escapeHtml(c.kind)}</span> ${verdictBadge(c)}</h3>
<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>
${chart}
<table>${stats}</table></section>`;
}

/** One row per statistic; tests with a p-value show statistic and p-value. */
function statisticRows(all: Record<string, unknown>): string {
  return Object.entries(all)
    .map(([name, v]) => {
      let shown: string;
      if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        shown = `statistic ${show(o.statistic)}, p-value ${show(o.p_value)}`;
      } else shown = show(v);
      return `<tr><th>${escapeHtml(name)}</th><td class="num">${escapeHtml(shown)}</td></tr>`;
    })
    .join('');
}

function show(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v) : String(v ?? '—');
}

function anchor(column: string): string {
  return column.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)?.toString(16)}`);
}
