import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { isNestedType, isNumericType, planColumns } from './column-plan.js';

const ref = [
  { name: 'id', type: 'BIGINT' },
  { name: 'amount', type: 'DECIMAL(18,2)' },
  { name: 'country', type: 'VARCHAR' },
  { name: 'when', type: 'TIMESTAMP' },
  { name: 'tags', type: 'VARCHAR[]' },
  { name: 'only_ref', type: 'DOUBLE' },
];
const cur = [
  { name: 'id', type: 'INTEGER' },
  { name: 'amount', type: 'DOUBLE' },
  { name: 'country', type: 'VARCHAR' },
  { name: 'when', type: 'TIMESTAMP' },
  { name: 'tags', type: 'VARCHAR[]' },
  { name: 'only_cur', type: 'FLOAT' },
];

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return (e as KilnError).code;
  }
  return 'none';
}

describe('planColumns', () => {
  it('compares shared columns by type, skips nested ones and lists one-sided columns', () => {
    const p = planColumns(ref, cur);
    expect(p.columns.map((c) => [c.name, c.kind])).toEqual([
      ['id', 'numeric'],
      ['amount', 'numeric'],
      ['country', 'categorical'],
      ['when', 'categorical'],
    ]);
    expect(p.skipped.map((s) => s.column)).toEqual(['tags']);
    expect(p.referenceOnly).toEqual(['only_ref']);
    expect(p.currentOnly).toEqual(['only_cur']);
  });

  it('applies overrides and column selection, and hands mixed types to the caller', () => {
    const p = planColumns(ref, cur, { columns: ['id', 'country'], categorical: ['id'] });
    expect(p.columns.map((c) => [c.name, c.kind, c.forced])).toEqual([
      ['id', 'categorical', true],
      ['country', 'categorical', false],
    ]);
    const mixed = planColumns([{ name: 'x', type: 'DOUBLE' }], [{ name: 'x', type: 'VARCHAR' }]);
    expect(mixed.columns).toEqual([]);
    expect(mixed.mixed.map((c) => c.name)).toEqual(['x']);
  });

  it('refuses no shared column, missing or contradictory overrides and named nested columns', () => {
    expect(codeOf(() => planColumns([{ name: 'a', type: 'DOUBLE' }], [{ name: 'b', type: 'DOUBLE' }]))).toBe(
      'DRIFT_INPUT_INVALID',
    );
    expect(codeOf(() => planColumns(ref, cur, { columns: ['only_ref'] }))).toBe('COLUMN_NOT_FOUND');
    expect(codeOf(() => planColumns(ref, cur, { numeric: ['ghost'] }))).toBe('COLUMN_NOT_FOUND');
    expect(codeOf(() => planColumns(ref, cur, { numeric: ['id'], categorical: ['id'] }))).toBe(
      'DRIFT_INPUT_INVALID',
    );
    expect(codeOf(() => planColumns(ref, cur, { columns: ['tags'] }))).toBe('DRIFT_INPUT_INVALID');
  });

  it('knows DuckDB numeric and nested type names', () => {
    for (const t of ['TINYINT', 'UBIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL(4,1)'])
      expect(isNumericType(t), t).toBe(true);
    for (const t of ['VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP WITH TIME ZONE', 'UUID', 'INTERVAL']) {
      expect(isNumericType(t), t).toBe(false);
    }
    for (const t of ['INTEGER[]', 'DOUBLE[3]', 'STRUCT(a INTEGER)', 'MAP(VARCHAR, INTEGER)'])
      expect(isNestedType(t), t).toBe(true);
    expect(isNestedType('VARCHAR')).toBe(false);
  });
});
