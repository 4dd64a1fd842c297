import { afterEach, describe, expect, it } from 'vitest';
import { type StepHarness, stepHarness } from './test-support/step-harness.js';

let h: StepHarness | undefined;
afterEach(() => h?.close());

const TX = `SELECT * FROM (VALUES
  (1, '10.5', 'a', 0, DATE '2024-01-03'),
  (2, '3',    'b', 1, DATE '2024-01-01'),
  (2, '4',    'b', 0, DATE '2024-01-05'),
  (3, NULL,   'c', 1, DATE '2024-01-02'),
  (1, '7',    'a', 0, DATE '2024-01-01')
) t(id, amount, seg, chargeback, day)`;

describe('sql step', () => {
  it('runs a SELECT over input and the sources', async () => {
    h = await stepHarness(TX);
    await h.duck.run(
      "CREATE TEMP TABLE seg_names AS SELECT * FROM (VALUES ('a', 'Alpha'), ('b', 'Beta')) v(seg, label)",
    );
    const r = await h.run(
      'sql: "with x as (select * from input where id < 3) select x.id, s.label from x join seg_names s using (seg) order by x.id, s.label"',
      { sources: ['seg_names'] },
    );
    expect(r.params).toBeNull();
    expect(r.rows).toEqual([
      { id: 1, label: 'Alpha' },
      { id: 1, label: 'Alpha' },
      { id: 2, label: 'Beta' },
      { id: 2, label: 'Beta' },
    ]);
  });

  it('refuses file readers, other tables and several statements', async () => {
    h = await stepHarness(TX);
    const bad: [string, RegExp][] = [
      ['sql: "select * from read_csv(\'/etc/passwd\')"', /calls read_csv\(\); table functions other than/],
      ['sql: "select * from \'/etc/passwd\'"', /reads "\/etc\/passwd"; it may read only input/],
      ['sql: "select * from duckdb_settings()"', /calls duckdb_settings\(\)/],
      ['sql: "select getenv(\'HOME\')"', /calls getenv\(\); it is not allowed/],
      ['sql: "select 1; drop table t_in"', /must be a single SELECT query/],
      ['sql: "drop table t_in"', /must be a single SELECT query/],
      ['sql: "select * from main.other"', /reads "main\.other"/],
      ['sql: "selec 1"', /syntax error/],
    ];
    for (const [yaml, re] of bad) {
      const err = await h.run(yaml).catch((e) => e);
      expect(err.code, yaml).toBe('STEP_FAILED');
      expect(err.message, yaml).toMatch(re);
      expect(err.message, yaml).toMatch(/^p\.yaml:5 steps\[0\]: /);
    }
    expect(await h.tempTables()).toEqual(['t_in']);
  });

  it('a missing column in the query is COLUMN_NOT_FOUND listing the available columns', async () => {
    h = await stepHarness(TX);
    const err = await h.run('sql: "select amout from input"').catch((e) => e);
    expect(err.code).toBe('COLUMN_NOT_FOUND');
    expect(err.message).toBe(
      'p.yaml:5 steps[0]: column "amout" not found (did you mean "amount"?); available columns: id, amount, seg, chargeback, day',
    );
  });
});

describe('cast step', () => {
  it('casts in place', async () => {
    h = await stepHarness(TX);
    const r = await h.run('cast: {amount: DOUBLE, id: VARCHAR}');
    expect(r.columns.slice(0, 2)).toEqual([
      { name: 'id', type: 'VARCHAR' },
      { name: 'amount', type: 'DOUBLE' },
    ]);
    expect(r.rows.map((x) => x.amount)).toEqual([10.5, 3, 4, null, 7]);
  });

  it('CAST_FAILED names the column, the row number and the value', async () => {
    h = await stepHarness(`SELECT * FROM (VALUES ('1'), (NULL), ('2.5'), ('abc'), ('x')) t(v)`);
    const err = await h.run('cast: {v: DOUBLE}').catch((e) => e);
    expect(err.code).toBe('CAST_FAILED');
    expect(err.message).toBe('p.yaml:5 steps[0]: column "v" row 4: value "abc" cannot be cast to DOUBLE');
    expect(err.details).toMatchObject({ column: 'v', row: 4, value: 'abc', type: 'DOUBLE' });
    expect(await h.tempTables()).toEqual(['t_in']);
  });

  it('a missing column is COLUMN_NOT_FOUND before anything runs', async () => {
    h = await stepHarness(TX);
    const err = await h.run('cast: {amt: DOUBLE}').catch((e) => e);
    expect(err.code).toBe('COLUMN_NOT_FOUND');
    expect(err.details).toMatchObject({
      step: 0,
      column: 'amt',
      available: ['id', 'amount', 'seg', 'chargeback', 'day'],
    });
  });
});

describe('filter and label steps', () => {
  it('filter keeps the rows where the expression is true, in order', async () => {
    h = await stepHarness(TX);
    const r = await h.run("filter: CAST(amount AS DOUBLE) > 3.5 and seg <> 'c'");
    expect(r.rows.map((x) => x.amount)).toEqual(['10.5', '4', '7']);
  });

  it('filter refuses a non-boolean expression and unknown columns', async () => {
    h = await stepHarness(TX);
    await expect(h.run('filter: id + 1')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('the filter expression has type INTEGER; expected BOOLEAN'),
    });
    await expect(h.run('filter: nope > 1')).rejects.toMatchObject({ code: 'COLUMN_NOT_FOUND' });
    await expect(h.run("filter: id in (select 1 from read_csv('x.csv'))")).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('calls read_csv()'),
    });
  });

  it('label adds a column, or replaces one in place', async () => {
    h = await stepHarness(TX);
    const r = await h.run('label: {name: is_fraud, expr: "chargeback = 1"}');
    expect(r.columns.at(-1)).toEqual({ name: 'is_fraud', type: 'BOOLEAN' });
    expect(r.rows.map((x) => x.is_fraud)).toEqual([false, true, false, true, false]);
    const again = await h.run('label: {name: seg, expr: upper(seg)}');
    expect(again.columns.map((c) => c.name)).toEqual(['id', 'amount', 'seg', 'chargeback', 'day']);
    expect(again.rows[0].seg).toBe('A');
  });
});

describe('dedupe step', () => {
  it('keeps the first row per key in input order by default', async () => {
    h = await stepHarness(TX);
    const r = await h.run('dedupe: {key: [id]}');
    expect(r.rows.map((x) => [x.id, x.amount])).toEqual([
      [1, '10.5'],
      [2, '3'],
      [3, null],
    ]);
  });

  it('keep: last by order_by keeps the latest row per key', async () => {
    h = await stepHarness(TX);
    const r = await h.run('dedupe: {key: id, keep: last, order_by: day}');
    expect(r.rows.map((x) => [x.id, x.amount])).toEqual([
      [1, '10.5'],
      [2, '4'],
      [3, null],
    ]);
    const first = await h.run('dedupe: {key: [id, seg], keep: first, order_by: [day]}');
    expect(first.rows.map((x) => [x.id, x.amount])).toEqual([
      [2, '3'],
      [3, null],
      [1, '7'],
    ]);
  });

  it('an unknown order_by column is COLUMN_NOT_FOUND', async () => {
    h = await stepHarness(TX);
    await expect(h.run('dedupe: {key: id, order_by: ts}')).rejects.toMatchObject({
      code: 'COLUMN_NOT_FOUND',
      message: expect.stringContaining('column "ts" not found'),
    });
  });
});

describe('select, drop and rename steps', () => {
  it('select keeps and orders columns; drop removes; rename renames in place', async () => {
    h = await stepHarness(TX);
    expect((await h.run('select: [seg, id]')).columns.map((c) => c.name)).toEqual(['seg', 'id']);
    expect((await h.run('drop: [day, chargeback]')).columns.map((c) => c.name)).toEqual([
      'id',
      'amount',
      'seg',
    ]);
    const r = await h.run('rename: {seg: segment, id: transaction_id}');
    expect(r.columns.map((c) => c.name)).toEqual([
      'transaction_id',
      'amount',
      'segment',
      'chargeback',
      'day',
    ]);
    expect(r.rows[0]).toMatchObject({ transaction_id: 1, segment: 'a' });
  });

  it('refuses unknown columns, dropping everything and clashing renames', async () => {
    h = await stepHarness(TX);
    await expect(h.run('select: [id, segg]')).rejects.toMatchObject({
      code: 'COLUMN_NOT_FOUND',
      message: expect.stringContaining('(did you mean "seg"?)'),
    });
    await expect(h.run('drop: [id, amount, seg, chargeback, day]')).rejects.toMatchObject({
      code: 'STEP_FAILED',
    });
    await expect(h.run('rename: {seg: ID}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('two columns named "ID"'),
    });
    await expect(h.run('rename: {segment: s}')).rejects.toMatchObject({ code: 'COLUMN_NOT_FOUND' });
  });
});
