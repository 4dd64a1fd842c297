import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine, quoteLiteral } from '../store/duckdb/duck-engine.js';
import { validateRelation } from './validator.js';

describe('validateRelation on a view over a CSV file', () => {
  let duck: DuckEngine;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiln-val-'));
    writeFileSync(join(dir, 'x.csv'), 'id,k\n1,a\n2,b\n2,c\n3,\n');
    duck = await DuckEngine.open();
    await duck.run(`CREATE VIEW data AS SELECT * FROM read_csv(${quoteLiteral(join(dir, 'x.csv'))})`);
  });
  afterAll(() => {
    duck.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses the text once for a suite needing several scans, and reports against the view', async () => {
    const result = await validateRelation(
      duck,
      'data',
      {
        name: 's',
        expectations: [
          { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'k' } },
        ],
      },
      { resultFormat: 'COMPLETE', keyColumns: ['k'] },
    );
    const [unique, notNull] = result.results;
    expect(unique?.result.unexpected_count).toBe(2);
    expect(unique?.result.unexpected_list).toEqual([2, 2]);
    expect(unique?.result.unexpected_index_query).toContain('"data"');
    expect(notNull?.result.unexpected_count).toBe(1);
    // materialize + scan + detail queries; the temporary table is gone afterwards
    expect(result.meta.queries).toBeGreaterThanOrEqual(2);
    const left = await duck.query(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '__kiln_validate_%'",
    );
    expect(Number(left.rows[0]?.n)).toBe(0);
  });
});
