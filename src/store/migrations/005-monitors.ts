/**
 * @module store/migrations/005-monitors
 * Monitors (scheduled drift checks of a deployment), their metric history, their last reports
 * and the alerts they raised.
 */
import type { Kysely } from 'kysely';
import type { KilnMigration } from './migration.js';

export const monitors: KilnMigration = {
  name: '005-monitors',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('monitors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('deployment', 'text', (c) => c.notNull())
      .addColumn('config_json', 'text', (c) => c.notNull())
      .addColumn('baseline_json', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('monitor_metrics')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('window_end', 'text', (c) => c.notNull())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('tags_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('monitor_metrics_by_name')
      .on('monitor_metrics')
      .columns(['monitor', 'name', 'entity', 'window_end'])
      .execute();
    await db.schema
      .createTable('monitor_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('window_end', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('report_json', 'text')
      .addColumn('alerts_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('monitor_runs_by_monitor')
      .on('monitor_runs')
      .columns(['monitor', 'created_at'])
      .execute();
  },
};
