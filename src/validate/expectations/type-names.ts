/**
 * @module validate/expectations/type-names
 * What a type name in `expect_column_values_to_be_of_type` / `…_in_type_list` means in Kiln. GX
 * leans on Python and the backend's own type names; Kiln takes:
 *   - all-lowercase Python/pandas names as families: `int`/`integer` (every integer type, signed or
 *     not, TINYINT…HUGEINT), `float` (FLOAT, DOUBLE), `number`/`numeric` (integers, floats, DECIMAL),
 *     `str`/`string`/`text` (VARCHAR), `bool`/`boolean` (BOOLEAN), `datetime`/`timestamp` (every
 *     TIMESTAMP type, with or without time zone), `date` (DATE), `time` (TIME);
 *   - NumPy sized names as the one matching type: `int8…int64`, `uint8…uint64`, `float32`, `float64`;
 *   - anything else as a DuckDB type name, case-insensitively and with DuckDB's synonyms
 *     (`INT`→INTEGER, `STRING`→VARCHAR, `TIMESTAMPTZ`→TIMESTAMP WITH TIME ZONE…). A bare
 *     parametric name (`DECIMAL`, `STRUCT`, `ENUM`) matches any parameters; `DECIMAL(18,3)` only
 *     that one.
 */

const INTEGER = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
const UNSIGNED = ['UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'];
const TIMESTAMPS = ['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE'];

/** Lowercase aliases: each names the set of DuckDB base types it accepts. */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  int: [...INTEGER, ...UNSIGNED],
  integer: [...INTEGER, ...UNSIGNED],
  float: ['FLOAT', 'DOUBLE'],
  number: [...INTEGER, ...UNSIGNED, 'FLOAT', 'DOUBLE', 'DECIMAL'],
  numeric: [...INTEGER, ...UNSIGNED, 'FLOAT', 'DOUBLE', 'DECIMAL'],
  str: ['VARCHAR'],
  string: ['VARCHAR'],
  text: ['VARCHAR'],
  bool: ['BOOLEAN'],
  boolean: ['BOOLEAN'],
  datetime: TIMESTAMPS,
  timestamp: TIMESTAMPS,
  date: ['DATE'],
  time: ['TIME', 'TIME WITH TIME ZONE'],
  int8: ['TINYINT'],
  int16: ['SMALLINT'],
  int32: ['INTEGER'],
  int64: ['BIGINT'],
  uint8: ['UTINYINT'],
  uint16: ['USMALLINT'],
  uint32: ['UINTEGER'],
  uint64: ['UBIGINT'],
  float32: ['FLOAT'],
  float64: ['DOUBLE'],
};

/** DuckDB's synonyms, to their canonical names (as `DESCRIBE` prints them). */
const SYNONYMS: Readonly<Record<string, string>> = {
  INT: 'INTEGER',
  INT4: 'INTEGER',
  SIGNED: 'INTEGER',
  INT1: 'TINYINT',
  INT2: 'SMALLINT',
  SHORT: 'SMALLINT',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  INT16: 'HUGEINT',
  INT128: 'HUGEINT',
  UINT8: 'UTINYINT',
  UINT16: 'USMALLINT',
  UINT32: 'UINTEGER',
  UINT64: 'UBIGINT',
  UINT128: 'UHUGEINT',
  FLOAT4: 'FLOAT',
  REAL: 'FLOAT',
  FLOAT8: 'DOUBLE',
  NUMERIC: 'DECIMAL',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  CHAR: 'VARCHAR',
  BPCHAR: 'VARCHAR',
  NVARCHAR: 'VARCHAR',
  BOOL: 'BOOLEAN',
  LOGICAL: 'BOOLEAN',
  DATETIME: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  TIMETZ: 'TIME WITH TIME ZONE',
  TIMESTAMP_US: 'TIMESTAMP',
  BYTEA: 'BLOB',
  BINARY: 'BLOB',
  VARBINARY: 'BLOB',
  BITSTRING: 'BIT',
};

const BASE_TYPES = new Set([
  ...INTEGER,
  ...UNSIGNED,
  ...TIMESTAMPS,
  'BOOLEAN',
  'FLOAT',
  'DOUBLE',
  'DECIMAL',
  'VARCHAR',
  'BLOB',
  'DATE',
  'TIME',
  'TIME WITH TIME ZONE',
  'INTERVAL',
  'UUID',
  'BIT',
  'JSON',
  'ENUM',
  'LIST',
  'STRUCT',
  'MAP',
  'UNION',
  'ARRAY',
  'VARINT',
  'BIGNUM',
]);

/** Every name a user may write without parameters, for "did you mean" suggestions. */
export const KNOWN_TYPE_NAMES: readonly string[] = [
  ...Object.keys(FAMILIES),
  ...BASE_TYPES,
  ...Object.keys(SYNONYMS),
];

/** A type name resolved to a predicate over DuckDB column types. */
export interface TypeMatcher {
  readonly name: string;
  matches(columnType: string): boolean;
}

function normalise(name: string): string {
  return name
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .toUpperCase();
}

/** The type's kind: its name without parameters; every list or array type is `LIST`. */
function kindOf(type: string): string {
  const t = normalise(type);
  if (t.endsWith(']')) return 'LIST';
  const cut = t.indexOf('(');
  return cut < 0 ? t : t.slice(0, cut);
}

/** The type with DuckDB's synonym for its leading name replaced (`INT[]` → `INTEGER[]`). */
function canonical(type: string): string {
  const t = normalise(type);
  const cut = t.search(/[([]/);
  const head = cut < 0 ? t : t.slice(0, cut);
  return (SYNONYMS[head] ?? head) + (cut < 0 ? '' : t.slice(cut));
}

/** Resolves a type name; returns undefined when it is neither an alias nor a DuckDB type. */
export function resolveTypeName(name: string): TypeMatcher | undefined {
  const family = Object.hasOwn(FAMILIES, name) ? FAMILIES[name] : undefined;
  if (family) return { name, matches: (columnType) => family.includes(kindOf(columnType)) };
  const wanted = canonical(name);
  const cut = wanted.search(/[([]/);
  const head = cut < 0 ? wanted : wanted.slice(0, cut);
  if (!BASE_TYPES.has(head)) return undefined;
  if (cut < 0) return { name, matches: (columnType) => kindOf(columnType) === head };
  return { name, matches: (columnType) => canonical(columnType) === wanted };
}
