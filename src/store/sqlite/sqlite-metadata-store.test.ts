import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { runMetadataStoreSuite } from '../metadata-store.conformance.js';
import { MIGRATIONS } from '../migrations/index.js';
import { sqliteFactory } from '../test-support/test-databases.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

runMetadataStoreSuite(sqliteFactory());

describe('SqliteMetadataStore upgrades', () => {
  it('backs up a workspace made by an older Kiln, migrates it and keeps its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-upgrade-'));
    const path = join(dir, 'kiln.db');
    // Build the database as the first release left it: only the first migration applied.
    const old = new Kysely<unknown>({ dialect: new ImmediateSqliteDialect({ database: new SQLite(path) }) });
    const first = MIGRATIONS[0]!;
    const migrator = new Migrator({
      db: old,
      provider: {
        getMigrations: async (): Promise<Record<string, Migration>> => ({
          [first.name]: { up: (d) => first.up(d, 'sqlite') },
        }),
      },
      migrationTableName: 'kiln_migrations',
      migrationLockTableName: 'kiln_migrations_lock',
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await (old as Kysely<any>)
      .insertInto('models')
      .values({
        name: 'legacy',
        description: 'd',
        owner: 'o',
        tags_json: '{}',
        created_at: 't',
        updated_at: 't',
      })
      .execute();
    await old.destroy();

    const store = await SqliteMetadataStore.open(path);
    expect(await store.schemaVersion()).toBe(MIGRATIONS.length);
    const rows = await store.db.selectFrom('models').select('name').execute();
    expect(rows.map((r) => r.name)).toEqual(['legacy']);
    await store.close();
    const backups = readdirSync(dir).filter((f) => f.startsWith('kiln.db.bak-1-'));
    expect(backups).toHaveLength(1);
    const copy = new SQLite(join(dir, backups[0]!), { readonly: true });
    expect(copy.prepare('select count(*) as n from kiln_migrations').get()).toEqual({ n: 1 });
    copy.close();
  });

  it('takes no backup when a new database is created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-new-'));
    const store = await SqliteMetadataStore.open(join(dir, 'sub', 'kiln.db'));
    await store.close();
    expect(existsSync(join(dir, 'sub', 'kiln.db'))).toBe(true);
    expect(readdirSync(join(dir, 'sub')).some((f) => f.includes('.bak-'))).toBe(false);
  });
});
