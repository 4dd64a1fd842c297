/**
 * @module validate/reports/profile-report
 * The HTML data-profile report: headline figures, an overview table of the columns, then one card
 * per column with its statistics and a chart — the histogram for numeric columns, the most
 * frequent values for the others. Self-contained (see html.ts); every data value is escaped.
 */
import type { ColumnProfile, DataProfile } from '../profile-types.js';
import { escapeHtml, formatNumber, formatPercent, formatValue, page, tiles } from './html.js';
import { barChartSvg, histogramSvg } from './svg-charts.js';

export interface ProfileReportOptions {
  readonly title: string;
  readonly subtitle?: string;
}

/** Renders `profile` as one self-contained HTML page. */
export function renderProfileHtml(profile: DataProfile, options: ProfileReportOptions): string {
  const body = [
    `<h1>${escapeHtml(options.title)}</h1>`,
    options.subtitle !== undefined ? `<p class="sub">${escapeHtml(options.subtitle)}</p>` : '',
    tiles([
      ['rows', formatNumber(profile.row_count)],
      ['columns', formatNumber(profile.column_count)],
      ['profiled', escapeHtml(profile.created_at)],
      ['quantiles', escapeHtml(profile.quantile_method ?? 'exact')],
    ]),
    '<h2>Columns</h2>',
    overview(profile),
    '<h2>Details</h2>',
    `<div class="cards">${profile.columns.map((c, i) => card(c, i)).join('\n')}</div>`,
    '<p class="sub">Distinct counts are HyperLogLog estimates (DuckDB: about 13 % standard error). Numeric ' +
      'statistics of FLOAT/DOUBLE columns leave out NaN and ±Infinity, which are counted apart.</p>',
  ];
  return page(options.title, body.join('\n'));
}

function overview(profile: DataProfile): string {
  const rows = profile.columns.map(
    (c, i) =>
      `<tr><td><a href="#col-${i}">${escapeHtml(c.name)}</a></td><td class="mono">${escapeHtml(c.type)}</td>` +
      `<td>${escapeHtml(c.kind)}</td><td class="num">${formatPercent(c.completeness)}</td>` +
      `<td class="num">${formatNumber(c.null_count)}</td><td class="num">≈ ${formatNumber(c.approx_distinct)}</td></tr>`,
  );
  return (
    '<table><thead><tr><th>column</th><th>type</th><th>kind</th><th>complete</th><th>nulls</th>' +
    `<th>distinct</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function card(c: ColumnProfile, index: number): string {
  const stats: [string, string][] = [
    ['rows', formatNumber(c.count)],
    ['nulls', `${formatNumber(c.null_count)} (${formatPercent(c.count > 0 ? c.null_count / c.count : 0)})`],
    ['distinct (approx.)', formatNumber(c.approx_distinct)],
  ];
  if (c.nan_count !== undefined) stats.push(['NaN', flagged(c.nan_count)]);
  if (c.infinite_count !== undefined) stats.push(['±Infinity', flagged(c.infinite_count)]);
  if (c.min !== undefined) stats.push(['min', orDash(c.min)], ['max', orDash(c.max)]);
  if (c.kind === 'numeric') {
    stats.push(['mean', formatNumber(c.mean)], ['std. dev. (sample)', formatNumber(c.stddev)]);
    for (const [level, v] of Object.entries(c.quantiles ?? {})) {
      stats.push([`${Number(level) * 100} % quantile`, formatNumber(v)]);
    }
  }
  if (c.min_length !== undefined) {
    stats.push([
      'length min / mean / max',
      `${formatNumber(c.min_length)} / ${formatNumber(c.mean_length)} / ${formatNumber(c.max_length)}`,
    ]);
  }
  const table = `<table>${stats.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
  return (
    `<section class="card" id="col-${index}"><h3>${escapeHtml(c.name)}<span class="type">${escapeHtml(c.type)}</span></h3>` +
    `${table}${chart(c)}</section>`
  );
}

function chart(c: ColumnProfile): string {
  if (c.kind === 'numeric' && c.histogram && c.histogram.length > 0) {
    return histogramSvg(c.histogram, { label: `histogram of ${c.name}` });
  }
  const top = c.top_values ?? [];
  if (top.length === 0) return '<p class="sub">No non-null values.</p>';
  const nonNull = c.count - c.null_count;
  const bars = top.map((t) => ({
    label: typeof t.value === 'string' ? t.value : JSON.stringify(t.value),
    value: t.count,
    note: formatPercent(nonNull > 0 ? t.count / nonNull : null),
  }));
  return barChartSvg(bars, { label: `most frequent values of ${c.name}` });
}

function flagged(n: number): string {
  return n > 0 ? `<span class="warn">${formatNumber(n)}</span>` : formatNumber(n);
}

function orDash(v: unknown): string {
  return v === null || v === undefined ? '—' : formatValue(v);
}
