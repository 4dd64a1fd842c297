import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DataProfile } from '../profile-types.js';
import { suggestSuite } from './suggester.js';
import { renderSuggestionYaml } from './suggestion-yaml.js';

const profile: DataProfile = {
  row_count: 100,
  column_count: 2,
  created_at: '2024-05-01T00:00:00.000Z',
  columns: [
    {
      name: 'id',
      type: 'BIGINT',
      kind: 'numeric',
      count: 100,
      null_count: 0,
      completeness: 1,
      approx_distinct: 97,
      min: 1,
      max: 100,
      top_values: [{ value: 1, count: 1 }],
    },
    {
      name: 'colour: "odd" #1',
      type: 'VARCHAR',
      kind: 'string',
      count: 100,
      null_count: 0,
      completeness: 1,
      approx_distinct: 2,
      top_values: [
        { value: 'red', count: 60 },
        { value: 'yes', count: 40 },
      ],
    },
  ],
};

describe('renderSuggestionYaml', () => {
  it('writes the suite as YAML that reads back to the same suite', () => {
    const suite = suggestSuite(profile, 'orders');
    const text = renderSuggestionYaml(suite, { source: 'data/orders.parquet' });
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(suite)));
    // YAML 1.1 readers would take a bare `yes` for true; it must stay a string.
    expect(text).toContain('- "yes"');
    expect(text).toContain('type: "expect_table_columns_to_match_ordered_list"');
    expect(
      parse(text).expectations.find((e: { type: string }) => e.type.endsWith('in_set')).kwargs.value_set,
    ).toEqual(['red', 'yes']);
  });

  it('heads the file with comments: the source, the profile and each rule with its count', () => {
    const suite = suggestSuite(profile, 'orders', {
      rules: ['table_columns', 'retain_type', 'numeric_range'],
    });
    const text = renderSuggestionYaml(suite, { source: 'data/orders.parquet' });
    const header = text.split('\n').filter((l) => l.startsWith('#'));
    expect(header[0]).toBe('# Expectation suite "orders", suggested by Kiln from a data profile.');
    expect(header[1]).toBe('# data: data/orders.parquet, 100 rows, profiled 2024-05-01T00:00:00.000Z');
    expect(header.join('\n')).toContain('#   table_columns (1): the columns, in order');
    expect(header.join('\n')).toContain('#   retain_type (2): the DuckDB type');
    expect(header.join('\n')).toContain('#   numeric_range (1): (opt-in)');
    expect(header.join('\n')).not.toContain('categorical_range');
    expect(text.split('\n').findIndex((l) => !l.startsWith('#'))).toBe(header.length);
  });

  it('keeps a line break in the source from ending the comment', () => {
    const suite = suggestSuite(profile, 'orders');
    const text = renderSuggestionYaml(suite, { source: 'a\nname: injected' });
    expect(parse(text).name).toBe('orders');
    expect(text).toContain('# data: a name: injected');
  });
});
