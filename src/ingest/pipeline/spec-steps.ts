/**
 * @module ingest/pipeline/spec-steps
 * Reads the `steps:` list of a pipeline spec. Each step is a mapping with exactly one key, its kind
 * (`sql`, `cast`, `filter`, `dedupe`, `impute`, `scale`, `encode`, `label`, `split`, `select`,
 * `drop`, `rename`), whose value holds that step's settings.
 */
import { readDuckType } from './spec-sources.js';
import type { At, SpecReader } from './spec-reader.js';
import type {
  EncodeSpec,
  ImputeStrategy,
  ScaleMethod,
  SpecLocation,
  StepKind,
  StepSpec,
} from './spec-types.js';

export const STEP_KINDS: readonly StepKind[] = [
  'sql',
  'cast',
  'filter',
  'dedupe',
  'impute',
  'scale',
  'encode',
  'label',
  'split',
  'select',
  'drop',
  'rename',
];

/** Default cap on one-hot / ordinal vocabularies; rarer categories go to `__other__`. */
export const DEFAULT_MAX_CATEGORIES = 50;
export const MAX_MAX_CATEGORIES = 1000;

export function readSteps(r: SpecReader, at: At): StepSpec[] {
  return r.list(at, 'a list of steps').map((item) => readStep(r, item));
}

function readStep(r: SpecReader, at: At): StepSpec {
  const keys = r.map(at, STEP_KINDS, `a step: a mapping with one key, one of ${STEP_KINDS.join(', ')}`);
  if (keys.size !== 1) {
    r.fail(
      at,
      `a step has exactly one key (its kind), got ${keys.size === 0 ? 'none' : [...keys.keys()].join(', ')}`,
    );
  }
  const [[kind, value]] = [...keys] as [[StepKind, At]];
  const location: SpecLocation = { file: r.file, line: at.line };
  const columns = 'a list of column names';
  switch (kind) {
    case 'sql':
      return {
        kind,
        location,
        sql: r.string(value, 'a SQL SELECT query string').trim().replace(/;\s*$/, ''),
      };
    case 'cast':
      return {
        kind,
        location,
        columns: r.columnMap(value, 'a mapping of column → DuckDB type', (v) => readDuckType(r, v)),
      };
    case 'filter':
      return { kind, location, expr: r.string(value, 'a SQL boolean expression string') };
    case 'dedupe': {
      const m = r.map(value, ['key', 'keep', 'order_by']);
      const key = m.get('key');
      if (!key) r.fail(value, 'missing key "key" (the columns that identify a duplicate)');
      const keep = m.get('keep');
      const orderBy = m.get('order_by');
      return {
        kind,
        location,
        key: r.stringList(key, columns),
        keep: keep ? r.oneOf(keep, ['first', 'last'] as const) : 'first',
        ...(orderBy ? { order_by: r.stringList(orderBy, columns) } : {}),
      };
    }
    case 'impute':
      return {
        kind,
        location,
        columns: r.columnMap(value, 'a mapping of column → mean | median | mode | {constant: v}', (v) =>
          readImpute(r, v),
        ),
      };
    case 'scale':
      return {
        kind,
        location,
        columns: r.columnMap(
          value,
          'a mapping of column → standard | minmax | robust',
          (v): ScaleMethod => r.oneOf(v, ['standard', 'minmax', 'robust'] as const),
        ),
      };
    case 'encode':
      return {
        kind,
        location,
        columns: r.columnMap(value, 'a mapping of column → onehot | ordinal', (v) => readEncode(r, v)),
      };
    case 'label': {
      const m = r.map(value, ['name', 'expr']);
      const name = m.get('name');
      const expr = m.get('expr');
      if (!name || !expr)
        r.fail(value, 'a label needs "name" (the new column) and "expr" (a SQL expression)');
      return {
        kind,
        location,
        name: r.string(name, 'a column name'),
        expr: r.string(expr, 'a SQL expression string'),
      };
    }
    case 'split': {
      const m = r.map(value, ['key', 'test_fraction', 'seed']);
      const key = m.get('key');
      const fraction = m.get('test_fraction');
      if (!key || !fraction) r.fail(value, 'a split needs "key" (a column) and "test_fraction" (0 < f < 1)');
      const f = r.scalar(fraction);
      if (typeof f !== 'number' || !(f > 0 && f < 1))
        r.expected(fraction, 'a number strictly between 0 and 1');
      const seed = m.get('seed');
      return {
        kind,
        location,
        key: r.string(key, 'a column name'),
        test_fraction: f,
        seed: seed ? r.integer(seed, 0) : 0,
      };
    }
    case 'select':
    case 'drop':
      return { kind, location, columns: r.stringList(value, columns) };
    case 'rename':
      return {
        kind,
        location,
        columns: r.columnMap(value, 'a mapping of old column name → new column name', (v) =>
          r.string(v, 'a new column name'),
        ),
      };
  }
}

function readImpute(r: SpecReader, at: At): ImputeStrategy {
  const expected = 'mean, median, mode or {constant: value}';
  if (r.scalar(at) !== undefined) {
    const v = r.scalar(at);
    if (v === 'mean' || v === 'median' || v === 'mode') return v;
    r.expected(at, expected);
  }
  const m = r.map(at, ['constant'], expected);
  const c = m.get('constant');
  if (!c) r.expected(at, expected);
  const v = r.scalar(c);
  if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
    r.expected(c, 'a string, number or boolean');
  }
  return { constant: v };
}

function readEncode(r: SpecReader, at: At): EncodeSpec {
  const methods = ['onehot', 'ordinal'] as const;
  if (r.scalar(at) !== undefined)
    return { method: r.oneOf(at, methods), max_categories: DEFAULT_MAX_CATEGORIES };
  const m = r.map(at, ['method', 'max_categories'], 'onehot, ordinal or {method, max_categories}');
  const method = m.get('method');
  if (!method) r.fail(at, 'missing key "method" (onehot or ordinal)');
  const max = m.get('max_categories');
  return {
    method: r.oneOf(method, methods),
    max_categories: max ? r.integer(max, 1, MAX_MAX_CATEGORIES) : DEFAULT_MAX_CATEGORIES,
  };
}
