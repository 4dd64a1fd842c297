import { describe, expect, it } from 'vitest';
import { barChartSvg, histogramSvg } from './svg-charts.js';
import { expectBalancedTags, svgBlocks } from './test-support/html-checks.js';

describe('histogramSvg', () => {
  it('draws one bar per bin, heights proportional to counts', () => {
    const svg = histogramSvg(
      [
        { lower: 0, upper: 1, count: 10 },
        { lower: 1, upper: 2, count: 5 },
        { lower: 2, upper: 3, count: 0 },
      ],
      { width: 300, height: 130, label: 'h' },
    );
    expect(svgBlocks(svg)).toHaveLength(1);
    expectBalancedTags(svg);
    const heights = [...svg.matchAll(/<rect [^>]*height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3);
    expect(heights[0]).toBeCloseTo(2 * heights[1], 6);
    expect(heights[2]).toBe(0);
    expect(svg).toContain('<title>[0, 1): 10</title>');
    expect(svg).toContain('<title>[2, 3]: 0</title>');
  });

  it('draws an empty histogram without NaN', () => {
    const svg = histogramSvg([]);
    expect(svg).not.toContain('NaN');
    expect(svgBlocks(svg)).toHaveLength(1);
  });
});

describe('barChartSvg', () => {
  it('draws one bar per item and escapes labels', () => {
    const svg = barChartSvg([
      { label: '<b>&"x"', value: 4, note: '80 %' },
      { label: 'y'.repeat(40), value: 1 },
    ]);
    expectBalancedTags(svg);
    expect(svgBlocks(svg)).toHaveLength(1);
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x&quot;');
    expect(svg).toContain(`${'y'.repeat(27)}…`);
    const widths = [...svg.matchAll(/<rect [^>]*width="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBeCloseTo(4 * widths[1], 6);
  });
});
