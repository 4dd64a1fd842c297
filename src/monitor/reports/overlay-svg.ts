/**
 * @module monitor/reports/overlay-svg
 * Inline-SVG charts of a reference and a current distribution on one axis, for the drift report.
 * Both sides are drawn as shares of their own rows, so samples of different sizes compare:
 * numeric columns as two overlaid, translucent histograms (values below/above the bins, in sketch
 * mode, as an extra bar at each end); categorical columns as paired bars per category. Every label
 * is escaped and every bar has a `<title>` with its exact count and share.
 */
import { escapeHtml, formatNumber, formatPercent } from '../../validate/reports/html.js';
import type { CategoricalHistogram, DriftHistogram, NumericHistogram } from './drift-histograms.js';

export const REFERENCE_COLOUR = '#4c6ef5';
export const CURRENT_COLOUR = '#f08c00';
const AXIS = '#8a93a3';
const TEXT = '#5d6677';
const WIDTH = 520;
const HEIGHT = 170;
const PAD_LEFT = 44;
const PAD_BOTTOM = 34;
const PAD_TOP = 18;

interface Bar {
  readonly label: string;
  readonly reference: number;
  readonly current: number;
}

/** The chart for a column's histogram; an empty string when there is nothing to draw. */
export function driftHistogramSvg(h: DriftHistogram, label: string): string {
  const bars = h.type === 'numeric' ? numericBars(h) : categoricalBars(h);
  if (bars.length === 0) return '';
  return chart(bars, h.type === 'numeric' ? 'overlay' : 'paired', label, axisLabels(h));
}

function numericBars(h: NumericHistogram): Bar[] {
  const bars: Bar[] = [];
  const k = h.reference.length;
  if (h.underflow[0] + h.underflow[1] > 0) {
    bars.push({ label: `< ${formatNumber(h.edges[0])}`, reference: h.underflow[0], current: h.underflow[1] });
  }
  for (let i = 0; i < k; i++) {
    const range = `[${formatNumber(h.edges[i])}, ${formatNumber(h.edges[i + 1])}${i === k - 1 ? ']' : ')'}`;
    bars.push({ label: range, reference: h.reference[i], current: h.current[i] });
  }
  if (h.overflow[0] + h.overflow[1] > 0) {
    bars.push({ label: `> ${formatNumber(h.edges[k])}`, reference: h.overflow[0], current: h.overflow[1] });
  }
  return bars;
}

function categoricalBars(h: CategoricalHistogram): Bar[] {
  const bars = h.categories.map((c, i) => ({ label: c, reference: h.reference[i], current: h.current[i] }));
  if (h.other_categories > 0) {
    bars.push({
      label: `${h.other_categories} other categories`,
      reference: h.other[0],
      current: h.other[1],
    });
  }
  return bars;
}

function axisLabels(h: DriftHistogram): [string, string] {
  if (h.type === 'numeric') {
    return h.edges.length > 0
      ? [formatNumber(h.edges[0]), formatNumber(h.edges[h.edges.length - 1])]
      : ['', ''];
  }
  return [
    h.categories[0] ?? '',
    h.other_categories > 0 ? 'other' : (h.categories[h.categories.length - 1] ?? ''),
  ];
}

function chart(
  bars: readonly Bar[],
  layout: 'overlay' | 'paired',
  label: string,
  ends: [string, string],
): string {
  const refTotal = bars.reduce((s, b) => s + b.reference, 0) || 1;
  const curTotal = bars.reduce((s, b) => s + b.current, 0) || 1;
  const shares = bars.map((b) => ({ ...b, r: b.reference / refTotal, c: b.current / curTotal }));
  const maxShare = Math.max(...shares.map((b) => Math.max(b.r, b.c)), 1e-12);
  const plotW = WIDTH - PAD_LEFT - 8;
  const plotH = HEIGHT - PAD_BOTTOM - PAD_TOP;
  const base = PAD_TOP + plotH;
  const slot = plotW / shares.length;
  const parts: string[] = [];
  shares.forEach((b, i) => {
    const x = PAD_LEFT + i * slot;
    const sides: [string, number, number, string][] = [
      ['reference', b.r, b.reference, REFERENCE_COLOUR],
      ['current', b.c, b.current, CURRENT_COLOUR],
    ];
    sides.forEach(([side, share, count, colour], s) => {
      const h = (share / maxShare) * plotH;
      const w = layout === 'overlay' ? Math.max(slot - 1, 0.5) : Math.max(slot / 2 - 1, 0.5);
      const bx = layout === 'overlay' ? x + 0.5 : x + 0.5 + s * (slot / 2);
      const tip = `${b.label} — ${side}: ${formatNumber(count)} rows (${formatPercent(share)})`;
      parts.push(
        `<rect x="${f(bx)}" y="${f(base - h)}" width="${f(w)}" height="${f(h)}" fill="${colour}" fill-opacity="${layout === 'overlay' ? 0.5 : 0.85}"><title>${escapeHtml(tip)}</title></rect>`,
      );
    });
  });
  parts.push(
    `<line x1="${PAD_LEFT}" y1="${f(base)}" x2="${f(PAD_LEFT + plotW)}" y2="${f(base)}" stroke="${AXIS}"/>`,
  );
  parts.push(`<line x1="${PAD_LEFT}" y1="${PAD_TOP}" x2="${PAD_LEFT}" y2="${f(base)}" stroke="${AXIS}"/>`);
  parts.push(text(PAD_LEFT - 4, PAD_TOP + 9, formatPercent(maxShare), 'end'));
  parts.push(text(PAD_LEFT - 4, base, '0', 'end'));
  parts.push(text(PAD_LEFT, base + 14, clip(ends[0]), 'start'));
  parts.push(text(PAD_LEFT + plotW, base + 14, clip(ends[1]), 'end'));
  parts.push(legend(PAD_LEFT + 4, HEIGHT - 6));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>`;
}

function legend(x: number, y: number): string {
  const item = (dx: number, colour: string, name: string) =>
    `<rect x="${dx}" y="${y - 9}" width="10" height="10" fill="${colour}" fill-opacity="0.7"/>` +
    `<text x="${dx + 14}" y="${y}" font-size="11" fill="${TEXT}">${name}</text>`;
  return item(x, REFERENCE_COLOUR, 'reference') + item(x + 90, CURRENT_COLOUR, 'current');
}

function text(x: number, y: number, s: string, anchor: 'start' | 'end'): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="11" fill="${TEXT}" text-anchor="${anchor}">${escapeHtml(s)}</text>`;
}

function clip(s: string): string {
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

function f(n: number): string {
  return Number(n.toFixed(2)).toString();
}
