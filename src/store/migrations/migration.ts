/**
 * @module store/migrations/migration
 * A versioned schema change. Migrations are numbered, never edited once released, and applied in
 * order when a store is opened; each receives the dialect so engine-specific DDL (triggers) can differ.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../metadata-store.js';

export interface KilnMigration {
  /** Sortable, unique name: `NNN-what`. */
  readonly name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}
