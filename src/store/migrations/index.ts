/**
 * @module store/migrations
 * The ordered list of migrations and the runner that applies the pending ones.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { KilnError } from '../../core/errors.js';
import type { Dialect } from '../metadata-store.js';
import { foundation } from './001-foundation.js';
import { searchIndexes } from './002-search-indexes.js';
import { deployments } from './003-deployments.js';
import { datasets } from './004-datasets.js';
import { monitors } from './005-monitors.js';
import type { KilnMigration } from './migration.js';

export const MIGRATIONS: readonly KilnMigration[] = [foundation, searchIndexes, deployments, datasets, monitors];

function makeMigrator(db: Kysely<unknown>, dialect: Dialect): Migrator {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const m of MIGRATIONS) out[m.name] = { up: (d) => m.up(d, dialect) };
      return out;
    },
  };
  return new Migrator({
    db,
    provider,
    migrationTableName: 'kiln_migrations',
    migrationLockTableName: 'kiln_migrations_lock',
  });
}

/** Names of the migrations not yet applied to this database. */
export async function pendingMigrations(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const all = await makeMigrator(db, dialect).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Applies every pending migration in order; a failure leaves the database at the last good one. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<number> {
  const applied = (await makeMigrator(db, dialect).getMigrations()).filter((m) => m.executedAt !== undefined);
  const { error, results } = await makeMigrator(db, dialect).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new KilnError(
      'INTERNAL',
      `migration ${failed} failed: ${(error as Error).message}`,
      { migration: failed },
      { cause: error },
    );
  }
  return applied.length + (results?.filter((r) => r.status === 'Success').length ?? 0);
}
