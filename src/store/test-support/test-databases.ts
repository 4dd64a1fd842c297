/**
 * @module store/test-support/test-databases
 * Test helpers: a fresh metadata store per call, on SQLite (temp folder) or on a fresh PostgreSQL
 * database created for the test file and dropped afterwards. PostgreSQL comes from
 * KILN_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); the global setup
 * fails the run under CI=true when it is unreachable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import './provided-context.js';
import type { MetadataStore } from '../metadata-store.js';
import { PostgresMetadataStore } from '../postgres/postgres-metadata-store.js';
import { SqliteMetadataStore } from '../sqlite/sqlite-metadata-store.js';

export interface TestStoreFactory {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty, migrated store. */
  create(): Promise<MetadataStore>;
  /** Closes every store it made and removes their files or databases. */
  cleanup(): Promise<void>;
}

/** The PostgreSQL admin URL for tests, or null when PostgreSQL is unreachable outside CI. */
export function testPostgresUrl(): string | null {
  return inject('postgresUrl');
}

export function sqliteFactory(): TestStoreFactory {
  const dirs: string[] = [];
  const stores: MetadataStore[] = [];
  return {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'kiln-test-'));
      dirs.push(dir);
      const store = await SqliteMetadataStore.open(join(dir, 'kiln.db'));
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores.splice(0)) await s.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh database on the test server; returns its URL and a function that drops it. */
export async function createPostgresDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kiln_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function postgresFactory(adminUrl: string): TestStoreFactory {
  const stores: MetadataStore[] = [];
  const drops: Array<() => Promise<void>> = [];
  return {
    name: 'postgres',
    async create() {
      const { url, drop } = await createPostgresDatabase(adminUrl);
      drops.push(drop);
      const store = await PostgresMetadataStore.open(url, { poolSize: 4 });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores.splice(0)) await s.close();
      for (const d of drops.splice(0)) await d();
    },
  };
}

/** Both factories when PostgreSQL is reachable, else SQLite alone (CI fails earlier if it is not). */
export function allTestStoreFactories(): TestStoreFactory[] {
  const pgUrl = testPostgresUrl();
  return pgUrl ? [sqliteFactory(), postgresFactory(pgUrl)] : [sqliteFactory()];
}
