import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type StepHarness, stepHarness } from './test-support/step-harness.js';

// numpy reference values: see fixtures/make-reference.py
const REF = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as {
  values: (number | null)[];
  mean: number;
  median: number;
  std_pop: number;
  min: number;
  max: number;
  iqr: number;
  standard_first: number;
  robust_first: number;
  minmax_first: number;
};
const firstPresent = REF.values.findIndex((v) => v !== null);
const REF_SQL = `SELECT * FROM (VALUES ${REF.values
  .map((v, i) => `(${i}, ${v === null ? 'NULL' : `CAST('${v}' AS DOUBLE)`})`)
  .join(', ')}) t(i, x) ORDER BY i`;

let h: StepHarness | undefined;
afterEach(() => h?.close());

describe('impute step', () => {
  it('fills with the mean and median numpy computes', async () => {
    h = await stepHarness(REF_SQL);
    const mean = await h.run('impute: {x: mean}');
    expect((mean.params as Record<string, { value: number }>).x.value).toBeCloseTo(REF.mean, 10);
    expect(mean.rows[0].x).toBeCloseTo(REF.mean, 10);
    const median = await h.run('impute: {x: median}');
    expect(median.params).toEqual({ x: { strategy: 'median', value: REF.median } });
    expect(median.rows.filter((r) => r.x === null)).toHaveLength(0);
  });

  it('fills with the mode (smallest on a tie) or a constant, keeping the type', async () => {
    h = await stepHarness(
      `SELECT * FROM (VALUES (1, 'b', 5), (2, 'a', NULL), (3, NULL, 5), (4, 'b', 7), (5, 'a', 7), (6, NULL, 1)) t(i, seg, n)`,
    );
    const r = await h.run('impute: {seg: mode, n: {constant: -1}}');
    expect(r.params).toEqual({
      seg: { strategy: 'mode', value: 'a' },
      n: { strategy: 'constant', value: -1 },
    });
    expect(r.rows.map((x) => [x.seg, x.n])).toEqual([
      ['b', 5],
      ['a', -1],
      ['a', 5],
      ['b', 7],
      ['a', 7],
      ['a', 1],
    ]);
    expect(r.columns.map((c) => c.type)).toEqual(['INTEGER', 'VARCHAR', 'INTEGER']);
    const c = await h.run('impute: {seg: {constant: unknown}, n: mode}');
    expect(c.rows.map((x) => x.seg)).toEqual(['b', 'a', 'unknown', 'b', 'a', 'unknown']);
    expect(c.params).toMatchObject({ n: { strategy: 'mode', value: 5 } });
  });

  it('refuses mean on text, a constant that does not fit, and an all-NULL column', async () => {
    h = await stepHarness(`SELECT * FROM (VALUES (1, 'a', NULL::DOUBLE), (2, 'b', NULL)) t(i, seg, empty)`);
    await expect(h.run('impute: {seg: mean}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('mean needs a numeric column; "seg" is VARCHAR'),
    });
    await expect(h.run('impute: {i: {constant: lots}}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('constant "lots" does not fit column "i" (INTEGER)'),
    });
    await expect(h.run('impute: {empty: median}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('no non-NULL values'),
    });
    await expect(h.run('impute: {nope: median}')).rejects.toMatchObject({ code: 'COLUMN_NOT_FOUND' });
  });

  it('fits on the training rows only once a split has run', async () => {
    h = await stepHarness(
      `SELECT * FROM (VALUES (1.0, 'train'), (3.0, 'train'), (NULL, 'train'), (100.0, 'test'), (NULL, 'test')) t(x, split)`,
    );
    const r = await h.run('impute: {x: mean}', { fitFilter: `"split" = 'train'` });
    expect(r.params).toEqual({ x: { strategy: 'mean', value: 2 } });
    expect(r.rows.map((x) => x.x)).toEqual([1, 3, 2, 100, 2]);
  });
});

describe('scale step', () => {
  it('standard, minmax and robust match numpy', async () => {
    h = await stepHarness(REF_SQL);
    const s = await h.run('scale: {x: standard}');
    const sp = (s.params as Record<string, { mean: number; std: number }>).x;
    expect(sp.mean).toBeCloseTo(REF.mean, 10);
    expect(sp.std).toBeCloseTo(REF.std_pop, 10);
    expect(s.rows[firstPresent].x).toBeCloseTo(REF.standard_first, 12);
    expect(s.rows[0].x).toBeNull(); // NULL stays NULL
    expect(s.columns[1].type).toBe('DOUBLE');
    const m = await h.run('scale: {x: minmax}');
    expect(m.params).toEqual({ x: { method: 'minmax', min: REF.min, max: REF.max } });
    expect(m.rows[firstPresent].x).toBeCloseTo(REF.minmax_first, 12);
    const r = await h.run('scale: {x: robust}');
    const rp = (r.params as Record<string, { median: number; iqr: number }>).x;
    expect(rp.median).toBeCloseTo(REF.median, 12);
    expect(rp.iqr).toBeCloseTo(REF.iqr, 12);
    expect(r.rows[firstPresent].x).toBeCloseTo(REF.robust_first, 12);
  });

  it('a constant column divides by 1 (as scikit-learn); text is refused', async () => {
    h = await stepHarness(`SELECT * FROM (VALUES (5, 'a'), (5, 'b')) t(c, s)`);
    const r = await h.run('scale: {c: standard}');
    expect(r.params).toEqual({ c: { method: 'standard', mean: 5, std: 0 } });
    expect(r.rows.map((x) => x.c)).toEqual([0, 0]);
    await expect(h.run('scale: {s: minmax}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('scaling needs a numeric column; "s" is VARCHAR'),
    });
  });
});

describe('encode step', () => {
  const SEG = `SELECT * FROM (VALUES (1, 'retail'), (2, 'smb'), (3, NULL), (4, 'retail'), (5, 'enterprise'), (6, 'smb'), (7, 'retail'), (8, 'gov')) t(id, seg)`;

  it('onehot replaces the column by 0/1 columns, vocabulary sorted', async () => {
    h = await stepHarness(SEG);
    const r = await h.run('encode: {seg: onehot}');
    expect(r.params).toEqual({
      seg: {
        method: 'onehot',
        vocabulary: ['enterprise', 'gov', 'retail', 'smb'],
        other: false,
        columns: ['seg__enterprise', 'seg__gov', 'seg__retail', 'seg__smb'],
      },
    });
    expect(r.columns.map((c) => c.name)).toEqual([
      'id',
      'seg__enterprise',
      'seg__gov',
      'seg__retail',
      'seg__smb',
    ]);
    expect(r.rows[0]).toEqual({ id: 1, seg__enterprise: 0, seg__gov: 0, seg__retail: 1, seg__smb: 0 });
    expect(r.rows[2]).toEqual({ id: 3, seg__enterprise: 0, seg__gov: 0, seg__retail: 0, seg__smb: 0 });
  });

  it('caps the vocabulary at max_categories, most frequent first, the rest in __other__', async () => {
    h = await stepHarness(SEG);
    const r = await h.run('encode: {seg: {method: onehot, max_categories: 2}}');
    expect(r.params).toMatchObject({ seg: { vocabulary: ['retail', 'smb'], other: true } });
    expect(r.columns.map((c) => c.name)).toEqual(['id', 'seg__retail', 'seg__smb', 'seg__other__']);
    expect(r.rows.map((x) => x.seg__other__)).toEqual([0, 0, 0, 0, 1, 0, 0, 1]);
    const o = await h.run('encode: {seg: {method: ordinal, max_categories: 2}}');
    expect(o.params).toEqual({ seg: { method: 'ordinal', vocabulary: ['retail', 'smb'], other: true } });
    expect(o.rows.map((x) => x.seg)).toEqual([0, 1, null, 0, 2, 1, 0, 2]);
    expect(o.columns[1]).toEqual({ name: 'seg', type: 'INTEGER' });
  });

  it('values seen only in test rows go to __other__ after a split', async () => {
    h = await stepHarness(`SELECT * FROM (VALUES ('a', 'train'), ('b', 'train'), ('z', 'test')) t(c, split)`);
    const r = await h.run('encode: {c: ordinal}', { fitFilter: `"split" = 'train'` });
    expect(r.params).toEqual({ c: { method: 'ordinal', vocabulary: ['a', 'b'], other: false } });
    expect(r.rows.map((x) => x.c)).toEqual([0, 1, 2]);
  });

  it('refuses a clash with an existing column', async () => {
    h = await stepHarness(`SELECT * FROM (VALUES ('x', 1)) t(c, c__x)`);
    await expect(h.run('encode: {c: onehot}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('one-hot column "c__x" would clash'),
    });
  });
});
