/**
 * @module store/migrations/003-deployments
 * Deployments: named inference endpoints serving a model version or alias.
 */
import type { Kysely } from 'kysely';
import type { KilnMigration } from './migration.js';

export const deployments: KilnMigration = {
  name: '003-deployments',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('deployments')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('model_ref', 'text', (c) => c.notNull())
      .addColumn('settings_json', 'text', (c) => c.notNull())
      .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
