import { describe, expect, it } from 'vitest';
import { closeNames } from './close-names.js';
import { resolveTypeName } from './type-names.js';

const matches = (name: string, type: string) => resolveTypeName(name)?.matches(type);

describe('resolveTypeName', () => {
  it('reads lowercase Python names as families', () => {
    for (const t of ['TINYINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UBIGINT'])
      expect(matches('int', t)).toBe(true);
    expect(matches('integer', 'DOUBLE')).toBe(false);
    expect(matches('float', 'FLOAT')).toBe(true);
    expect(matches('float', 'DOUBLE')).toBe(true);
    expect(matches('float', 'DECIMAL(18,3)')).toBe(false);
    expect(matches('number', 'DECIMAL(18,3)')).toBe(true);
    expect(matches('str', 'VARCHAR')).toBe(true);
    expect(matches('bool', 'BOOLEAN')).toBe(true);
    expect(matches('datetime', 'TIMESTAMP WITH TIME ZONE')).toBe(true);
    expect(matches('datetime', 'TIMESTAMP_NS')).toBe(true);
    expect(matches('datetime', 'DATE')).toBe(false);
    expect(matches('date', 'DATE')).toBe(true);
    expect(matches('int', 'INTEGER[]')).toBe(false);
  });

  it('reads NumPy sized names as one type', () => {
    expect(matches('int64', 'BIGINT')).toBe(true);
    expect(matches('int64', 'INTEGER')).toBe(false);
    expect(matches('float32', 'FLOAT')).toBe(true);
    expect(matches('uint8', 'UTINYINT')).toBe(true);
  });

  it('reads anything else as a DuckDB type name, with synonyms and parameters', () => {
    expect(matches('INTEGER', 'INTEGER')).toBe(true);
    expect(matches('INTEGER', 'BIGINT')).toBe(false);
    expect(matches('INT', 'INTEGER')).toBe(true);
    expect(matches('int8', 'TINYINT')).toBe(true);
    expect(matches('INT8', 'BIGINT')).toBe(true);
    expect(matches('bigint', 'BIGINT')).toBe(true);
    expect(matches('STRING', 'VARCHAR')).toBe(true);
    expect(matches('TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE')).toBe(true);
    expect(matches('DECIMAL', 'DECIMAL(18,3)')).toBe(true);
    expect(matches('DECIMAL(18, 3)', 'DECIMAL(18,3)')).toBe(true);
    expect(matches('DECIMAL(10,2)', 'DECIMAL(18,3)')).toBe(false);
    expect(matches('INT[]', 'INTEGER[]')).toBe(true);
    expect(matches('LIST', 'VARCHAR[]')).toBe(true);
    expect(matches('STRUCT', 'STRUCT(a INTEGER)')).toBe(true);
  });

  it('knows no other names', () => {
    expect(resolveTypeName('INTEGR')).toBeUndefined();
    expect(resolveTypeName('object')).toBeUndefined();
    expect(resolveTypeName('toString')).toBeUndefined();
  });
});

describe('closeNames', () => {
  it('suggests near names, nearest first', () => {
    expect(closeNames('colum', ['column', 'mostly', 'value_set'])).toEqual(['column']);
    expect(
      closeNames('expect_column_value_to_be_unique', ['expect_column_values_to_be_unique', 'x']),
    ).toEqual(['expect_column_values_to_be_unique']);
    expect(closeNames('zzz', ['column', 'mostly'])).toEqual([]);
  });
});
