import { describe, expect, it } from 'vitest';
import { compileSuite, scanSql } from './plan.js';

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'a', type: 'VARCHAR' },
  { name: 'b', type: 'INTEGER' },
];
const defaults = { resultFormat: 'SUMMARY' as const, partialLimit: 20, keyColumns: [] };

describe('scan compilation', () => {
  it('counts every uniqueness expectation in one GROUPING SETS pass, keeping windows (and the row ordinal) out of the scan', () => {
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
    expect(sql).toContain('GROUP BY GROUPING SETS (("id"), ("a", "b")) HAVING count(*) > 1');
    expect(sql.match(/GROUP BY/g)).toHaveLength(1);
    // grouping("id", "a", "b"): 3 (0b011) for the set ("id"), 4 (0b100) for ("a", "b").
    expect(sql).toContain('__kiln_g = 3 AND');
    expect(sql).toContain('__kiln_g = 4 AND');
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
