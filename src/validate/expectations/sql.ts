/**
 * @module validate/expectations/sql
 * SQL building blocks shared by the catalogue: kwarg values as DuckDB literals (untyped string
 * literals, so DuckDB casts `'2024-01-31'` to the column's DATE itself), DuckDB type families, and
 * the between-check every `…_to_be_between` expectation uses, with Kiln's NaN rule.
 */
import { KilnError } from '../../core/errors.js';
import { quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { ColumnRef } from './types.js';

export type Scalar = string | number | boolean;

/** A kwarg value as a SQL literal. Non-finite numbers become typed DOUBLE literals. */
export function literal(value: Scalar | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
    if (!Number.isFinite(value))
      return value > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
    return String(value);
  }
  return quoteLiteral(value);
}

/** `(a, b, c)` for `IN`; callers handle the empty set themselves (SQL has no empty `IN ()`). */
export function literalList(values: readonly Scalar[]): string {
  return `(${values.map(literal).join(', ')})`;
}

const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
]);

export function isIntegerType(type: string): boolean {
  return INTEGER_TYPES.has(type);
}

export function isFloatType(type: string): boolean {
  return type === 'FLOAT' || type === 'DOUBLE';
}

export function isNumericType(type: string): boolean {
  return isIntegerType(type) || isFloatType(type) || type.startsWith('DECIMAL');
}

export function isTemporalType(type: string): boolean {
  return /^(DATE|TIME|TIMESTAMP)/.test(type);
}

export function isStringType(type: string): boolean {
  return type === 'VARCHAR' || type === 'JSON' || type.startsWith('ENUM');
}

/**
 * The SQL that reports a value of this type: numbers, booleans, strings and nested values as they
 * are; temporal and other scalar types as DuckDB's text form (`2024-01-31`, `2024-01-31 12:00:00`),
 * so results read the same as DuckDB prints them instead of as JavaScript dates.
 */
export function reportSql(sql: string, type: string): string {
  if (isNumericType(type) || type === 'BOOLEAN' || isStringType(type)) return sql;
  if (type.endsWith('[]') || type.endsWith(']') || /^(STRUCT|MAP|UNION)\(/.test(type)) return sql;
  return `CAST(${sql} AS VARCHAR)`;
}

/** The column as text, for regex/LIKE/length/parse checks on any type. */
export function textSql(column: ColumnRef): string {
  return column.type === 'VARCHAR' ? column.sql : `CAST(${column.sql} AS VARCHAR)`;
}

export interface Bounds {
  readonly min: Scalar | null;
  readonly max: Scalar | null;
  readonly strictMin: boolean;
  readonly strictMax: boolean;
}

/**
 * `value` lies within the bounds. NaN is never within bounds, even open ones (DuckDB orders NaN
 * above +Infinity, so without the guard `NaN >= 0` would hold). ±Infinity compares as a number.
 */
export function withinBounds(value: string, bounds: Bounds, isFloat: boolean): string {
  const parts: string[] = [];
  if (bounds.min !== null) parts.push(`${value} ${bounds.strictMin ? '>' : '>='} ${literal(bounds.min)}`);
  if (bounds.max !== null) parts.push(`${value} ${bounds.strictMax ? '<' : '<='} ${literal(bounds.max)}`);
  if (isFloat) parts.push(`NOT isnan(${value})`);
  parts.push(`${value} IS NOT NULL`);
  return `coalesce(${parts.join(' AND ')}, FALSE)`;
}

/** Reads GX's between kwargs (min_value, max_value, strict_min, strict_max). */
export function boundsOf(kwargs: Readonly<Record<string, unknown>>): Bounds {
  return {
    min: (kwargs.min_value ?? null) as Scalar | null,
    max: (kwargs.max_value ?? null) as Scalar | null,
    strictMin: kwargs.strict_min === true,
    strictMax: kwargs.strict_max === true,
  };
}

/**
 * Refuses numeric bounds on a column that is not numeric before DuckDB does (with a clearer message);
 * string bounds are left to DuckDB, which casts them to the column's type or fails with CAST_FAILED.
 */
export function assertBoundsFit(column: ColumnRef, bounds: Bounds, what = 'values'): void {
  const numeric = [bounds.min, bounds.max].some((b) => typeof b === 'number');
  if (numeric && !isNumericType(column.type)) {
    throw new KilnError(
      'CAST_FAILED',
      `column "${column.name}" is ${column.type}: its ${what} cannot be compared with a number bound`,
      { column: column.name, type: column.type },
    );
  }
}

/** Refuses a statistic that DuckDB defines only on numbers. */
export function assertNumeric(column: ColumnRef, statistic: string): void {
  if (!isNumericType(column.type)) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `column "${column.name}" is ${column.type}: its ${statistic} needs a numeric column`,
      { column: column.name, type: column.type },
    );
  }
}
