import { describe, expect, it } from 'vitest';
import { flattenData } from './nested-data.js';
import { kilnErrorOf } from './test-support/wire.js';

const flatten = (data: unknown, shape: number[]) =>
  flattenData(
    data,
    shape,
    shape.reduce((a, b) => a * b, 1),
    'input "x"',
    'inputs[0].data',
  );

describe('flattenData', () => {
  it('returns flat data as it is', () => {
    const data = [1, 2, 3, 4, 5, 6];
    expect(flatten(data, [2, 3])).toBe(data);
  });

  it('flattens fully nested data row-major, equal to the flat form', () => {
    expect(
      flatten(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [2, 3],
      ),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      flatten(
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
        ],
        [2, 2, 2],
      ),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('accepts partly flattened rows whose length is the product of the remaining dimensions', () => {
    expect(
      flatten(
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ],
        [2, 2, 2],
      ),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('handles empty tensors and scalars', () => {
    expect(flatten([], [0, 3])).toEqual([]);
    expect(flatten([[], []], [2, 0])).toEqual([]);
    expect(
      flatten(
        [
          [[], [], []],
          [[], [], []],
        ],
        [2, 3, 0],
      ),
    ).toEqual([]);
    expect(flatten([7], [])).toEqual([7]);
  });

  it('names the tensor, the shape and the counts when the element count is wrong', () => {
    const e = kilnErrorOf(() => flatten(new Array(15).fill(0), [1, 16]));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('input "x": shape [1,16] holds 16 elements, data has 15');
    expect(e.details).toMatchObject({
      field: 'inputs[0].data',
      reason: 'element_count',
      expected: 16,
      got: 15,
    });
    expect(
      kilnErrorOf(() =>
        flatten(
          [
            [1, 2],
            [3, 4],
          ],
          [3, 1],
        ),
      ).message,
    ).toBe('input "x": shape [3,1] holds 3 elements, data has more');
  });

  it('refuses nesting that does not match the shape', () => {
    const e = kilnErrorOf(() =>
      flatten(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [2, 3],
      ),
    );
    expect(e.message).toBe('input "x": data nested as [3,2] does not match shape [2,3]');
    expect(e.details.reason).toBe('nesting_mismatch');
  });

  it('refuses ragged rows and arrays mixed with values', () => {
    expect(kilnErrorOf(() => flatten([[1, 2], [3]], [2, 2])).details.reason).toBe('ragged_data');
    expect(
      kilnErrorOf(() =>
        flatten(
          [
            [1, 2],
            [3, 4, 5],
          ],
          [2, 2],
        ),
      ).message,
    ).toBe('input "x": data is ragged at depth 1: rows of 2 and 3 elements');
    expect(kilnErrorOf(() => flatten([1, [2]], [2])).message).toBe(
      'input "x": data mixes arrays and values at depth 1',
    );
    expect(kilnErrorOf(() => flatten([[1, 2], 3], [2, 2])).message).toBe(
      'input "x": data mixes arrays and values at depth 1',
    );
  });

  it('refuses data that is not an array', () => {
    expect(kilnErrorOf(() => flatten(5, [1])).message).toBe('input "x": data expected an array, got 5');
    expect(kilnErrorOf(() => flatten({ a: 1 }, [1])).message).toBe(
      'input "x": data expected an array, got an object',
    );
  });

  it('stops at the shape rank on nesting 10,000 levels deep', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const e = kilnErrorOf(() => flatten(deep, [1, 1]));
    expect(e.message).toBe('input "x": data is nested deeper than shape [1,1] has dimensions (2)');
  });

  it('walks nesting 10,000 levels deep when the shape really has that rank', () => {
    let deep: unknown = [42];
    for (let i = 0; i < 9_999; i++) deep = [deep];
    expect(flatten(deep, new Array(10_000).fill(1))).toEqual([42]);
  });
});
