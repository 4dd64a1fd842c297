/**
 * @module store/revisions
 * Named revision counters that serving replicas poll to learn that a family of state changed
 * (`registry` for aliases and versions, `deployments` for deployments). Bumped inside the
 * transaction that makes the change, so a replica never sees the new revision before the change.
 */
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';

export async function bumpRevision(trx: Transaction<Database>, name: string): Promise<void> {
  const updated = await trx
    .updateTable('revisions')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await trx.insertInto('revisions').values({ name, revision: 1 }).execute();
}
