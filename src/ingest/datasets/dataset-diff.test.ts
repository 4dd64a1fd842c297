import { describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../../validate/profile-types.js';
import { diffVersions } from './dataset-diff.js';
import type { DatasetVersion } from './dataset-types.js';

function col(name: string, type: string, mean: number, completeness = 1): ColumnProfile {
  return {
    name,
    type,
    kind: 'numeric',
    count: 10,
    null_count: 0,
    completeness,
    approx_distinct: 10,
    min: 0,
    max: 9,
    mean,
    stddev: 1,
  };
}

function version(v: number, rows: number, cols: ColumnProfile[]): DatasetVersion {
  return {
    dataset: 't',
    version: v,
    ref: `t@${v}`,
    versionKey: 'k',
    digest: 'd',
    sizeBytes: 1,
    rowCount: rows,
    schema: cols.map((c) => ({ name: c.name, type: c.type })),
    profile: { row_count: rows, column_count: cols.length, columns: cols, created_at: '' },
    validation: null,
    lineage: { pipeline: null, specDigest: null, pipelineRunId: null, sources: [], steps: [] },
    pipelineRunId: null,
    createdBy: 'x',
    createdAt: '',
  };
}

describe('diffVersions', () => {
  const a = version(1, 100, [col('amount', 'DOUBLE', 10), col('gone', 'VARCHAR', 0), col('n', 'INTEGER', 1)]);
  const b = version(2, 120, [col('amount', 'DOUBLE', 12, 0.9), col('n', 'BIGINT', 1), col('new', 'DATE', 0)]);

  it('reports schema changes and the statistics that moved', () => {
    const d = diffVersions(a, b);
    expect(d.rowCount).toEqual({ from: 100, to: 120, delta: 20 });
    expect(d.added).toEqual([{ name: 'new', type: 'DATE' }]);
    expect(d.removed).toEqual([{ name: 'gone', type: 'VARCHAR' }]);
    expect(d.retyped).toEqual([{ name: 'n', from: 'INTEGER', to: 'BIGINT' }]);
    const amount = d.columns.find((c) => c.name === 'amount');
    expect(amount?.stats.mean).toEqual({ from: 10, to: 12, delta: 2 });
    expect(amount?.stats.completeness?.delta).toBeCloseTo(-0.1);
    expect(amount?.stats.max).toBeUndefined();
  });

  it('lists every statistic with all: true and nothing for identical versions', () => {
    expect(diffVersions(a, a).columns).toEqual([]);
    const all = diffVersions(a, a, { all: true });
    expect(all.columns.map((c) => c.name)).toEqual(['amount', 'gone', 'n']);
    expect(Object.keys(all.columns[0]?.stats ?? {})).toEqual([
      'completeness',
      'approx_distinct',
      'min',
      'max',
      'mean',
      'stddev',
    ]);
  });
});
