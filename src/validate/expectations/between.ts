/**
 * @module validate/expectations/between
 * GX's between kwargs (`min_value`, `max_value`, `strict_min`, `strict_max`), shared by every
 * `…_to_be_between` expectation: a null or absent bound is open, a strict bound excludes itself.
 */
import type { KwargKind, KwargSpec, Kwargs } from './types.js';

/** The four between kwargs, with bounds of the given kind (`bound`, `count_bound`, …). */
export function betweenKwargs(kind: KwargKind, strict = true): Record<string, KwargSpec> {
  const specs: Record<string, KwargSpec> = {
    min_value: { kind, default: null, doc: 'lower bound; null = open' },
    max_value: { kind, default: null, doc: 'upper bound; null = open' },
  };
  if (strict) {
    specs.strict_min = { kind: 'boolean', default: false, doc: 'exclude min_value itself' };
    specs.strict_max = { kind: 'boolean', default: false, doc: 'exclude max_value itself' };
  }
  return specs;
}

/** min_value must not lie above max_value when both are numbers (strings are cast by DuckDB later). */
export function minNotAboveMax(kwargs: Kwargs): string | undefined {
  const { min_value: min, max_value: max } = kwargs;
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    return `min_value (${JSON.stringify(min)}) is above max_value (${JSON.stringify(max)})`;
  }
  return undefined;
}

/** As GX, a row-wise between needs at least one bound (both open would accept every value). */
export function oneBoundAndOrdered(kwargs: Kwargs): string | undefined {
  if ((kwargs.min_value ?? null) === null && (kwargs.max_value ?? null) === null) {
    return 'min_value and max_value cannot both be null';
  }
  return minNotAboveMax(kwargs);
}

/** Whether a number lies within the between kwargs (for values known without a query). */
export function numberWithin(n: number, kwargs: Kwargs): boolean {
  const min = kwargs.min_value ?? null;
  const max = kwargs.max_value ?? null;
  if (typeof min === 'number' && (kwargs.strict_min === true ? n <= min : n < min)) return false;
  if (typeof max === 'number' && (kwargs.strict_max === true ? n >= max : n > max)) return false;
  return true;
}
