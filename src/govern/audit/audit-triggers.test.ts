/**
 * The database itself refuses to change audit rows, on every engine: UPDATE and DELETE (and on
 * PostgreSQL TRUNCATE) of either audit table fail and leave the rows as they were.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { allTestStoreFactories } from '../../store/test-support/test-databases.js';
import { auditFixtures, recordEvents } from './test-support/audit-fixtures.js';

describe.each(allTestStoreFactories())('audit table triggers on $name', (factory) => {
  const fixtures = auditFixtures(factory);
  afterAll(() => fixtures.cleanup());

  it('refuse UPDATE and DELETE on both audit tables and keep the log valid', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 3);
    const db = f.store.db;
    await expect(
      db.updateTable('audit_events').set({ actor: 'mallory' }).where('seq', '=', 2).execute(),
    ).rejects.toThrow(/AUDIT_IMMUTABLE/);
    await expect(db.deleteFrom('audit_events').where('seq', '=', 3).execute()).rejects.toThrow(
      /AUDIT_IMMUTABLE/,
    );
    await expect(db.updateTable('audit_checkpoints').set({ root_hash: 'x' }).execute()).rejects.toThrow(
      /AUDIT_IMMUTABLE/,
    );
    await expect(db.deleteFrom('audit_checkpoints').execute()).rejects.toThrow(/AUDIT_IMMUTABLE/);
    // Inside a transaction too: the whole transaction fails.
    await expect(
      f.store.transaction(async (trx) => {
        await f.log.append(trx, { actor: 'a', action: 'x', resource: 'r' });
        await trx.deleteFrom('audit_events').where('seq', '=', 1).execute();
      }),
    ).rejects.toThrow(/AUDIT_IMMUTABLE/);
    expect(await f.log.verify()).toMatchObject({ ok: true, size: 3 });
  });

  // SQLite has no TRUNCATE (its DELETE without WHERE is refused above); PostgreSQL's needs its own trigger.
  if (factory.name === 'postgres') {
    it('refuse TRUNCATE on PostgreSQL', async () => {
      const f = await fixtures.create();
      await recordEvents(f, 2);
      await expect(sql`TRUNCATE audit_events`.execute(f.store.db)).rejects.toThrow(/AUDIT_IMMUTABLE/);
      await expect(sql`TRUNCATE audit_checkpoints`.execute(f.store.db)).rejects.toThrow(/AUDIT_IMMUTABLE/);
      expect(await f.log.verify()).toMatchObject({ ok: true, size: 2 });
    });
  }
});
