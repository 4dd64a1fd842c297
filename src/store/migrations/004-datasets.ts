/**
 * @module store/migrations/004-datasets
 * Datasets, their immutable versions (Parquet in the artifact store) and pipeline runs.
 * A version row is inserted only once its Parquet file is stored, so it is visible only when complete.
 */
import type { Kysely } from 'kysely';
import type { KilnMigration } from './migration.js';

export const datasets: KilnMigration = {
  name: '004-datasets',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('datasets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('description', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('dataset_versions')
      .addColumn('dataset', 'text', (c) => c.notNull().references('datasets.name'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('version_key', 'text', (c) => c.notNull())
      .addColumn('artifact_digest', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'bigint', (c) => c.notNull())
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('schema_json', 'text', (c) => c.notNull())
      .addColumn('profile_json', 'text', (c) => c.notNull())
      .addColumn('validation_json', 'text')
      .addColumn('lineage_json', 'text', (c) => c.notNull())
      .addColumn('pipeline_run_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('dataset_versions_pk', ['dataset', 'version'])
      .execute();
    await db.schema
      .createIndex('dataset_versions_key')
      .on('dataset_versions')
      .columns(['dataset', 'version_key'])
      .execute();
    await db.schema
      .createTable('pipeline_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('spec_digest', 'text', (c) => c.notNull())
      .addColumn('version_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('dataset_version', 'integer')
      .addColumn('reused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('summary_json', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('pipeline_runs_started')
      .on('pipeline_runs')
      .columns(['started_at', 'id'])
      .execute();
  },
};
