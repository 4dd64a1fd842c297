/**
 * @module store/sqlite/sqlite-metadata-store
 * The embedded metadata store: one SQLite file in WAL mode with a busy timeout. Before pending
 * migrations are applied to an existing file, a consistent backup is written beside it
 * (`kiln.db.bak-<schema version>-<time>`), so an upgrade that goes wrong loses nothing.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Transaction } from 'kysely';
import { KilnError } from '../../core/errors.js';
import type { MetadataStore } from '../metadata-store.js';
import { migrateToLatest, pendingMigrations } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';

export class SqliteMetadataStore implements MetadataStore {
  readonly dialect = 'sqlite' as const;
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly #sqlite: SQLite.Database;
  #closed = false;

  private constructor(url: string, sqlite: SQLite.Database) {
    this.url = url;
    this.#sqlite = sqlite;
    this.db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  }

  /** Opens (creating if needed) the database file and migrates it. */
  static async open(path: string): Promise<SqliteMetadataStore> {
    mkdirSync(dirname(path), { recursive: true });
    const existed = existsSync(path) && statSync(path).size > 0;
    let sqlite: SQLite.Database;
    try {
      sqlite = new SQLite(path);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 10000');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('synchronous = NORMAL');
    } catch (e) {
      throw new KilnError(
        'INTERNAL',
        `cannot open SQLite database ${path}: ${(e as Error).message}`,
        { path },
        { cause: e },
      );
    }
    const store = new SqliteMetadataStore(`sqlite:${path}`, sqlite);
    try {
      const pending = await pendingMigrations(store.db as Kysely<unknown>, 'sqlite');
      if (existed && pending.length > 0) {
        const applied = await store.schemaVersion();
        if (applied > 0) await sqlite.backup(`${path}.bak-${applied}-${Date.now()}`);
      }
      await migrateToLatest(store.db as Kysely<unknown>, 'sqlite');
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async lock(_trx: Transaction<Database>, _name: string): Promise<void> {
    // SQLite has one connection here and one writer per file: a transaction is already exclusive.
  }

  async schemaVersion(): Promise<number> {
    const row = this.#sqlite
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'kiln_migrations'")
      .get() as { n: number };
    if (row.n === 0) return 0;
    return (this.#sqlite.prepare('SELECT count(*) AS n FROM kiln_migrations').get() as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }
}
