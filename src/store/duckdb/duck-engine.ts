/**
 * @module store/duckdb/duck-engine
 * Kiln's one way to open DuckDB (`@duckdb/node-api`): an in-process analytical engine used by
 * ingestion, validation, profiling and drift. Only DuckDB's statically linked extensions (parquet,
 * json, icu, core_functions) are usable: auto-install and auto-load of any other extension are off,
 * so a query that would need one fails at once instead of trying to download it.
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { KilnError } from '../../core/errors.js';

export interface DuckEngineOptions {
  /** DuckDB worker threads; default: DuckDB's own (the number of cores). */
  readonly threads?: number;
  /** DuckDB `memory_limit`, e.g. `'4GB'`; default: DuckDB's own (80 % of RAM). */
  readonly memoryLimit?: string;
  /** Where DuckDB spills when a query exceeds memory; default: none (in-memory only). */
  readonly tempDirectory?: string;
}

/** A value bound to a `$1`, `$2`… query parameter. */
export type DuckParam = string | number | boolean | bigint | null;

/** A row as plain JavaScript values (BIGINT as bigint, DATE/TIMESTAMP as DuckDB value objects). */
export type DuckRow = Record<string, unknown>;

export interface DuckResult {
  readonly columns: readonly string[];
  /** DuckDB's own type names, e.g. `BIGINT`, `DOUBLE`, `VARCHAR`, `TIMESTAMP`. */
  readonly types: readonly string[];
  readonly rows: readonly DuckRow[];
}

/** One DuckDB database (in memory unless a path is given) with one connection. */
export class DuckEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(path = ':memory:', options: DuckEngineOptions = {}): Promise<DuckEngine> {
    const settings: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (options.threads !== undefined) settings.threads = String(options.threads);
    if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
    if (options.tempDirectory !== undefined) settings.temp_directory = options.tempDirectory;
    const instance = await DuckDBInstance.create(path, settings);
    const connection = await instance.connect();
    return new DuckEngine(instance, connection);
  }

  /** Runs a statement and discards its result. */
  async run(sql: string, params: readonly DuckParam[] = []): Promise<void> {
    await this.connection.run(sql, params.length > 0 ? (params as DuckParam[]) : undefined);
  }

  /** Runs a query and reads all of it, as JavaScript values (BIGINT stays bigint). */
  async query(sql: string, params: readonly DuckParam[] = []): Promise<DuckResult> {
    const reader = await this.connection.runAndReadAll(
      sql,
      params.length > 0 ? (params as DuckParam[]) : undefined,
    );
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((t) => t.toString()),
      rows: reader.getRowObjectsJS() as DuckRow[],
    };
  }

  /** Runs a query and reads all of it as JSON-safe values (numbers that overflow JS as strings). */
  async queryJson(sql: string, params: readonly DuckParam[] = []): Promise<DuckResult> {
    const reader = await this.connection.runAndReadAll(
      sql,
      params.length > 0 ? (params as DuckParam[]) : undefined,
    );
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((t) => t.toString()),
      rows: reader.getRowObjectsJson() as DuckRow[],
    };
  }

  /** The columns of a table or view, in order, with DuckDB's type names. */
  async describe(relation: string): Promise<{ name: string; type: string }[]> {
    const r = await this.query(`DESCRIBE ${quoteIdent(relation)}`);
    return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Quotes an identifier for DuckDB SQL (`"a""b"`); never build SQL from a raw user name without it. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new KilnError('INVALID_ARGUMENT', 'An identifier contains a NUL byte');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB SQL (`'it''s'`). Prefer bound parameters where DuckDB allows them. */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new KilnError('INVALID_ARGUMENT', 'A string contains a NUL byte');
  return `'${value.replaceAll("'", "''")}'`;
}

/** Converts a DuckDB scalar (bigint, decimal, date objects) to a JSON-safe value. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const s = String(value);
    if (s !== '[object Object]') return s;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return String(value);
}
