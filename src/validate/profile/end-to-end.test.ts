/**
 * Profile → suggest → validate, against the real validator: the suggested suite passes on the data
 * it came from, and a corrupted copy fails exactly the expectations its corruptions break.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import type { DataProfile } from '../profile-types.js';
import { renderProfileHtml } from '../reports/profile-report.js';
import { expectBalancedTags, expectSelfContained, svgBlocks } from '../reports/test-support/html-checks.js';
import { renderValidationHtml } from '../reports/validation-report.js';
import { parseSuite } from '../suite-file.js';
import type { ExpectationSuite } from '../suite-types.js';
import { validateRelation } from '../validator.js';
import { profileRelation } from './profiler.js';
import { suggestSuite } from './suggester.js';
import { renderSuggestionYaml } from './suggestion-yaml.js';

describe('profile, suggest, validate', () => {
  let duck: DuckEngine;
  let profile: DataProfile;
  let suite: ExpectationSuite;
  beforeAll(async () => {
    duck = await DuckEngine.open(':memory:', { threads: 1 });
    await duck.run(`CREATE TABLE good AS SELECT
        (range + 1)::BIGINT AS id,
        ((range * 7919) % 10000) / 100.0 AS amount,
        ['a', 'b', 'c'][(range % 3) + 1] AS category,
        range % 5 = 0 AS flag
      FROM range(3000)`);
    await duck.run('CREATE TABLE bad AS SELECT * FROM good');
    await duck.run('UPDATE bad SET flag = NULL WHERE id % 100 = 0');
    await duck.run('UPDATE bad SET amount = -5 WHERE id = 10');
    await duck.run("UPDATE bad SET category = 'zzz' WHERE id = 20");
    await duck.run('UPDATE bad SET id = 1 WHERE id = 2');
    profile = await profileRelation(duck, 'good');
    suite = suggestSuite(profile, 'good-suite');
  });
  afterAll(() => duck.close());

  it('suggests what the data shows', () => {
    expect(suite.expectations.map((e) => [e.type, e.kwargs])).toEqual([
      ['expect_table_columns_to_match_ordered_list', { column_list: ['id', 'amount', 'category', 'flag'] }],
      ['expect_table_row_count_to_be_between', { min_value: 1500, max_value: 6000 }],
      ['expect_column_values_to_not_be_null', { column: 'id' }],
      ['expect_column_values_to_be_of_type', { column: 'id', type_: 'BIGINT' }],
      ['expect_column_values_to_be_between', { column: 'id', min_value: 0 }],
      ['expect_column_values_to_be_unique', { column: 'id' }],
      ['expect_column_values_to_not_be_null', { column: 'amount' }],
      ['expect_column_values_to_be_of_type', { column: 'amount', type_: 'DOUBLE' }],
      ['expect_column_values_to_be_between', { column: 'amount', min_value: 0 }],
      ['expect_column_values_to_not_be_null', { column: 'category' }],
      ['expect_column_values_to_be_of_type', { column: 'category', type_: 'VARCHAR' }],
      ['expect_column_values_to_be_in_set', { column: 'category', value_set: ['a', 'b', 'c'] }],
      ['expect_column_values_to_not_be_null', { column: 'flag' }],
      ['expect_column_values_to_be_of_type', { column: 'flag', type_: 'BOOLEAN' }],
      ['expect_column_values_to_be_in_set', { column: 'flag', value_set: [false, true] }],
    ]);
  });

  it('the suggested suite passes on the data it was suggested from', async () => {
    const result = await validateRelation(duck, 'good', suite, { dataLabel: 'good' });
    expect(result.results.filter((r) => !r.success)).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.statistics.evaluated_expectations).toBe(suite.expectations.length);
  });

  it('the suite file written by `kiln data suggest` parses and validates the same way', async () => {
    const parsed = parseSuite(renderSuggestionYaml(suite, { source: 'good' }), 'suite.yaml');
    expect(parsed.name).toBe('good-suite');
    expect(parsed.expectations.map((e) => [e.type, e.kwargs])).toEqual(
      suite.expectations.map((e) => [e.type, e.kwargs]),
    );
    expect((await validateRelation(duck, 'good', parsed)).success).toBe(true);
  });

  it('a corrupted copy fails exactly the expectations its corruptions break', async () => {
    const result = await validateRelation(duck, 'bad', suite, { resultFormat: 'SUMMARY', dataLabel: 'bad' });
    expect(result.success).toBe(false);
    const failed = result.results.filter((r) => !r.success);
    expect(failed.map((r) => [r.expectation_config.type, r.expectation_config.kwargs.column])).toEqual([
      ['expect_column_values_to_be_unique', 'id'],
      ['expect_column_values_to_be_between', 'amount'],
      ['expect_column_values_to_be_in_set', 'category'],
      ['expect_column_values_to_not_be_null', 'flag'],
    ]);
    const [unique, between, inSet, notNull] = failed;
    expect(unique.result.unexpected_count).toBe(2);
    expect(between.result.unexpected_count).toBe(1);
    expect(between.result.partial_unexpected_list).toEqual([-5]);
    expect(inSet.result.partial_unexpected_list).toEqual(['zzz']);
    expect(notNull.result.unexpected_count).toBe(30);
    expect(result.statistics.unsuccessful_expectations).toBe(4);
    expect(failed.every((r) => r.exception_info?.raised_exception !== true)).toBe(true);
  });

  it('renders both reports on the real profile and results', async () => {
    const profileHtml = renderProfileHtml(profile, { title: 'good', subtitle: '3,000 rows' });
    expectSelfContained(profileHtml);
    expectBalancedTags(profileHtml);
    // id, amount: histograms; category, flag: value bars.
    expect(svgBlocks(profileHtml)).toHaveLength(4);

    const result = await validateRelation(duck, 'bad', suite, { dataLabel: 'bad <copy>' });
    const html = renderValidationHtml(result, { title: 'bad' });
    expectSelfContained(html);
    expectBalancedTags(html);
    expect(html).toContain('<span class="badge fail verdict">FAILED</span>');
    expect(html).toContain('bad &lt;copy&gt;');
    expect(html.match(/<span class="badge fail">not met<\/span>/g)).toHaveLength(4);
    expect(html.match(/<span class="badge pass">met<\/span>/g)).toHaveLength(suite.expectations.length - 4);
    expect(html).toContain('30 of 3,000 (1 %)');
    expect(html).toContain('zzz');
  });
});
