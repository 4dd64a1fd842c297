/**
 * @module store/migrations/001-foundation
 * Registry, jobs, audit log, tokens and revision counters.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../metadata-store.js';
import type { KilnMigration } from './migration.js';

export const foundation: KilnMigration = {
  name: '001-foundation',
  async up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
    const big = dialect === 'postgres' ? 'bigint' : 'integer';
    const dbl = dialect === 'postgres' ? 'double precision' : 'real';

    await db.schema
      .createTable('models')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('model_versions')
      .addColumn('model_name', 'text', (c) => c.notNull().references('models.name').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_message', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('artifact_digest', 'text')
      .addColumn('size_bytes', sql.raw(big))
      .addColumn('signature_json', 'text')
      .addColumn('onnx_json', 'text')
      .addColumn('feature_schema_json', 'text')
      .addColumn('metrics_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('params_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('lineage_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('card_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_versions_pk', ['model_name', 'version'])
      .execute();
    await db.schema.createIndex('model_versions_status').on('model_versions').column('status').execute();

    await db.schema
      .createTable('model_aliases')
      .addColumn('model_name', 'text', (c) => c.notNull().references('models.name').onDelete('cascade'))
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_aliases_pk', ['model_name', 'alias'])
      .execute();

    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('events_json', 'text', (c) => c.notNull())
      .addColumn('model_name', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('backoff_ms', 'integer', (c) => c.notNull())
      .addColumn('run_at_ms', sql.raw(big), (c) => c.notNull())
      .addColumn('lease_until_ms', sql.raw(big))
      .addColumn('locked_by', 'text')
      .addColumn('progress', sql.raw(dbl), (c) => c.notNull().defaultTo(0))
      .addColumn('progress_message', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('result_json', 'text')
      .addColumn('error', 'text')
      .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('schedule_name', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at_ms']).execute();

    await db.schema
      .createTable('job_schedules')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('next_run_at_ms', sql.raw(big), (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('seq', sql.raw(big), (c) => c.primaryKey())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('details_digest', 'text', (c) => c.notNull())
      .addColumn('canonical', 'text', (c) => c.notNull())
      .addColumn('leaf_hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('tree_size', sql.raw(big), (c) => c.primaryKey())
      .addColumn('root_hash', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tokens')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text')
      .execute();

    await db.schema
      .createTable('revisions')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('revision', sql.raw(big), (c) => c.notNull())
      .execute();

    await protectAuditTables(db, dialect);
  },
};

/** The audit tables are append-only: the database itself refuses UPDATE and DELETE. */
async function protectAuditTables(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const tables = ['audit_events', 'audit_checkpoints'];
  if (dialect === 'sqlite') {
    for (const t of tables) {
      for (const op of ['UPDATE', 'DELETE']) {
        await sql
          .raw(
            `CREATE TRIGGER ${t}_no_${op.toLowerCase()} BEFORE ${op} ON ${t} ` +
              `BEGIN SELECT RAISE(ABORT, 'AUDIT_IMMUTABLE: ${t} is append-only'); END`,
          )
          .execute(db);
      }
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION kiln_audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'AUDIT_IMMUTABLE: % is append-only', TG_TABLE_NAME; END $$`,
    )
    .execute(db);
  for (const t of tables) {
    await sql
      .raw(
        `CREATE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON ${t} ` +
          'FOR EACH ROW EXECUTE FUNCTION kiln_audit_immutable()',
      )
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} EXECUTE FUNCTION kiln_audit_immutable()`)
      .execute(db);
  }
}
