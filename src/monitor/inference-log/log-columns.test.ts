import { describe, expect, it } from 'vitest';
import { isLoggedColumn, knownColumns, tensorColumnNames } from './log-columns.js';

const signature = {
  inputs: [
    { name: 'features', datatype: 'FP32', shape: [-1, 3] },
    { name: 'raw', datatype: 'FP32', shape: [-1, 2] },
    { name: 'wide', datatype: 'FP32', shape: [-1, -1] },
  ],
  outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }],
};
const schema = {
  input: 'features',
  columns: [
    { name: 'amount', type: 'float32' as const },
    { name: 'hour', type: 'float32' as const },
    { name: 'email', type: 'float32' as const },
  ],
};

describe('log columns', () => {
  it('names a tensor row by features, by the tensor for width 1, else <tensor>_<i>', () => {
    expect(tensorColumnNames('x', 2, ['a', 'b'])).toEqual(['a', 'b']);
    expect(tensorColumnNames('x', 2, ['a'])).toEqual(['x_0', 'x_1']);
    expect(tensorColumnNames('y', 1)).toEqual(['y']);
  });

  it.each([
    ['email', true],
    ['features', true],
    ['features_0', false],
    ['raw_1', true],
    ['raw_2', false],
    ['wide_99', true],
    ['probability', true],
    ['phone', false],
  ])('knows whether %s is a logged column (%s)', (name, expected) => {
    expect(isLoggedColumn(name, signature, schema)).toBe(expected);
  });

  it('lists the columns for messages', () => {
    expect(knownColumns(signature, schema)).toEqual([
      'amount',
      'hour',
      'email',
      'raw_0',
      'raw_1',
      'wide_<i>',
      'probability',
    ]);
  });
});
