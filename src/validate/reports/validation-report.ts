/**
 * @module validate/reports/validation-report
 * The HTML validation report (in the spirit of GX Data Docs): the verdict, the statistics, what
 * was validated, then one row per expectation with its type, column and other arguments, outcome,
 * observed value, unexpected count and share, and a sample of the unexpected values. Failures are
 * listed first. Self-contained (see html.ts); every data value is escaped.
 */
import type { ExpectationResult, ValidationResult } from '../suite-types.js';
import { escapeHtml, formatNumber, formatValue, page, tiles } from './html.js';
import { barChartSvg } from './svg-charts.js';

export interface ValidationReportOptions {
  readonly title: string;
}

/** Renders `result` as one self-contained HTML page. */
export function renderValidationHtml(result: ValidationResult, options: ValidationReportOptions): string {
  const s = result.statistics;
  const verdict = result.success
    ? '<span class="badge pass verdict">PASSED</span>'
    : '<span class="badge fail verdict">FAILED</span>';
  // Failures first, then the suite's own order.
  const ordered = result.results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => Number(a.r.success) - Number(b.r.success) || a.i - b.i);
  const body = [
    `<h1>${escapeHtml(options.title)}</h1>`,
    `<p class="sub">Suite <b>${escapeHtml(result.suite_name)}</b> on <span class="mono">${escapeHtml(result.meta.data)}</span></p>`,
    `<p>${verdict}</p>`,
    tiles([
      ['expectations', formatNumber(s.evaluated_expectations)],
      ['met', formatNumber(s.successful_expectations)],
      ['not met', formatNumber(s.unsuccessful_expectations)],
      ['success', s.success_percent === null ? '—' : escapeHtml(`${formatNumber(s.success_percent)} %`)],
      ['rows', formatNumber(result.meta.row_count)],
    ]),
    s.evaluated_expectations > 0
      ? barChartSvg(
          [
            { label: 'met', value: s.successful_expectations },
            { label: 'not met', value: s.unsuccessful_expectations },
          ],
          { label: 'expectations met and not met' },
        )
      : '',
    '<h2>Expectations</h2>',
    '<table><thead><tr><th>#</th><th>outcome</th><th>expectation</th><th>column</th><th>arguments</th>' +
      '<th>observed</th><th>unexpected</th><th>sample of unexpected values</th></tr></thead><tbody>',
    ordered.map(({ r, i }) => row(r, i + 1)).join('\n'),
    '</tbody></table>',
    `<p class="sub">Run at ${escapeHtml(result.meta.run_time)} in ${formatNumber(result.meta.duration_ms)} ms, ` +
      `${formatNumber(result.meta.queries)} DuckDB queries.</p>`,
  ];
  return page(options.title, body.join('\n'));
}

function row(r: ExpectationResult, n: number): string {
  const { column, ...rest } = r.expectation_config.kwargs as Record<string, unknown>;
  const args = Object.entries(rest)
    .map(
      ([k, v]) =>
        `<div><code>${escapeHtml(k)}</code> = <span class="mono">${formatValue(v, 200)}</span></div>`,
    )
    .join('');
  const outcome = r.exception_info?.raised_exception
    ? '<span class="badge fail">ERROR</span>'
    : r.success
      ? '<span class="badge pass">met</span>'
      : '<span class="badge fail">not met</span>';
  const res = r.result;
  const error = r.exception_info?.raised_exception
    ? `<div class="warn">${escapeHtml(r.exception_info.exception_message ?? 'error')}${
        r.exception_info.code ? ` <code>${escapeHtml(r.exception_info.code)}</code>` : ''
      }</div>`
    : '';
  const unexpected =
    res.unexpected_count !== undefined
      ? `${formatNumber(res.unexpected_count)} of ${formatNumber(res.element_count)}` +
        (res.unexpected_percent !== undefined && res.unexpected_percent !== null
          ? ` (${escapeHtml(`${formatNumber(res.unexpected_percent)} %`)})`
          : '') +
        (res.missing_count ? `<div class="sub">${formatNumber(res.missing_count)} missing</div>` : '')
      : '';
  return (
    `<tr><td class="num">${n}</td><td>${outcome}</td><td><code>${escapeHtml(r.expectation_config.type)}</code></td>` +
    `<td>${column === undefined ? '' : escapeHtml(String(column))}</td><td>${args}</td>` +
    `<td class="mono">${res.observed_value === undefined ? '' : formatValue(res.observed_value, 200)}</td>` +
    `<td>${unexpected}</td><td>${sample(r)}${error}</td></tr>`
  );
}

function sample(r: ExpectationResult): string {
  const counts = r.result.partial_unexpected_counts;
  if (counts && counts.length > 0) {
    return counts
      .slice(0, 20)
      .map(
        (c) =>
          `<div class="mono">${formatValue(c.value)} <span class="sub">× ${formatNumber(c.count)}</span></div>`,
      )
      .join('');
  }
  const list = r.result.partial_unexpected_list;
  if (list && list.length > 0) {
    return list
      .slice(0, 20)
      .map((v) => `<div class="mono">${formatValue(v)}</div>`)
      .join('');
  }
  return '';
}
