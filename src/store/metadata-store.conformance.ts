/**
 * @module store/metadata-store.conformance
 * The behaviour every MetadataStore implementation must show. Each implementation's test file calls
 * {@link runMetadataStoreSuite} with a factory; the same assertions run on SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetadataStore } from './metadata-store.js';
import { MIGRATIONS } from './migrations/index.js';
import type { TestStoreFactory } from './test-support/test-databases.js';

const NOW = '2026-01-01T00:00:00.000Z';

function modelRow(name: string) {
  return { name, description: '', owner: 'o', tags_json: '{}', created_at: NOW, updated_at: NOW };
}

function auditRow(seq: number) {
  return {
    seq,
    time: NOW,
    actor: 'a',
    action: 'x',
    resource: 'r',
    details_digest: 'd',
    canonical: '{}',
    leaf_hash: 'h',
  };
}

export function runMetadataStoreSuite(factory: TestStoreFactory): void {
  describe(`MetadataStore conformance: ${factory.name}`, () => {
    afterAll(() => factory.cleanup());
    let store: MetadataStore;
    const fresh = async () => {
      store = await factory.create();
      return store;
    };

    it('applies every migration when opened', async () => {
      await fresh();
      expect(store.dialect).toBe(factory.name);
      expect(await store.schemaVersion()).toBe(MIGRATIONS.length);
      const rows = await store.db.selectFrom('models').selectAll().execute();
      expect(rows).toEqual([]);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await fresh();
      await store.transaction(async (trx) => {
        await trx.insertInto('models').values(modelRow('kept')).execute();
      });
      await expect(
        store.transaction(async (trx) => {
          await trx.insertInto('models').values(modelRow('lost')).execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const names = (await store.db.selectFrom('models').select('name').execute()).map((r) => r.name);
      expect(names).toEqual(['kept']);
    });

    it('refuses a duplicate primary key without changing the stored row', async () => {
      await fresh();
      await store.db.insertInto('models').values(modelRow('m')).execute();
      await expect(
        store.db
          .insertInto('models')
          .values({ ...modelRow('m'), description: 'other' })
          .execute(),
      ).rejects.toThrow();
      const row = await store.db
        .selectFrom('models')
        .selectAll()
        .where('name', '=', 'm')
        .executeTakeFirstOrThrow();
      expect(row.description).toBe('');
    });

    it('refuses UPDATE and DELETE on the audit tables', async () => {
      await fresh();
      await store.db.insertInto('audit_events').values(auditRow(1)).execute();
      await expect(store.db.updateTable('audit_events').set({ actor: 'mallory' }).execute()).rejects.toThrow(
        /AUDIT_IMMUTABLE/,
      );
      await expect(store.db.deleteFrom('audit_events').execute()).rejects.toThrow(/AUDIT_IMMUTABLE/);
      await store.db
        .insertInto('audit_checkpoints')
        .values({ tree_size: 1, root_hash: 'r', time: NOW, key_id: 'k', signature: 's' })
        .execute();
      await expect(store.db.deleteFrom('audit_checkpoints').execute()).rejects.toThrow(/AUDIT_IMMUTABLE/);
      const rows = await store.db.selectFrom('audit_events').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor).toBe('a');
    });

    it('returns big integers as numbers', async () => {
      await fresh();
      const ms = 1_764_000_000_123;
      await store.db.insertInto('revisions').values({ name: 'r', revision: ms }).execute();
      const row = await store.db.selectFrom('revisions').selectAll().executeTakeFirstOrThrow();
      expect(row.revision).toBe(ms);
      expect(typeof row.revision).toBe('number');
    });

    it('serialises transactions that take the same named lock', async () => {
      await fresh();
      await store.db.insertInto('revisions').values({ name: 'counter', revision: 0 }).execute();
      const bump = () =>
        store.transaction(async (trx) => {
          await store.lock(trx, 'counter');
          const row = await trx
            .selectFrom('revisions')
            .select('revision')
            .where('name', '=', 'counter')
            .executeTakeFirstOrThrow();
          await new Promise((r) => setTimeout(r, 5));
          await trx
            .updateTable('revisions')
            .set({ revision: row.revision + 1 })
            .where('name', '=', 'counter')
            .execute();
        });
      await Promise.all(Array.from({ length: 8 }, bump));
      const row = await store.db.selectFrom('revisions').selectAll().executeTakeFirstOrThrow();
      expect(row.revision).toBe(8);
    });

    it('supports raw SQL through the same handle', async () => {
      await fresh();
      const r = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(Number(r.rows[0]?.one)).toBe(1);
    });

    it('close is idempotent', async () => {
      const s = await factory.create();
      await s.close();
      await s.close();
    });
  });
}
