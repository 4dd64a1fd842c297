/**
 * @module store/metadata-store
 * The metadata store contract: one typed query layer (Kysely) over two engines, SQLite (embedded
 * default) and PostgreSQL (scaled mode), chosen by URL. Services write their queries once against
 * {@link MetadataStore.db}; engine differences stay behind this contract and its implementations
 * (`sqlite/`, `postgres/`). Every implementation passes `metadata-store.conformance.ts`.
 *
 * Promises:
 * - migrations are applied when the store is opened (SQLite: after a backup of the file);
 * - `transaction` is atomic: on a thrown error nothing it wrote is visible;
 * - `lock(trx, name)` serialises transactions that take the same named lock until they end;
 * - the `audit_events` table refuses UPDATE and DELETE (a trigger on both engines);
 * - `close()` is idempotent.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** Something queries can run on: the store's handle or an open transaction. */
export type Queryable = Kysely<Database> | Transaction<Database>;

export interface MetadataStore {
  readonly dialect: Dialect;
  /** The URL the store was opened with, with any password removed. */
  readonly url: string;
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Takes an exclusive, transaction-scoped named lock (PostgreSQL advisory lock; SQLite's single writer). */
  lock(trx: Transaction<Database>, name: string): Promise<void>;
  /** Schema version (the number of applied migrations). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Folder that relative `sqlite:` paths are resolved against. */
  readonly baseDir: string;
}
