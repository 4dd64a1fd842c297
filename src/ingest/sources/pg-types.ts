/**
 * @module ingest/sources/pg-types
 * PostgreSQL column type (by OID) → the DuckDB type a postgres source column gets. Values travel
 * as PostgreSQL's text output (session set to UTC and ISO dates) and are cast by DuckDB; types not
 * listed (uuid, arrays, interval, bytea, …) arrive as their text form in a VARCHAR.
 */

const BY_OID: ReadonlyMap<number, string> = new Map([
  [16, 'BOOLEAN'], // bool
  [21, 'SMALLINT'], // int2
  [23, 'INTEGER'], // int4
  [20, 'BIGINT'], // int8
  [26, 'BIGINT'], // oid
  [700, 'FLOAT'], // float4
  [701, 'DOUBLE'], // float8
  [1700, 'DOUBLE'], // numeric (DOUBLE: exact decimals above 38 digits do not fit DuckDB's DECIMAL)
  [25, 'VARCHAR'], // text
  [1043, 'VARCHAR'], // varchar
  [1042, 'VARCHAR'], // bpchar
  [18, 'VARCHAR'], // char
  [19, 'VARCHAR'], // name
  [1082, 'DATE'], // date
  [1114, 'TIMESTAMP'], // timestamp
  [1184, 'TIMESTAMP WITH TIME ZONE'], // timestamptz
  [114, 'VARCHAR'], // json
  [3802, 'VARCHAR'], // jsonb
]);

/** The DuckDB type for a PostgreSQL type OID (VARCHAR for anything not mapped). */
export function duckTypeForPgOid(oid: number): string {
  return BY_OID.get(oid) ?? 'VARCHAR';
}

/** A URL with its password replaced by `***`, safe to show. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(a PostgreSQL URL that does not parse)';
  }
}

/** `text` with every occurrence of the URL's password (raw or percent-decoded) replaced by `***`. */
export function redactPassword(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    const m = /:\/\/[^:/@]*:([^@]*)@/.exec(url);
    password = m ? m[1] : '';
  }
  if (password === '') return text;
  let out = text.replaceAll(password, '***');
  try {
    const decoded = decodeURIComponent(password);
    if (decoded !== '') out = out.replaceAll(decoded, '***');
  } catch {
    // a malformed escape: the raw form is already redacted
  }
  return out;
}
