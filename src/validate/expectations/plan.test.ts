import { describe, expect, it } from 'vitest';
import { compileSuite, duplicatesSql, scanSql } from './plan.js';

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'a', type: 'VARCHAR' },
  { name: 'b', type: 'INTEGER' },
];
const defaults = { resultFormat: 'SUMMARY' as const, partialLimit: 20, keyColumns: [] };

describe('scan compilation', () => {
  it('counts distinct keys for uniqueness in the scan, and repeats in one GROUPING SETS pass, without windows', () => {
    const plan = compileSuite(
      {
        name: 's',
        expectations: [
          { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
          { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['a', 'b'] } },
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'a' } },
        ],
      },
      't',
      columns,
      defaults,
    );
    const sql = scanSql(plan, plan.entries);
    expect(sql).not.toContain(' OVER ');
    expect(sql).not.toContain('row_number');
    expect(sql).not.toContain('GROUP BY');
    expect(sql).toContain('count(DISTINCT "id") FILTER (WHERE "id" IS NOT NULL)');
    expect(sql).toContain('count(DISTINCT row("a", "b")) FILTER (WHERE NOT ("a" IS NULL AND "b" IS NULL))');
    const repeats = duplicatesSql(plan, plan.entries);
    expect(repeats).toContain('GROUP BY GROUPING SETS (("id"), ("a", "b")) HAVING count(*) > 1');
    expect(repeats.match(/GROUP BY/g)).toHaveLength(1);
    // grouping("id", "a", "b"): 3 (0b011) for the set ("id"), 4 (0b100) for ("a", "b").
    expect(repeats).toContain('__kiln_g = 3 AND');
    expect(repeats).toContain('__kiln_g = 4 AND');
    expect(repeats).toContain('AS u0');
    expect(repeats).toContain('AS u1');
  });

  it('keeps the ordered window for increasing, which needs row order', () => {
    const plan = compileSuite(
      {
        name: 's',
        expectations: [{ type: 'expect_column_values_to_be_increasing', kwargs: { column: 'b' } }],
      },
      't',
      columns,
      defaults,
    );
    expect(scanSql(plan, plan.entries)).toContain('row_number() OVER ()');
  });
});
