/**
 * @module ingest/lineage/lineage-datasets
 * How Kiln names the datasets in its lineage events, following the OpenLineage naming spec
 * (https://openlineage.io/docs/spec/naming) so that other producers' events about the same data
 * join up:
 *
 * | source            | namespace                | name                                        |
 * |-------------------|--------------------------|---------------------------------------------|
 * | a local file      | `file://<host>`          | its absolute path                           |
 * | a PostgreSQL table| `postgres://<host>:<port>` | `<database>.<schema>.<table>`             |
 * | a PostgreSQL query| `postgres://<host>:<port>` | `<database>.query-<16 hex of its SHA-256>` |
 * | a dataset version | `kiln://<workspace>`     | `<dataset>@<version>`                       |
 *
 * Credentials never appear: a connection URL's user name, password and query string (where
 * `password=`/`sslpassword=` may hide) are dropped; {@link withoutCredentials} does the same for
 * any URI and the event builder applies it to every namespace and data source it emits.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalid } from '../../core/errors.js';
import type { LineageDataset } from './lineage-types.js';

/** The URI without `user:password@` and, when `dropQuery`, without its query string and fragment. */
export function withoutCredentials(uri: string, dropQuery = false): string {
  const bare = uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
  return dropQuery ? bare.replace(/[?#].*$/s, '') : bare;
}

/** A file read by a pipeline: `file://<host>` + its absolute path. */
export function fileDataset(path: string, host: string = hostname()): LineageDataset {
  if (typeof path !== 'string' || !isAbsolute(path)) throw invalid('path', 'an absolute file path', path);
  const h = checkedHost(host);
  const namespace = `file://${h}`;
  const { pathname } = pathToFileURL(path);
  return {
    namespace,
    name: decodeURIComponent(pathname),
    dataSource: { name: namespace, uri: `${namespace}${pathname}` },
  };
}

export interface PostgresLocation {
  readonly host: string;
  /** Default 5432. */
  readonly port?: number;
  readonly database: string;
}

/** What was read: a table (`schema.table` or `table` in schema `public`) or a query. */
export type PostgresTarget = { readonly table: string } | { readonly query: string };

/**
 * A PostgreSQL source, from a connection URL (`postgres://` or `postgresql://`; its credentials
 * and options are ignored) or from its parts. INVALID_ARGUMENT when the URL has no host or database.
 */
export function postgresDataset(
  connection: string | PostgresLocation,
  target: PostgresTarget,
): LineageDataset {
  const { host, port, database } = typeof connection === 'string' ? parsePostgresUrl(connection) : connection;
  const h = checkedHost(host);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw invalid('port', 'an integer 1…65535', port);
  }
  if (typeof database !== 'string' || database === '') throw invalid('database', 'a database name', database);
  const namespace = `postgres://${h}:${port ?? 5432}`;
  let name: string;
  if ('table' in target) {
    if (typeof target.table !== 'string' || target.table === '') {
      throw invalid('table', 'a table name', target.table);
    }
    name = `${database}.${target.table.includes('.') ? target.table : `public.${target.table}`}`;
  } else {
    if (typeof target.query !== 'string' || target.query.trim() === '') {
      throw invalid('query', 'an SQL query', target.query);
    }
    name = `${database}.query-${queryDigest(target.query)}`;
  }
  return { namespace, name, dataSource: { name: namespace, uri: `${namespace}/${database}` } };
}

/** The first 16 hex digits of the SHA-256 of the query with its white space collapsed. */
export function queryDigest(query: string): string {
  const normalised = query.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(normalised).digest('hex').slice(0, 16);
}

export interface KilnDatasetVersionRef {
  /** The workspace's name (the namespace's authority). */
  readonly workspace: string;
  readonly dataset: string;
  readonly version: number | string;
}

/** A dataset version Kiln wrote: `kiln://<workspace>` + `<dataset>@<version>`. */
export function kilnDatasetVersion(ref: KilnDatasetVersionRef): LineageDataset {
  if (typeof ref.workspace !== 'string' || !/^[A-Za-z0-9._~-]+$/.test(ref.workspace)) {
    throw invalid('workspace', 'a name of letters, digits, ".", "_", "~" or "-"', ref.workspace);
  }
  if (typeof ref.dataset !== 'string' || ref.dataset === '' || ref.dataset.includes('@')) {
    throw invalid('dataset', 'a dataset name without "@"', ref.dataset);
  }
  const version = String(ref.version);
  if (version === '' || /\s|@/.test(version)) throw invalid('version', 'a version', ref.version);
  const namespace = `kiln://${ref.workspace}`;
  const name = `${ref.dataset}@${version}`;
  return {
    namespace,
    name,
    version,
    dataSource: { name: namespace, uri: `${namespace}/${encodeURIComponent(ref.dataset)}@${version}` },
  };
}

function parsePostgresUrl(text: string): { host: string; port: number | undefined; database: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('connection', 'a postgres:// URL', withoutCredentials(text, true));
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw invalid('connection', 'a postgres:// or postgresql:// URL', withoutCredentials(text, true));
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname === '' || database === '') {
    throw invalid('connection', 'a URL with a host and a database', withoutCredentials(text, true));
  }
  return { host: url.hostname, port: url.port === '' ? undefined : Number(url.port), database };
}

function checkedHost(host: string): string {
  if (typeof host !== 'string' || host === '' || /[\s/@?#]/.test(host)) {
    throw invalid('host', 'a host name or address', host);
  }
  return host.toLowerCase();
}
