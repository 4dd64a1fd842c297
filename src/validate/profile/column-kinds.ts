/**
 * @module validate/profile/column-kinds
 * Sorts DuckDB type names into the profile's column kinds and says which SQL expression the
 * profiler aggregates for each: DECIMAL, HUGEINT and the unsigned 64/128-bit integers are read as
 * DOUBLE (JSON has no bigint), temporal values become ISO 8601 strings, ENUMs are read as text.
 */
import type { ColumnKind } from '../profile-types.js';

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
const FLOAT_TYPES = new Set(['FLOAT', 'DOUBLE']);
const TIMESTAMP_TYPES = new Set(['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);
const TEMPORAL_TYPES = new Set([
  'DATE',
  'TIME',
  'TIME WITH TIME ZONE',
  'TIMESTAMP WITH TIME ZONE',
  ...TIMESTAMP_TYPES,
]);

/** The facts about one DuckDB type that the profiler and the suggester act on. */
export interface TypeTraits {
  readonly kind: ColumnKind;
  /** An integer type (exact, discrete): histograms get at most one bin per integer. */
  readonly integer: boolean;
  /** FLOAT or DOUBLE: NaN and ±Infinity are possible and counted apart. */
  readonly floating: boolean;
}

/** Classifies a DuckDB type name as printed by `DESCRIBE` (`DECIMAL(10,2)`, `ENUM('a', 'b')`, …). */
export function typeTraits(type: string): TypeTraits {
  const t = type.trim().toUpperCase();
  if (INTEGER_TYPES.has(t)) return { kind: 'numeric', integer: true, floating: false };
  if (FLOAT_TYPES.has(t)) return { kind: 'numeric', integer: false, floating: true };
  if (t.startsWith('DECIMAL')) return { kind: 'numeric', integer: false, floating: false };
  if (t === 'VARCHAR' || t.startsWith('ENUM(')) return { kind: 'string', integer: false, floating: false };
  if (t === 'BOOLEAN') return { kind: 'boolean', integer: false, floating: false };
  if (TEMPORAL_TYPES.has(t)) return { kind: 'temporal', integer: false, floating: false };
  return { kind: 'other', integer: false, floating: false };
}

/**
 * The SQL expression that turns a temporal value into an ISO 8601 string: `T` between date and
 * time, and instants (`TIMESTAMP WITH TIME ZONE`) in UTC with a `Z`, whatever the session time zone.
 */
export function isoTemporalSql(expr: string, type: string): string {
  const t = type.trim().toUpperCase();
  if (t === 'TIMESTAMP WITH TIME ZONE') {
    return `(replace(CAST(timezone('UTC', ${expr}) AS VARCHAR), ' ', 'T') || 'Z')`;
  }
  if (TIMESTAMP_TYPES.has(t)) return `replace(CAST(${expr} AS VARCHAR), ' ', 'T')`;
  return `CAST(${expr} AS VARCHAR)`;
}

/**
 * The expression whose values the profile reports for a column (min/max, top values): numbers as
 * DOUBLE unless they are small integers, temporal values as ISO strings, anything else as text.
 */
export function displaySql(col: string, type: string): string {
  const traits = typeTraits(type);
  const t = type.trim().toUpperCase();
  switch (traits.kind) {
    case 'numeric':
      // BIGINT and smaller integers come back exact (toJsonValue keeps unsafe ones as strings).
      return traits.integer && !['HUGEINT', 'UBIGINT', 'UHUGEINT'].includes(t)
        ? col
        : `CAST(${col} AS DOUBLE)`;
    case 'temporal':
      return isoTemporalSql(col, type);
    case 'boolean':
      return col;
    case 'string':
      return t === 'VARCHAR' ? col : `CAST(${col} AS VARCHAR)`;
    default:
      return `CAST(${col} AS VARCHAR)`;
  }
}
