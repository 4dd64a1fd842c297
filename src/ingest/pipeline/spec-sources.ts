/**
 * @module ingest/pipeline/spec-sources
 * Reads the `sources:` section of a pipeline spec: csv, parquet, json and postgres sources, each
 * keyed by the name of the DuckDB table it becomes. A PostgreSQL URL's password never appears in a
 * message.
 */
import type { At, SpecReader } from './spec-reader.js';
import type { CsvOptions, SourceSpec } from './spec-types.js';

const SOURCE_TYPES = ['csv', 'parquet', 'json', 'postgres'] as const;
const KEYS_BY_TYPE: Record<(typeof SOURCE_TYPES)[number], readonly string[]> = {
  csv: ['type', 'path', 'options'],
  parquet: ['type', 'path'],
  json: ['type', 'path', 'format'],
  postgres: ['type', 'url', 'url_env', 'query', 'table', 'fetch_size'],
};
const CSV_OPTION_KEYS = [
  'delimiter',
  'header',
  'quote',
  'escape',
  'null_string',
  'null_strings',
  'skip',
  'columns',
] as const;

/** Source keys become table names: plain SQL identifiers, not `input` (the current relation). */
export const SOURCE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** DuckDB type names Kiln accepts in `columns`/`cast`: words, an optional (p[,s]) and [] suffixes. */
export const DUCK_TYPE_RE = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\d*\])*$/;

export function readSources(r: SpecReader, at: At): Record<string, SourceSpec> {
  const entries = r.map(at, null, 'a mapping of source name → source');
  if (entries.size === 0) r.expected(at, 'at least one source');
  const out: Record<string, SourceSpec> = {};
  for (const [name, value] of entries) {
    if (!SOURCE_NAME_RE.test(name) || name.toLowerCase() === 'input' || name.startsWith('__kiln')) {
      r.fail(
        value,
        'a source name must be a SQL identifier (letters, digits, _; not starting with a digit), at most 63 characters, and not "input" or "__kiln…"',
      );
    }
    out[name] = readSource(r, value);
  }
  return out;
}

function readSource(r: SpecReader, at: At): SourceSpec {
  const loose = r.map(at, null, 'a source mapping with a type');
  const typeAt = loose.get('type');
  if (!typeAt) r.fail(at, `missing key "type" (one of ${SOURCE_TYPES.join(', ')})`);
  const type = r.oneOf(typeAt, SOURCE_TYPES);
  const keys = r.map(at, KEYS_BY_TYPE[type]);
  const location = { file: r.file, line: at.line };
  const need = (key: string): At => {
    const v = keys.get(key);
    if (!v) r.fail(at, `missing key "${key}" (required for ${type} sources)`);
    return v;
  };
  switch (type) {
    case 'csv': {
      const opts = keys.get('options');
      return {
        type,
        location,
        path: r.stringList(need('path'), 'a file path or glob, or a non-empty list of them'),
        options: opts ? readCsvOptions(r, opts) : { header: true, skip: 0 },
      };
    }
    case 'parquet':
      return {
        type,
        location,
        path: r.stringList(need('path'), 'a file path or glob, or a non-empty list of them'),
      };
    case 'json': {
      const format = keys.get('format');
      return {
        type,
        location,
        path: r.stringList(need('path'), 'a file path or glob, or a non-empty list of them'),
        format: format ? r.oneOf(format, ['auto', 'array', 'newline_delimited'] as const) : 'auto',
      };
    }
    case 'postgres':
      return readPostgres(r, at, keys, location);
  }
}

function readCsvOptions(r: SpecReader, at: At): CsvOptions {
  const keys = r.map(at, CSV_OPTION_KEYS);
  const char = (key: string, max: number): string | undefined => {
    const v = keys.get(key);
    if (!v) return undefined;
    const s = r.scalar(v);
    if (typeof s !== 'string' || [...s].length > max || (max > 1 && s.length === 0) || /[\r\n]/.test(s)) {
      r.expected(v, max === 1 ? 'one character (or "" for none)' : `1 to ${max} characters, no line breaks`);
    }
    return s;
  };
  const delimiter = char('delimiter', 4);
  const quote = char('quote', 1);
  const escapeChar = char('escape', 1);
  const nullOne = keys.get('null_string');
  const nullMany = keys.get('null_strings');
  if (nullOne && nullMany) r.fail(nullMany, 'give null_string or null_strings, not both');
  let nullStrings: string[] | undefined;
  if (nullOne) {
    const v = r.scalar(nullOne);
    if (typeof v !== 'string') r.expected(nullOne, 'a string');
    nullStrings = [v];
  } else if (nullMany) {
    nullStrings = r.list(nullMany).map((item) => {
      const v = r.scalar(item);
      if (typeof v !== 'string') r.expected(item, 'a string');
      return v;
    });
  }
  const header = keys.get('header');
  const skip = keys.get('skip');
  const columns = keys.get('columns');
  return {
    header: header ? r.boolean(header) : true,
    skip: skip ? r.integer(skip, 0) : 0,
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(quote !== undefined ? { quote } : {}),
    ...(escapeChar !== undefined ? { escape: escapeChar } : {}),
    ...(nullStrings !== undefined ? { null_strings: nullStrings } : {}),
    ...(columns
      ? {
          columns: r.columnMap(columns, 'a mapping of column → DuckDB type', (v) => readDuckType(r, v)),
        }
      : {}),
  };
}

/** A DuckDB type name such as `DOUBLE`, `DECIMAL(10,2)`, `TIMESTAMP WITH TIME ZONE`, `INTEGER[]`. */
export function readDuckType(r: SpecReader, at: At): string {
  const v = r.scalar(at);
  if (typeof v !== 'string' || !DUCK_TYPE_RE.test(v.trim())) {
    r.expected(at, 'a DuckDB type name such as DOUBLE, BIGINT, VARCHAR, DATE, TIMESTAMP or DECIMAL(10,2)');
  }
  return v.trim().toUpperCase();
}

function readPostgres(
  r: SpecReader,
  at: At,
  keys: Map<string, At>,
  location: { file: string; line: number },
): SourceSpec {
  const url = keys.get('url');
  const urlEnv = keys.get('url_env');
  const query = keys.get('query');
  const table = keys.get('table');
  const fetch = keys.get('fetch_size');
  if ((url ? 1 : 0) + (urlEnv ? 1 : 0) !== 1) r.fail(at, 'give exactly one of "url" and "url_env"');
  if ((query ? 1 : 0) + (table ? 1 : 0) !== 1) r.fail(at, 'give exactly one of "query" and "table"');
  let urlValue: string | undefined;
  if (url) {
    const v = r.scalar(url);
    if (typeof v !== 'string' || !/^postgres(ql)?:\/\//.test(v)) {
      r.fail(url, 'expected a postgres:// or postgresql:// URL (value not shown: it may hold a password)');
    }
    urlValue = v;
  }
  let envName: string | undefined;
  if (urlEnv) {
    envName = r.string(urlEnv, 'the name of an environment variable');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) r.expected(urlEnv, 'the name of an environment variable');
  }
  let tableName: string | undefined;
  if (table) {
    tableName = r.string(table, 'a table name, optionally schema-qualified');
    if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(tableName)) {
      r.expected(table, 'a table name such as customers or sales.customers');
    }
  }
  return {
    type: 'postgres',
    location,
    ...(urlValue !== undefined ? { url: urlValue } : {}),
    ...(envName !== undefined ? { url_env: envName } : {}),
    ...(query ? { query: r.string(query, 'a SQL query string').trim().replace(/;\s*$/, '') } : {}),
    ...(tableName !== undefined ? { table: tableName } : {}),
    fetch_size: fetch ? r.integer(fetch, 1, 1_000_000) : 10_000,
  };
}
