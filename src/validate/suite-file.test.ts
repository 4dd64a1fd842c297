import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import { DuckEngine } from '../store/duckdb/duck-engine.js';
import { checkSuite, checkSuiteRegexes, loadSuiteFile, parseSuite } from './suite-file.js';

function parseError(text: string, source = 'suite.yaml'): KilnError {
  try {
    parseSuite(text, source);
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('SUITE_INVALID');
    return e as KilnError;
  }
  throw new Error('expected SUITE_INVALID');
}

const yaml = (...lines: string[]) => lines.join('\n');

describe('parseSuite', () => {
  it('reads a GX 1.x YAML suite', () => {
    const suite = parseSuite(
      yaml(
        'name: orders',
        'meta: {owner: risk}',
        'expectations:',
        '  - type: expect_column_values_to_not_be_null',
        '    kwargs: {column: id, mostly: 0.99, result_format: SUMMARY}',
        '    meta: {notes: keys}',
        '  - type: expect_table_row_count_to_be_between',
        '    kwargs: {min_value: 1, max_value: null}',
      ),
      'orders.yaml',
    );
    expect(suite).toEqual({
      name: 'orders',
      meta: { owner: 'risk' },
      expectations: [
        {
          type: 'expect_column_values_to_not_be_null',
          kwargs: { column: 'id', mostly: 0.99, result_format: 'SUMMARY' },
          meta: { notes: 'keys' },
        },
        { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 1, max_value: null } },
      ],
    });
  });

  it('reads an older GX JSON suite (expectation_suite_name, expectation_type)', () => {
    const text = JSON.stringify(
      {
        expectation_suite_name: 'legacy',
        ge_cloud_id: null,
        data_asset_type: null,
        expectations: [
          {
            expectation_type: 'expect_column_values_to_be_in_set',
            kwargs: { column: 'c', value_set: [1, 2], result_format: { result_format: 'COMPLETE' } },
            meta: {},
          },
        ],
        meta: { great_expectations_version: '0.18.8' },
      },
      null,
      2,
    );
    const suite = parseSuite(text, 'legacy.json');
    expect(suite.name).toBe('legacy');
    expect(suite.expectations[0].type).toBe('expect_column_values_to_be_in_set');
  });

  it('names the index, the line and close names for an unknown expectation type', () => {
    const err = parseError(
      yaml(
        'name: s',
        'expectations:',
        '  - type: expect_column_values_to_not_be_null',
        '    kwargs: {column: a}',
        '  - type: expect_column_value_to_be_between',
        '    kwargs: {column: a, min_value: 1}',
      ),
    );
    expect(err.message).toMatch(/^suite\.yaml:5: expectations\[1\]: unknown expectation type/);
    expect(err.message).toContain('did you mean expect_column_values_to_be_between');
    expect(err.details).toMatchObject({ file: 'suite.yaml', line: 5 });
  });

  it('refuses a missing required kwarg', () => {
    const err = parseError(
      yaml(
        'name: s',
        'expectations:',
        '  - type: expect_column_values_to_be_in_set',
        '    kwargs:',
        '      column: a',
      ),
    );
    expect(err.message).toMatch(
      /expectations\[0\] \(expect_column_values_to_be_in_set\): missing required kwarg "value_set"/,
    );
  });

  it('refuses a kwarg of the wrong type, naming its own line', () => {
    const err = parseError(
      yaml(
        'name: s',
        'expectations:',
        '  - type: expect_column_values_to_be_between',
        '    kwargs:',
        '      column: a',
        '      min_value: [1]',
        '      strict_min: "yes"',
      ),
    );
    expect(err.message).toMatch(
      /^suite\.yaml:6: .*kwargs\.min_value: expected a number, a date\/time string or null, got \[1\]/,
    );
    expect(err.message).toMatch(/suite\.yaml:7: .*kwargs\.strict_min: expected true or false, got "yes"/);
    expect((err.details.issues as unknown[]).length).toBe(2);
  });

  it('refuses unknown kwargs with a suggestion, and GX features Kiln does not have', () => {
    const err = parseError(
      yaml(
        'name: s',
        'expectations:',
        '  - type: expect_column_values_to_be_unique',
        '    kwargs: {colum: a}',
        '  - type: expect_column_values_to_be_unique',
        '    kwargs: {column: a, row_condition: "a > 1"}',
        '  - type: expect_column_values_to_be_unique',
        '    kwargs: {column: {$PARAMETER: x}}',
      ),
    );
    expect(err.message).toContain(
      'unknown kwarg "colum" for expect_column_values_to_be_unique; did you mean column?',
    );
    expect(err.message).toContain('row_condition is not supported');
    expect(err.message).toContain('suite parameters ($PARAMETER) are not supported');
  });

  it('checks mostly, result_format and cross-kwarg rules', () => {
    const one = (kwargs: string) =>
      parseError(
        yaml(
          'name: s',
          'expectations:',
          '  - type: expect_column_values_to_be_between',
          `    kwargs: ${kwargs}`,
        ),
      ).message;
    expect(one('{column: a, min_value: 0, mostly: 1.5}')).toContain(
      'mostly: expected a number in 0..1, got 1.5',
    );
    expect(one('{column: a, min_value: 0, result_format: FULL}')).toContain('result_format: expected one of');
    expect(one('{column: a, min_value: 5, max_value: 1}')).toContain('min_value (5) is above max_value (1)');
    expect(one('{column: a, min_value: null}')).toContain('min_value and max_value cannot both be null');
    expect(
      parseError(
        yaml(
          'name: s',
          'expectations:',
          '  - type: expect_column_mean_to_be_between',
          '    kwargs: {column: a, mostly: 0.5}',
        ),
      ).message,
    ).toContain('unknown kwarg "mostly"');
    expect(
      parseError(
        yaml(
          'name: s',
          'expectations:',
          '  - type: expect_column_values_to_be_of_type',
          '    kwargs: {column: a, type_: INTEGR}',
        ),
      ).message,
    ).toMatch(/did you mean .*INTEGER/);
    expect(
      parseError(
        yaml(
          'name: s',
          'expectations:',
          '  - type: expect_column_quantile_values_to_be_between',
          '    kwargs: {column: a, quantile_ranges: {quantiles: [0.5, 0.9], value_ranges: [[1, 2]]}}',
        ),
      ).message,
    ).toContain('one range per quantile');
  });

  it('refuses a malformed suite document', () => {
    expect(parseError('name: s\nexpectations: {}').message).toContain('suite.expectations: expected a list');
    expect(parseError('expectations: []').message).toContain('"name" is missing');
    expect(parseError('name: s\nexpectations: []\nextra: 1').message).toContain('unknown key "extra"');
    expect(parseError('name: s\nexpectations:\n  - kwargs: {}').message).toContain('"type" is missing');
    expect(parseError('- 1').message).toContain('expected a mapping');
  });

  it('names the line of a YAML syntax error and of a JSON syntax error', () => {
    const bad = parseError('name: s\nexpectations:\n  - type: [unclosed\n', 'bad.yaml');
    expect(bad.message).toMatch(/^bad\.yaml:\d+: not valid YAML/);
    expect(bad.details.line).toBeGreaterThanOrEqual(3);
    const json = parseError('{\n  "name": "s",\n  "expectations": [,]\n}', 'bad.json');
    expect(json.message).toMatch(/^bad\.json(:3)?: not valid JSON/);
  });

  it('names JSON lines too', () => {
    const err = parseError(
      '{\n  "name": "s",\n  "expectations": [\n    {"type": "expect_nope", "kwargs": {}}\n  ]\n}',
      's.json',
    );
    expect(err.message).toMatch(/^s\.json:4: expectations\[0\]: unknown expectation type "expect_nope"/);
  });
});

describe('checkSuite', () => {
  it('applies the same rules to suites built in code', () => {
    expect(() =>
      checkSuite({
        name: 's',
        expectations: [{ type: 'expect_column_values_to_be_unique', kwargs: { column: 'a' } }],
      }),
    ).not.toThrow();
    expect(() =>
      checkSuite({ name: 's', expectations: [{ type: 'expect_column_values_to_be_unique', kwargs: {} }] }),
    ).toThrow(/missing required kwarg "column"/);
  });
});

describe('regexes', () => {
  let dir: string;
  let duck: DuckEngine;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-suite-'));
    duck = await DuckEngine.open();
  });
  afterAll(async () => {
    duck.close();
    await rm(dir, { recursive: true, force: true });
  });

  const suiteWith = (regexes: string[]) =>
    yaml(
      'name: r',
      'expectations:',
      '  - type: expect_column_values_to_match_regex_list',
      '    kwargs:',
      '      column: a',
      `      regex_list: [${regexes.map((r) => JSON.stringify(r)).join(', ')}]`,
      '  - type: expect_column_values_to_not_match_regex',
      `    kwargs: {column: a, regex: '\\d+'}`,
    );

  it('compiles them with RE2 when a file is loaded, naming the bad one and its line', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, suiteWith(['^ok$', '(?<name>x', 'a{2,1}']));
    const err = await loadSuiteFile(path).catch((e: unknown) => e as KilnError);
    expect(err).toMatchObject({ code: 'SUITE_INVALID', details: { file: path, line: 6 } });
    expect((err as Error).message).toContain(
      'expectations[0] (expect_column_values_to_match_regex_list): kwarg "regex_list"',
    );
    expect((err as Error).message).toContain('"(?<name>x" is not a valid RE2 regular expression');
    expect((err as Error).message).toContain('"a{2,1}"');
    expect((err as Error).message).not.toContain('"^ok$"');
  });

  it('accepts valid regexes (RE2 syntax, including \\d and (?i))', async () => {
    const path = join(dir, 'good.yaml');
    await writeFile(path, suiteWith(['(?i)^ok$', '[[:alpha:]]+']));
    const suite = await loadSuiteFile(path, { duck });
    expect(suite.expectations).toHaveLength(2);
    await expect(checkSuiteRegexes(duck, suite)).resolves.toBeUndefined();
  });

  it('refuses look-arounds, which RE2 does not have', async () => {
    const suite = parseSuite(suiteWith(['^(?!x)']), 's.yaml');
    await expect(checkSuiteRegexes(duck, suite)).rejects.toMatchObject({ code: 'SUITE_INVALID' });
  });

  it('reports a missing or unreadable file', async () => {
    await expect(loadSuiteFile(join(dir, 'none.yaml'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    await expect(loadSuiteFile(dir)).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE' });
  });
});
