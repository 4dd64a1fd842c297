import { describe, expect, it } from 'vitest';
import type { ValidationResult } from '../suite-types.js';
import { expectBalancedTags, expectSelfContained, svgBlocks } from './test-support/html-checks.js';
import { renderValidationHtml } from './validation-report.js';

const EVIL = '<script>alert(1)</script>';

const crafted: ValidationResult = {
  success: false,
  suite_name: `suite ${EVIL}`,
  results: [
    {
      success: true,
      expectation_config: {
        type: 'expect_table_row_count_to_be_between',
        kwargs: { min_value: 1, max_value: 9 },
      },
      result: { observed_value: 5 },
    },
    {
      success: false,
      expectation_config: {
        type: 'expect_column_values_to_be_in_set',
        kwargs: { column: EVIL, value_set: ['a', '<b>'], mostly: 0.9 },
      },
      result: {
        element_count: 5,
        missing_count: 1,
        unexpected_count: 2,
        unexpected_percent: 50,
        partial_unexpected_list: ['<i>x</i>', '<i>x</i>'],
        partial_unexpected_counts: [{ value: '<i>x</i>', count: 2 }],
      },
    },
    {
      success: false,
      expectation_config: {
        type: 'expect_column_values_to_match_regex',
        kwargs: { column: 'c', regex: '(' },
      },
      result: {},
      exception_info: { raised_exception: true, exception_message: 'bad regex <(>', code: 'SUITE_INVALID' },
    },
  ],
  statistics: {
    evaluated_expectations: 3,
    successful_expectations: 1,
    unsuccessful_expectations: 2,
    success_percent: 33.33333333333333,
  },
  meta: {
    data: `data/${EVIL}.csv`,
    row_count: 5,
    run_time: '2024-05-01T00:00:00.000Z',
    queries: 2,
    duration_ms: 12,
  },
};

describe('renderValidationHtml', () => {
  it('renders verdict, statistics and one row per expectation, failures first', () => {
    const html = renderValidationHtml(crafted, { title: 'Validation' });
    expectSelfContained(html);
    expectBalancedTags(html);
    expect(html).toContain('<span class="badge fail verdict">FAILED</span>');
    expect(html).toContain('<b>33.3333 %</b><span>success</span>');
    const rows = [
      ...html.matchAll(/<tr><td class="num">(\d+)<\/td><td>(.*?)<\/td><td><code>([a-z_]+)<\/code>/g),
    ];
    expect(rows.map((m) => [m[1], m[3]])).toEqual([
      ['2', 'expect_column_values_to_be_in_set'],
      ['3', 'expect_column_values_to_match_regex'],
      ['1', 'expect_table_row_count_to_be_between'],
    ]);
    expect(rows[1][2]).toContain('ERROR');
    expect(html).toContain('2 of 5 (50 %)');
    expect(html).toContain('1 missing');
    expect(html).toContain('&lt;i&gt;x&lt;/i&gt; <span class="sub">× 2</span>');
    expect(html).toContain('bad regex &lt;(&gt; <code>SUITE_INVALID</code>');
    expect(html).toContain('<code>mostly</code> = <span class="mono">0.9</span>');
    expect(svgBlocks(html)).toHaveLength(1);
  });

  it('escapes every value: suite name, data label, column, kwargs, unexpected values, messages', () => {
    const html = renderValidationHtml(crafted, { title: EVIL });
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('"<b>"');
    expect(html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('data/&lt;script&gt;alert(1)&lt;/script&gt;.csv');
    expect(html).toContain('[&quot;a&quot;,&quot;&lt;b&gt;&quot;]');
  });
});
