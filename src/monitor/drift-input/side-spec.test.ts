import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { fileFormatOf, parseSide } from './side-spec.js';

describe('parseSide', () => {
  it('tells files (by extension) from dataset references', () => {
    expect(parseSide('data/x.parquet', 'reference')).toMatchObject({ kind: 'file', format: 'parquet' });
    expect(parseSide('X.CSV', 'reference')).toMatchObject({ kind: 'file', format: 'csv' });
    expect(parseSide('a.tsv.gz', 'reference')).toMatchObject({ kind: 'file', format: 'tsv' });
    expect(parseSide('a.jsonl', 'reference')).toMatchObject({ kind: 'file', format: 'ndjson' });
    expect(parseSide('sales@3', 'reference')).toMatchObject({
      kind: 'dataset',
      ref: { name: 'sales', version: 3 },
    });
    expect(parseSide('sales', 'reference')).toMatchObject({ kind: 'dataset', ref: { name: 'sales' } });
    expect(fileFormatOf('x.txt')).toBeNull();
  });

  it('refuses empty values, unknown extensions on paths and malformed references', () => {
    const code = (v: unknown) => {
      try {
        parseSide(v, 'current');
      } catch (e) {
        expect(e).toBeInstanceOf(KilnError);
        return (e as KilnError).code;
      }
      return 'none';
    };
    expect(code('')).toBe('DRIFT_INPUT_INVALID');
    expect(code(42)).toBe('DRIFT_INPUT_INVALID');
    expect(code('dir/data.txt')).toBe('DRIFT_INPUT_INVALID');
    expect(code('sales@0')).toBe('INVALID_ARGUMENT');
    expect(code('9sales')).toBe('INVALID_NAME');
  });
});
