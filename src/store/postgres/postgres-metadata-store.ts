/**
 * @module store/postgres/postgres-metadata-store
 * The scaled-mode metadata store on PostgreSQL through a `pg` pool. BIGINT columns are parsed as
 * JavaScript numbers (every Kiln bigint — epoch milliseconds, sequence numbers — is below 2^53).
 * Migrations run under Kysely's migration lock, so replicas starting together apply them once.
 */
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { KilnError } from '../../core/errors.js';
import type { MetadataStore } from '../metadata-store.js';
import { migrateToLatest } from '../migrations/index.js';
import type { Database } from '../schema.js';

const INT8_OID = 20;

export class PostgresMetadataStore implements MetadataStore {
  readonly dialect = 'postgres' as const;
  readonly url: string;
  readonly db: Kysely<Database>;
  #closed = false;

  private constructor(url: string, pool: pg.Pool) {
    this.url = redactPassword(url);
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresMetadataStore> {
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
    };
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types } as pg.PoolConfig);
    // An idle client that errors (server restart) must not crash the process.
    pool.on('error', () => {});
    const store = new PostgresMetadataStore(url, pool);
    try {
      await sql`select 1`.execute(store.db);
    } catch (e) {
      await store.close();
      throw new KilnError(
        'UNAVAILABLE',
        `cannot reach PostgreSQL at ${redactPassword(url)}: ${(e as Error).message}`,
        {
          url: redactPassword(url),
        },
      );
    }
    try {
      await migrateToLatest(store.db as Kysely<unknown>, 'postgres');
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async lock(trx: Transaction<Database>, name: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
  }

  async schemaVersion(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from kiln_migrations`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }
}

function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
