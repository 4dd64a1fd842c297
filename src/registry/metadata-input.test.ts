import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import { parseLineage, parseMetrics, parseParams, parseTags } from './metadata-input.js';

function refusal(f: () => unknown): KilnError {
  try {
    f();
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw e;
  }
  throw new Error('expected a KilnError');
}

const many = (n: number, value: unknown) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));

describe('parseTags', () => {
  it('reads nothing as no tags and keeps valid ones', () => {
    expect(parseTags(undefined)).toEqual({});
    expect(parseTags(null)).toEqual({});
    expect(parseTags({ team: 'risk', 'data.version': 'v-2', a_b: '' })).toEqual({
      team: 'risk',
      'data.version': 'v-2',
      a_b: '',
    });
  });

  it.each([['1st'], ['a b'], [''], ['_x'], ['k'.repeat(65)], ['a/b']])('refuses the key %j', (key) => {
    const e = refusal(() => parseTags({ [key]: 'v' }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.details).toMatchObject({ field: 'tags key', got: JSON.stringify(key) });
  });

  it('accepts a key of 64 characters', () => {
    expect(Object.keys(parseTags({ [`k${'x'.repeat(63)}`]: 'v' }))).toHaveLength(1);
  });

  it.each([
    ['a number', 3, '3'],
    ['null', null, 'null'],
    ['a list', ['a'], '["a"]'],
    ['1025 characters', 'v'.repeat(1025), JSON.stringify('v'.repeat(1025))],
  ])('refuses %s as a value, naming the tag', (_what, value, got) => {
    const e = refusal(() => parseTags({ stage: value }));
    expect(e.message).toMatch(/^tags\.stage: expected a string of at most 1024 characters, got /);
    expect(e.details).toMatchObject({ field: 'tags.stage' });
    if (got.length < 200) expect(e.details.got).toBe(got);
  });

  it('refuses anything but an object, and more than 256 entries', () => {
    expect(refusal(() => parseTags(['a'])).details).toMatchObject({ field: 'tags', expected: 'an object' });
    expect(refusal(() => parseTags('team=risk')).details).toMatchObject({ field: 'tags' });
    expect(Object.keys(parseTags(many(256, 'v')))).toHaveLength(256);
    expect(refusal(() => parseTags(many(257, 'v'))).message).toBe(
      'tags: expected at most 256 entries, got "257 entries"',
    );
  });

  it('names the field it was given', () => {
    expect(refusal(() => parseTags({ x: 1 }, 'model.tags')).details).toMatchObject({ field: 'model.tags.x' });
  });
});

describe('parseMetrics', () => {
  it('keeps finite numbers', () => {
    expect(parseMetrics({ auc: 0.93, loss: -1.5e-3, count: 0 })).toEqual({
      auc: 0.93,
      loss: -1.5e-3,
      count: 0,
    });
    expect(parseMetrics(undefined)).toEqual({});
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a numeric string', '0.9'],
    ['null', null],
    ['a boolean', true],
  ])('refuses %s, naming the metric', (_what, value) => {
    const e = refusal(() => parseMetrics({ auc: value }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^metrics\.auc: expected a finite number, got /);
    expect(e.details).toMatchObject({ field: 'metrics.auc', expected: 'a finite number' });
  });

  it('refuses a bad metric name', () => {
    expect(refusal(() => parseMetrics({ '9auc': 1 })).details).toMatchObject({ field: 'metrics key' });
  });
});

describe('parseParams', () => {
  it('keeps strings and writes numbers and booleans as text', () => {
    expect(parseParams({ lr: 0.01, depth: 6, shuffle: false, solver: 'adam' })).toEqual({
      lr: '0.01',
      depth: '6',
      shuffle: 'false',
      solver: 'adam',
    });
  });

  it.each([
    ['an object', { n: 1 }],
    ['a list', [1]],
    ['null', null],
  ])('refuses %s as a value', (_what, value) => {
    const e = refusal(() => parseParams({ layers: value }));
    expect(e.message).toMatch(/^params\.layers: expected a string, number or boolean, got /);
  });

  it('refuses a bad parameter name and a non-object', () => {
    expect(refusal(() => parseParams({ 'a b': '1' })).details).toMatchObject({ field: 'params key' });
    expect(refusal(() => parseParams(5)).details).toMatchObject({ field: 'params' });
  });
});

describe('parseLineage', () => {
  it('keeps dataset versions and the run id', () => {
    expect(parseLineage({ datasets: ['transactions@3', 'holdout@12'], run: 'run:2026-03-01.a_b-c' })).toEqual(
      {
        datasets: ['transactions@3', 'holdout@12'],
        run: 'run:2026-03-01.a_b-c',
      },
    );
    expect(parseLineage(undefined)).toEqual({});
    expect(parseLineage({ datasets: [] })).toEqual({ datasets: [] });
  });

  it.each([
    [
      'a bare name',
      'transactions',
      'lineage.datasets[0]: expected name@version (a version number), got "transactions"',
    ],
    [
      'an alias',
      'transactions@latest',
      'lineage.datasets[0]: expected name@version (a version number), got "transactions@latest"',
    ],
    ['version 0', 'transactions@0', 'lineage.datasets[0]: version must be a positive integer, got "0"'],
    ['a bad name', '../etc@1', 'lineage.datasets[0]: must not contain path separators, got "../etc"'],
    ['a number', 3, 'lineage.datasets[0]: expected name@version, got 3'],
  ])('refuses a dataset given as %s', (_what, dataset, message) => {
    expect(refusal(() => parseLineage({ datasets: [dataset] })).message).toBe(message);
  });

  it('refuses datasets that are not a list, a bad run id and unknown keys', () => {
    expect(refusal(() => parseLineage({ datasets: 'a@1' })).details).toMatchObject({
      field: 'lineage.datasets',
    });
    expect(refusal(() => parseLineage({ run: 'has space' })).details).toMatchObject({ field: 'lineage.run' });
    expect(refusal(() => parseLineage({ run: 'r'.repeat(129) })).details).toMatchObject({
      field: 'lineage.run',
    });
    expect(refusal(() => parseLineage({ run: 42 })).details).toMatchObject({ field: 'lineage.run' });
    expect(refusal(() => parseLineage({ commit: 'abc' })).message).toBe(
      'lineage: expected only the keys "datasets" and "run", got "commit"',
    );
  });
});
