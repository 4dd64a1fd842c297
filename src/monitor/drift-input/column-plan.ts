/**
 * @module monitor/drift-input/column-plan
 * Which columns a drift comparison reads, and as what. A column is compared when both sides have
 * it (same name). Its kind comes from the DuckDB types: numeric types (integers, DECIMAL, FLOAT,
 * DOUBLE) on both sides → `numeric` (read as DOUBLE); anything else → `categorical` (read as
 * VARCHAR: strings, booleans, dates, timestamps, enums, UUIDs). `categorical` / `numeric`
 * overrides force a kind. Nested types (LIST, STRUCT, MAP, UNION, ARRAY) are skipped with a reason
 * unless named explicitly, when they are refused. A column numeric on one side and not on the other
 * is returned in `mixed` for the caller to settle (see compareSides).
 */
import { KilnError } from '../../core/errors.js';
import type { ColumnKind } from '../drift/drift-stats.js';

export interface ColumnType {
  readonly name: string;
  readonly type: string;
}

export interface PlanOptions {
  /** Compare only these columns (each must exist on both sides). */
  readonly columns?: readonly string[];
  /** Compare these as categories, whatever their type. */
  readonly categorical?: readonly string[];
  /** Compare these as numbers (non-numeric types are cast to DOUBLE; a value that does not cast fails). */
  readonly numeric?: readonly string[];
}

export interface PlannedColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly referenceType: string;
  readonly currentType: string;
  /** Kind forced by an override. */
  readonly forced: boolean;
}

export interface ColumnPlan {
  readonly columns: PlannedColumn[];
  /** Numeric on one side only, no override: the caller decides (a side with no value follows the other). */
  readonly mixed: PlannedColumn[];
  readonly referenceOnly: string[];
  readonly currentOnly: string[];
  readonly skipped: { readonly column: string; readonly reason: string }[];
}

const NUMERIC_RE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?|NUMERIC(\(\d+,\s*\d+\))?|VARINT|BIGNUM)$/i;
const NESTED_RE = /^(STRUCT|MAP|UNION)\b|\[\d*\]$/i;

/** True for DuckDB numeric type names. */
export function isNumericType(type: string): boolean {
  return NUMERIC_RE.test(type.trim());
}

/** True for LIST, ARRAY, STRUCT, MAP and UNION types. */
export function isNestedType(type: string): boolean {
  return NESTED_RE.test(type.trim());
}

/**
 * Plans the comparison of two schemas. Throws COLUMN_NOT_FOUND when an option names a column a side
 * lacks, DRIFT_INPUT_INVALID when no column is shared (naming both lists), when a column is both
 * categorical and numeric, or when an explicitly named column has a nested type.
 */
export function planColumns(
  reference: readonly ColumnType[],
  current: readonly ColumnType[],
  options: PlanOptions = {},
): ColumnPlan {
  const refTypes = new Map(reference.map((c) => [c.name, c.type]));
  const curTypes = new Map(current.map((c) => [c.name, c.type]));
  const categorical = new Set(options.categorical ?? []);
  const numeric = new Set(options.numeric ?? []);
  for (const c of categorical) {
    if (numeric.has(c)) {
      throw new KilnError('DRIFT_INPUT_INVALID', `column "${c}" is named both categorical and numeric`, {
        field: 'categorical',
        column: c,
      });
    }
  }
  const named = options.columns !== undefined && options.columns.length > 0;
  for (const [flag, list] of [
    ['columns', options.columns ?? []],
    ['categorical', [...categorical]],
    ['numeric', [...numeric]],
  ] as const) {
    for (const c of list) {
      const missing = [refTypes.has(c) ? '' : 'reference', curTypes.has(c) ? '' : 'current'].filter(Boolean);
      if (missing.length > 0) {
        throw new KilnError(
          'COLUMN_NOT_FOUND',
          `${flag}: column "${c}" is not in the ${missing.join(' or the ')}; reference has ${listed(reference)}; current has ${listed(current)}`,
          { field: flag, column: c, missing },
        );
      }
    }
  }
  const shared = reference.filter((c) => curTypes.has(c.name)).map((c) => c.name);
  if (shared.length === 0) {
    throw new KilnError(
      'DRIFT_INPUT_INVALID',
      `the reference and the current data have no column in common; reference has ${listed(reference)}; current has ${listed(current)}`,
      { reference: reference.map((c) => c.name), current: current.map((c) => c.name) },
    );
  }
  const wanted = named ? [...new Set(options.columns)] : shared;
  const plan: ColumnPlan = {
    columns: [],
    mixed: [],
    referenceOnly: reference.filter((c) => !curTypes.has(c.name)).map((c) => c.name),
    currentOnly: current.filter((c) => !refTypes.has(c.name)).map((c) => c.name),
    skipped: [],
  };
  for (const name of wanted) {
    const referenceType = refTypes.get(name) as string;
    const currentType = curTypes.get(name) as string;
    if (isNestedType(referenceType) || isNestedType(currentType)) {
      const reason = `nested type (${referenceType} / ${currentType}) cannot be compared`;
      if (named || categorical.has(name) || numeric.has(name)) {
        throw new KilnError('DRIFT_INPUT_INVALID', `column "${name}": ${reason}`, { column: name });
      }
      plan.skipped.push({ column: name, reason });
      continue;
    }
    const forced = categorical.has(name) || numeric.has(name);
    const refNumeric = isNumericType(referenceType);
    const curNumeric = isNumericType(currentType);
    const base = { name, referenceType, currentType, forced };
    if (categorical.has(name)) plan.columns.push({ ...base, kind: 'categorical' });
    else if (numeric.has(name)) plan.columns.push({ ...base, kind: 'numeric' });
    else if (refNumeric && curNumeric) plan.columns.push({ ...base, kind: 'numeric' });
    else if (!refNumeric && !curNumeric) plan.columns.push({ ...base, kind: 'categorical' });
    else plan.mixed.push({ ...base, kind: 'numeric' });
  }
  return plan;
}

function listed(columns: readonly ColumnType[]): string {
  if (columns.length === 0) return 'no columns';
  const names = columns.map((c) => c.name);
  const shown = names.slice(0, 40).join(', ');
  return names.length > 40 ? `${shown}, … (${names.length} columns)` : shown;
}
