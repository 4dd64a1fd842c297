/**
 * @module serve/protocol/nested-data
 * Flattens a JSON tensor's `data` into its row-major elements. The Open Inference Protocol lets
 * clients send `data` flat or nested; Kiln accepts:
 *
 * - flat: `[e0, e1, …]` with as many elements as the shape holds;
 * - nested, regularly: every array at one depth has the same length and all values sit at the same
 *   depth d (2 ≤ d ≤ rank). The lengths at depths 1…d-1 must equal the shape's first d-1
 *   dimensions, and the innermost length the product of the rest. So `[[1,2,3],[4,5,6]]` fits
 *   shape [2,3], and `[[1,2,3,4],[5,6,7,8]]` fits [2,2,2] (partly flattened rows).
 *
 * Anything else (ragged rows, arrays mixed with values, nesting deeper than the rank) is refused.
 * The walk is iterative, level by level, and stops as soon as the nesting is deeper than the rank,
 * so a body nested 10,000 levels deep costs a few loop turns, not 10,000 stack frames.
 */
import { describeValue, formatShape, protocolError } from './protocol-errors.js';

/**
 * The row-major elements of `data` (the same array when it is already flat), none of them arrays.
 * @param count the number of elements `shape` holds.
 * @throws KilnError INVALID_ARGUMENT naming the tensor: data not an array, ragged or mixed
 *   nesting, nesting that does not match the shape, or the wrong number of elements.
 */
export function flattenData(
  data: unknown,
  shape: readonly number[],
  count: number,
  label: string,
  field: string,
): unknown[] {
  if (!Array.isArray(data)) {
    throw protocolError(`${label}: data expected an array, got ${describeValue(data)}`, {
      field,
      reason: 'bad_data',
    });
  }
  const maxDepth = Math.max(shape.length, 1);
  const lengths = [data.length];
  let level: unknown[] = data;
  while (level.length > 0 && Array.isArray(level[0])) {
    const width = (level[0] as unknown[]).length;
    if (lengths.length + 1 > maxDepth) {
      throw protocolError(
        `${label}: data is nested deeper than shape ${formatShape(shape)} has dimensions (${shape.length})`,
        { field, reason: 'nesting_too_deep', rank: shape.length },
      );
    }
    // A level never holds more entries than the leaves below it unless some deeper level is empty.
    if (count > 0 && level.length * width > count) throw tooMany(label, field, shape, count);
    const next: unknown[] = [];
    for (let i = 0; i < level.length; i++) {
      const row = level[i];
      if (!Array.isArray(row)) throw mixed(label, field, lengths.length);
      if (row.length !== width) {
        throw protocolError(
          `${label}: data is ragged at depth ${lengths.length}: rows of ${width} and ${row.length} elements`,
          { field, reason: 'ragged_data' },
        );
      }
      for (let j = 0; j < width; j++) next.push(row[j]);
    }
    lengths.push(width);
    level = next;
  }
  for (let i = 0; i < level.length; i++) {
    if (Array.isArray(level[i])) throw mixed(label, field, lengths.length);
  }
  if (level.length !== count) {
    throw protocolError(
      `${label}: shape ${formatShape(shape)} holds ${count} elements, data has ${level.length}`,
      {
        field,
        reason: 'element_count',
        expected: count,
        got: level.length,
      },
    );
  }
  if (lengths.length > 1 && !nestingFits(lengths, shape)) {
    throw protocolError(
      `${label}: data nested as ${formatShape(lengths)} does not match shape ${formatShape(shape)}`,
      { field, reason: 'nesting_mismatch', nesting: lengths.slice(0, 16) },
    );
  }
  return level;
}

/** Outer lengths equal the leading dimensions; the innermost equals the product of the rest. */
function nestingFits(lengths: readonly number[], shape: readonly number[]): boolean {
  const last = lengths.length - 1;
  for (let i = 0; i < last; i++) if (lengths[i] !== shape[i]) return false;
  let rest = 1;
  for (let i = last; i < shape.length; i++) rest *= shape[i];
  return lengths[last] === rest;
}

function mixed(label: string, field: string, depth: number) {
  return protocolError(`${label}: data mixes arrays and values at depth ${depth}`, {
    field,
    reason: 'ragged_data',
  });
}

function tooMany(label: string, field: string, shape: readonly number[], count: number) {
  return protocolError(`${label}: shape ${formatShape(shape)} holds ${count} elements, data has more`, {
    field,
    reason: 'element_count',
    expected: count,
  });
}
