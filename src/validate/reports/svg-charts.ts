/**
 * @module validate/reports/svg-charts
 * Two small inline-SVG charts for the HTML reports: a histogram of equal-width bins and a
 * horizontal bar chart of labelled counts. Pure string building, no dependency; every label is
 * escaped, and each bar carries a `<title>` so hovering shows its exact figures.
 */
import type { HistogramBin } from '../profile-types.js';
import { escapeHtml, formatNumber } from './html.js';

export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** Read by screen readers (`aria-label`). */
  readonly label?: string;
}

const AXIS = '#8a93a3';
const BAR = '#4c6ef5';
const TEXT = '#5d6677';

/** A histogram: one bar per bin, height proportional to its count; axis labels at both ends. */
export function histogramSvg(bins: readonly HistogramBin[], options: ChartOptions = {}): string {
  const width = options.width ?? 480;
  const height = options.height ?? 150;
  const padLeft = 44;
  const padBottom = 22;
  const padTop = 8;
  const plotW = width - padLeft - 8;
  const plotH = height - padBottom - padTop;
  const maxCount = Math.max(0, ...bins.map((b) => b.count));
  const parts: string[] = [];
  const barW = bins.length > 0 ? plotW / bins.length : plotW;
  bins.forEach((b, i) => {
    const h = maxCount > 0 ? (b.count / maxCount) * plotH : 0;
    const x = padLeft + i * barW;
    const y = padTop + plotH - h;
    const range = `[${formatNumber(b.lower)}, ${formatNumber(b.upper)}${i === bins.length - 1 ? ']' : ')'}`;
    parts.push(
      `<rect x="${f(x + 0.5)}" y="${f(y)}" width="${f(Math.max(barW - 1, 0.5))}" height="${f(h)}" fill="${BAR}">` +
        `<title>${escapeHtml(`${range}: ${formatNumber(b.count)}`)}</title></rect>`,
    );
  });
  const base = padTop + plotH;
  parts.push(
    `<line x1="${padLeft}" y1="${f(base)}" x2="${f(padLeft + plotW)}" y2="${f(base)}" stroke="${AXIS}"/>`,
  );
  parts.push(`<line x1="${padLeft}" y1="${padTop}" x2="${padLeft}" y2="${f(base)}" stroke="${AXIS}"/>`);
  parts.push(text(padLeft - 4, padTop + 9, formatNumber(maxCount), 'end'));
  parts.push(text(padLeft - 4, base, '0', 'end'));
  if (bins.length > 0) {
    parts.push(text(padLeft, height - 6, formatNumber(bins[0].lower), 'start'));
    parts.push(text(padLeft + plotW, height - 6, formatNumber(bins[bins.length - 1].upper), 'end'));
  }
  return svg(width, height, options.label ?? 'histogram', parts);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Shown after the value, e.g. a percentage. */
  readonly note?: string;
}

/** Horizontal bars, one row per item, longest = largest value; labels cut at 28 characters. */
export function barChartSvg(bars: readonly Bar[], options: ChartOptions = {}): string {
  const width = options.width ?? 480;
  const rowH = 20;
  const height = options.height ?? Math.max(rowH, bars.length * rowH + 4);
  const labelW = 170;
  const valueW = 110;
  const plotW = width - labelW - valueW;
  const maxValue = Math.max(0, ...bars.map((b) => b.value));
  const parts: string[] = [];
  bars.forEach((b, i) => {
    const y = 2 + i * rowH;
    const w = maxValue > 0 ? (b.value / maxValue) * plotW : 0;
    const label = b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label;
    const figure = `${formatNumber(b.value)}${b.note ? ` (${b.note})` : ''}`;
    parts.push(text(labelW - 6, y + 14, label, 'end'));
    parts.push(
      `<rect x="${labelW}" y="${y + 3}" width="${f(Math.max(w, 0.5))}" height="${rowH - 6}" fill="${BAR}">` +
        `<title>${escapeHtml(`${b.label}: ${figure}`)}</title></rect>`,
    );
    parts.push(text(labelW + w + 4, y + 14, figure, 'start'));
  });
  return svg(width, height, options.label ?? 'bar chart', parts);
}

/** Inline SVG in HTML needs no `xmlns` (the HTML parser puts it in the SVG namespace). */
function svg(width: number, height: number, label: string, parts: readonly string[]): string {
  return (
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>`
  );
}

function text(x: number, y: number, content: string, anchor: 'start' | 'end'): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="11" fill="${TEXT}" text-anchor="${anchor}">${escapeHtml(content)}</text>`;
}

function f(n: number): string {
  return String(Math.round(n * 100) / 100);
}
