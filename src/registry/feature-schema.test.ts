import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import { resolveFeatureSchema } from './feature-schema.js';
import type { SignatureView } from './registry-types.js';

const out = [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }];
/** One 2-D input `x` of `datatype`, `width` columns wide (-1: dynamic). */
const single = (datatype = 'FP32', width = 3): SignatureView => ({
  inputs: [{ name: 'x', datatype, shape: [-1, width] }],
  outputs: out,
});
const multi: SignatureView = {
  inputs: [
    { name: 'dense', datatype: 'FP32', shape: [-1, 2] },
    { name: 'ids', datatype: 'INT64', shape: [-1, 2] },
    { name: 'image', datatype: 'FP32', shape: [-1, 3, 8, 8] },
  ],
  outputs: out,
};

function refusal(spec: unknown, signature: SignatureView): KilnError {
  try {
    resolveFeatureSchema(spec, signature);
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw e;
  }
  throw new Error('expected resolveFeatureSchema to throw');
}

describe('resolveFeatureSchema', () => {
  it('types a list of names from the only input', () => {
    expect(resolveFeatureSchema(['amount', 'hour', 'is_foreign'], single())).toEqual({
      input: 'x',
      columns: [
        { name: 'amount', type: 'float32' },
        { name: 'hour', type: 'float32' },
        { name: 'is_foreign', type: 'float32' },
      ],
    });
  });

  it.each([
    ['FP32', 'float32'],
    ['FP64', 'float64'],
    ['FP16', 'float16'],
    ['INT8', 'int8'],
    ['INT16', 'int16'],
    ['INT32', 'int32'],
    ['INT64', 'int64'],
    ['UINT8', 'uint8'],
    ['UINT16', 'uint16'],
    ['UINT32', 'uint32'],
    ['UINT64', 'uint64'],
    ['BOOL', 'bool'],
    ['BYTES', 'string'],
  ])('maps tensor datatype %s to column type %s', (datatype, type) => {
    expect(resolveFeatureSchema(['a'], single(datatype, 1)).columns).toEqual([{ name: 'a', type }]);
    // Stating the matching type explicitly is accepted too.
    expect(
      resolveFeatureSchema({ columns: [{ name: 'a', type }] }, single(datatype, 1)).columns[0]?.type,
    ).toBe(type);
  });

  it('keeps descriptions, drops empty ones, and accepts plain names inside "columns"', () => {
    const schema = resolveFeatureSchema(
      { columns: [{ name: 'a', description: 'the first' }, { name: 'b', description: '' }, 'c'] },
      single(),
    );
    expect(schema.columns).toEqual([
      { name: 'a', type: 'float32', description: 'the first' },
      { name: 'b', type: 'float32' },
      { name: 'c', type: 'float32' },
    ]);
  });

  it('picks the named input of a model with several', () => {
    expect(resolveFeatureSchema({ input: 'ids', columns: ['user', 'item'] }, multi)).toEqual({
      input: 'ids',
      columns: [
        { name: 'user', type: 'int64' },
        { name: 'item', type: 'int64' },
      ],
    });
  });

  it('accepts any column count when the last dimension is dynamic', () => {
    expect(resolveFeatureSchema(['a', 'b', 'c', 'd', 'e'], single('FP32', -1)).columns).toHaveLength(5);
  });

  it('needs "input" when the model has several inputs, and lists them', () => {
    const e = refusal(['a', 'b'], multi);
    expect(e.code).toBe('INVALID_FEATURE_SCHEMA');
    expect(e.message).toBe(
      'feature schema: "input" must name one of the model\'s inputs (dense, ids, image)',
    );
    expect(e.details).toEqual({ field: 'input' });
  });

  it('refuses an unknown input and a non-string one', () => {
    expect(refusal({ input: 'nope', columns: ['a'] }, multi).message).toBe(
      'feature schema: the model has no input "nope"; inputs: dense, ids, image',
    );
    expect(refusal({ input: 3, columns: ['a'] }, single()).details).toEqual({ field: 'input' });
  });

  it('refuses an input that is not 2-D', () => {
    const e = refusal({ input: 'image', columns: ['a', 'b', 'c'] }, multi);
    expect(e.message).toBe(
      'feature schema: input "image" must be 2-D [batch, columns], its shape is [-1, 3, 8, 8]',
    );
  });

  it('refuses a column count that differs from a fixed width', () => {
    const e = refusal(['a', 'b'], single('FP32', 3));
    expect(e.message).toBe('feature schema: input "x" has 3 columns, the schema names 2');
    expect(e.details).toEqual({ field: 'columns', expected: 3, got: 2 });
    expect(refusal(['a', 'b', 'c', 'd'], single('FP32', 3)).details).toMatchObject({ got: 4 });
  });

  it('refuses no columns', () => {
    expect(refusal([], single('FP32', -1)).message).toBe('feature schema: at least one column is needed');
  });

  it('refuses a type that differs from the tensor element type, naming the column', () => {
    const e = refusal({ columns: ['a', { name: 'b', type: 'int64' }, 'c'] }, single());
    expect(e.message).toBe('feature schema: columns[1] ("b") has type int64 but input "x" holds float32');
    expect(e.details).toEqual({ field: 'columns[1].type', expected: 'float32', got: 'int64' });
    expect(refusal({ columns: [{ name: 'a', type: 'float' }] }, single('FP32', 1)).details).toMatchObject({
      field: 'columns[0].type',
    });
  });

  it.each([
    ['a leading digit', '1st'],
    ['a space', 'a b'],
    ['an empty name', ''],
    ['129 characters', 'c'.repeat(129)],
    ['a slash', 'a/b'],
    ['a number', 7],
    ['nothing', undefined],
  ])('refuses a column name with %s', (_what, name) => {
    const e = refusal({ columns: [{ name }] }, single('FP32', 1));
    expect(e.code).toBe('INVALID_FEATURE_SCHEMA');
    expect(e.details).toEqual({ field: 'columns[0].name' });
    expect(e.message).toContain('columns[0].name must be letters, digits');
  });

  it('accepts a column name of 128 characters starting with "_"', () => {
    const name = `_${'c'.repeat(127)}`;
    expect(resolveFeatureSchema([name], single('FP32', 1)).columns[0]?.name).toBe(name);
  });

  it('refuses a repeated column name', () => {
    const e = refusal(['a', 'b', 'a'], single());
    expect(e.message).toBe('feature schema: column "a" appears twice');
    expect(e.details).toEqual({ field: 'columns[2].name' });
  });

  it('refuses a description that is not a string', () => {
    expect(refusal({ columns: [{ name: 'a', description: 5 }] }, single('FP32', 1)).details).toEqual({
      field: 'columns[0].description',
    });
  });

  it.each([
    ['null', null],
    ['a string', 'a,b,c'],
    ['an object without columns', { input: 'x' }],
    ['columns that are not a list', { columns: 'a' }],
  ])('refuses %s as a schema', (_what, spec) => {
    const e = refusal(spec, single());
    expect(e.code).toBe('INVALID_FEATURE_SCHEMA');
    expect(e.message).toMatch(/^feature schema: expected \{"columns"/);
  });

  it('refuses a null entry among the columns', () => {
    expect(refusal({ columns: [null] }, single('FP32', 1)).details).toEqual({ field: 'columns[0].name' });
  });
});
