/**
 * @module govern/audit/test-support/attacker
 * For tamper tests: someone with direct access to the database, past Kiln and past the triggers
 * that make the audit tables append-only. It opens its own connection (better-sqlite3 on the
 * SQLite file, a `pg` client on PostgreSQL), drops the protection triggers and runs raw SQL.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { MetadataStore } from '../../../store/metadata-store.js';

export interface Attacker {
  /** Runs SQL statements separated by `;` (no parameters: the tests inline their values). */
  exec(statements: string): Promise<void>;
  close(): Promise<void>;
}

const SQLITE_TRIGGERS = [
  'audit_events_no_update',
  'audit_events_no_delete',
  'audit_checkpoints_no_update',
  'audit_checkpoints_no_delete',
];
const POSTGRES_TRIGGERS = [
  'audit_events_immutable ON audit_events',
  'audit_events_no_truncate ON audit_events',
  'audit_checkpoints_immutable ON audit_checkpoints',
  'audit_checkpoints_no_truncate ON audit_checkpoints',
];

/** Opens a connection to `store`'s database and removes the audit tables' protection. */
export async function openAttacker(store: MetadataStore): Promise<Attacker> {
  if (store.dialect === 'sqlite') {
    const db = new SQLite(store.url.slice('sqlite:'.length));
    db.pragma('busy_timeout = 10000');
    for (const t of SQLITE_TRIGGERS) db.exec(`DROP TRIGGER ${t}`);
    return {
      async exec(statements) {
        db.exec(statements);
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: store.url });
  await client.connect();
  for (const t of POSTGRES_TRIGGERS) await client.query(`DROP TRIGGER ${t}`);
  return {
    async exec(statements) {
      await client.query(statements);
    },
    async close() {
      await client.end();
    },
  };
}

/** A string as an SQL literal. */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
