import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type StepHarness, stepHarness } from './test-support/step-harness.js';

/** The kiln-md5-v1 split, computed independently of DuckDB. */
function splitOf(key: string | number, seed: number, testFraction: number): 'train' | 'test' {
  const hex = createHash('md5').update(`${seed}:${key}`).digest('hex');
  return Number.parseInt(hex.slice(0, 8), 16) / 2 ** 32 < testFraction ? 'test' : 'train';
}

let h: StepHarness | undefined;
afterEach(() => h?.close());

describe('split step', () => {
  it('matches the documented hash computed with node:crypto, for integer and text keys', async () => {
    h = await stepHarness("SELECT i AS id, CAST(i AS VARCHAR) || '-x' AS code FROM range(2000) t(i)");
    const r = await h.run('split: {key: id, test_fraction: 0.2, seed: 7}');
    expect(r.params).toEqual({ key: 'id', seed: 7, test_fraction: 0.2, hash: 'kiln-md5-v1' });
    expect(r.rows.map((x) => x.split)).toEqual(r.rows.map((x) => splitOf(x.id as number, 7, 0.2)));
    const tests = r.rows.filter((x) => x.split === 'test').length;
    expect(tests).toBeGreaterThan(340); // ≈ 400 expected
    expect(tests).toBeLessThan(460);
    const text = await h.run('split: {key: code, test_fraction: 0.5, seed: 0}');
    expect(text.rows.map((x) => x.split)).toEqual(text.rows.map((x) => splitOf(x.code as string, 0, 0.5)));
  });

  it('pins known keys (the same rows land in the same split on any machine)', async () => {
    h = await stepHarness("SELECT * FROM (VALUES ('abc'), ('tx-0001'), ('tx-0002'), ('42')) t(k)");
    const r = await h.run('split: {key: k, test_fraction: 0.5, seed: 7}');
    // md5('7:abc') = a784c916…: 0xa784c916 / 2^32 = 0.654… ≥ 0.5 → train
    expect(createHash('md5').update('7:abc').digest('hex').slice(0, 8)).toBe('a784c916');
    expect(r.rows[0].split).toBe('train');
    expect(r.rows.map((x) => x.split)).toEqual(
      ['abc', 'tx-0001', 'tx-0002', '42'].map((k) => splitOf(k, 7, 0.5)),
    );
  });

  it('a different seed gives a different split; a NULL key fails the step', async () => {
    h = await stepHarness('SELECT i AS id FROM range(200) t(i)');
    const a = await h.run('split: {key: id, test_fraction: 0.3, seed: 1}');
    const b = await h.run('split: {key: id, test_fraction: 0.3, seed: 2}');
    expect(a.rows.map((x) => x.split)).not.toEqual(b.rows.map((x) => x.split));
    h.close();
    h = await stepHarness('SELECT * FROM (VALUES (1), (NULL)) t(id)');
    await expect(h.run('split: {key: id, test_fraction: 0.3}')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('the split key "id" is NULL in 1 row(s)'),
    });
    await expect(h.run('split: {key: nope, test_fraction: 0.3}')).rejects.toMatchObject({
      code: 'COLUMN_NOT_FOUND',
    });
  });
});
