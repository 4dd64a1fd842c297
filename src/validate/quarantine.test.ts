import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckEngine } from '../store/duckdb/duck-engine.js';
import type { ExpectationSuite } from './suite-types.js';
import { splitFailingRows } from './quarantine.js';
import { validateRelation } from './validator.js';

describe('splitFailingRows', () => {
  let duck: DuckEngine;
  beforeAll(async () => {
    duck = await DuckEngine.open();
    await duck.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      (1, 10.0, 'a'), (2, -5.0, 'b'), (3, 7.0, 'zzz'), (3, 8.0, 'a'), (5, NULL, 'c')) v(id, amount, cat)`);
  });
  afterAll(() => duck.close());

  const rowSuite: ExpectationSuite = {
    name: 's',
    expectations: [
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'amount', min_value: 0 } },
      { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'cat', value_set: ['a', 'b', 'c'] } },
      { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
      { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'cat' } },
    ],
  };

  it('moves exactly the rows that break a failed row-wise expectation, keeping the columns', async () => {
    const result = await validateRelation(duck, 't', rowSuite);
    expect(result.success).toBe(false);
    const split = await splitFailingRows(duck, 't', rowSuite, result);
    expect(split.blockingFailures).toEqual([]);
    expect(split.quarantined).toEqual([
      'expect_column_values_to_be_between(amount)',
      'expect_column_values_to_be_in_set(cat)',
      'expect_column_values_to_be_unique(id)',
    ]);
    expect(split).toMatchObject({ passingRows: 2, failingRows: 3 });
    const passing = await duck.query(`SELECT * FROM t__passing ORDER BY id`);
    expect(passing.columns).toEqual(['id', 'amount', 'cat']);
    expect(passing.rows.map((r) => r.id)).toEqual([1, 5]);
    const again = await validateRelation(duck, 't__passing', rowSuite);
    expect(again.success).toBe(true);
  });

  it('reports aggregate failures as blocking: removing rows cannot repair them', async () => {
    const suite: ExpectationSuite = {
      name: 'agg',
      expectations: [
        { type: 'expect_column_mean_to_be_between', kwargs: { column: 'amount', min_value: 100 } },
      ],
    };
    const result = await validateRelation(duck, 't', suite);
    const split = await splitFailingRows(duck, 't', suite, result);
    expect(split.blockingFailures).toEqual(['expect_column_mean_to_be_between(amount)']);
    expect(split).toMatchObject({ passingRows: 5, failingRows: 0 });
  });
});
