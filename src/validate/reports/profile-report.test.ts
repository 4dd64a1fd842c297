import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { profileRelation } from '../profile/profiler.js';
import type { DataProfile } from '../profile-types.js';
import { renderProfileHtml } from './profile-report.js';
import { expectBalancedTags, expectSelfContained, svgBlocks } from './test-support/html-checks.js';

const EVIL = '<script>alert(1)</script>';

describe('renderProfileHtml', () => {
  let duck: DuckEngine;
  let profile: DataProfile;
  let html: string;
  beforeAll(async () => {
    duck = await DuckEngine.open(':memory:', { threads: 1 });
    await duck.run(`CREATE TABLE t AS SELECT
        range AS id,
        (range % 17) * 1.5 AS amount,
        CASE WHEN range % 4 = 0 THEN '<img src=x onerror=alert(2)>' ELSE 'plain' END AS ${'"<script>alert(1)</script>"'},
        range % 2 = 0 AS flag,
        DATE '2024-01-01' + (range % 30)::INTEGER AS day,
        NULL::DOUBLE AS empty
      FROM range(200)`);
    profile = await profileRelation(duck, 't', { bins: 10 });
    html = renderProfileHtml(profile, { title: 'Profile of <t>', subtitle: 'sales & "more"' });
  });
  afterAll(() => duck.close());

  it('is one self-contained, well-formed page', () => {
    expectSelfContained(html);
    expectBalancedTags(html);
    expect(html).toContain('<title>Profile of &lt;t&gt;</title>');
    expect(html).toContain('<p class="sub">sales &amp; &quot;more&quot;</p>');
  });

  it('escapes every data value, column names included', () => {
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('has one card per column with its statistics and a chart', () => {
    for (const [i, c] of profile.columns.entries()) {
      expect(html).toContain(`<section class="card" id="col-${i}">`);
      expect(html).toContain(`href="#col-${i}"`);
      expect(html).toContain(`${c.type}</span></h3>`);
    }
    expect(html).toContain('<th>mean</th>');
    expect(html).toContain('<th>50 % quantile</th>');
    expect(html).toContain('<th>length min / mean / max</th>');
    expect(html).toContain('No non-null values.');
    const svgs = svgBlocks(html);
    // id, amount: histograms; the string, flag and day: value bars; `empty`: no chart.
    expect(svgs).toHaveLength(5);
    const amount = svgs.find((s) => s.includes('aria-label="histogram of amount"'));
    expect(amount?.match(/<rect /g)).toHaveLength(profile.columns[1].histogram?.length ?? -1);
    const flag = svgs.find((s) => s.includes('aria-label="most frequent values of flag"'));
    expect(flag).toContain('<title>false: 100 (50 %)</title>');
  });
});
