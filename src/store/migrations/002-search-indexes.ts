/**
 * @module store/migrations/002-search-indexes
 * Indexes for the audit log's filters and the registry's alias lookups by version.
 */
import type { Kysely } from 'kysely';
import type { KilnMigration } from './migration.js';

export const searchIndexes: KilnMigration = {
  name: '002-search-indexes',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('audit_events_resource').on('audit_events').column('resource').execute();
    await db.schema.createIndex('audit_events_actor').on('audit_events').column('actor').execute();
    await db.schema
      .createIndex('model_aliases_version')
      .on('model_aliases')
      .columns(['model_name', 'version'])
      .execute();
  },
};
