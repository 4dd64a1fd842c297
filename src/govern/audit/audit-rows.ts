/**
 * @module govern/audit/audit-rows
 * The audit log's queries, written once for both engines. Long reads are paged by primary key so
 * that verifying or proving over a large log never holds every row in one result.
 */
import { sql } from 'kysely';
import type { Queryable } from '../../store/metadata-store.js';
import type { AuditCheckpointsTable, AuditEventsTable } from '../../store/schema.js';
import type { SignedCheckpoint } from './audit-log.js';
import { EMPTY_ROOT } from './merkle.js';

export const PAGE_SIZE = 2000;
export const EMPTY_ROOT_HEX = EMPTY_ROOT.toString('hex');

/** The log's end as stored: the last event's seq and the latest checkpoint (size and root). */
export interface StoredHead {
  readonly lastSeq: number;
  readonly checkpointSize: number;
  /** Root of the latest checkpoint, or the empty-tree root when there is none. */
  readonly checkpointRoot: string;
}

/** One statement, so both ends come from the same snapshot; O(1) on the primary keys. */
export async function readHead(db: Queryable): Promise<StoredHead> {
  const r = await sql<{ last_seq: number | null; cp_size: number | null; cp_root: string | null }>`
    select (select seq from audit_events order by seq desc limit 1) as last_seq,
           (select tree_size from audit_checkpoints order by tree_size desc limit 1) as cp_size,
           (select root_hash from audit_checkpoints order by tree_size desc limit 1) as cp_root`.execute(db);
  const row = r.rows[0];
  return {
    lastSeq: Number(row?.last_seq ?? 0),
    checkpointSize: Number(row?.cp_size ?? 0),
    checkpointRoot: row?.cp_root ?? EMPTY_ROOT_HEX,
  };
}

/** Events with `after < seq ≤ upTo`, in seq order, a page at a time. */
export async function* eventRows(
  db: Queryable,
  after: number,
  upTo: number,
): AsyncGenerator<AuditEventsTable> {
  let last = after;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', last)
      .where('seq', '<=', upTo)
      .orderBy('seq')
      .limit(PAGE_SIZE)
      .execute();
    yield* page;
    if (page.length < PAGE_SIZE) return;
    last = page[page.length - 1]!.seq;
  }
}

/** `{seq, leaf_hash}` with `after < seq ≤ upTo`, in seq order, a page at a time. */
export async function* leafRows(
  db: Queryable,
  after: number,
  upTo: number,
): AsyncGenerator<{ seq: number; leaf_hash: string }> {
  let last = after;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .select(['seq', 'leaf_hash'])
      .where('seq', '>', last)
      .where('seq', '<=', upTo)
      .orderBy('seq')
      .limit(PAGE_SIZE)
      .execute();
    yield* page;
    if (page.length < PAGE_SIZE) return;
    last = page[page.length - 1]!.seq;
  }
}

/** Checkpoints with `after < tree_size ≤ upTo`, in size order, a page at a time. */
export async function* checkpointRows(
  db: Queryable,
  after: number,
  upTo: number,
): AsyncGenerator<SignedCheckpoint> {
  let last = after;
  for (;;) {
    const page = await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tree_size', '>', last)
      .where('tree_size', '<=', upTo)
      .orderBy('tree_size')
      .limit(PAGE_SIZE)
      .execute();
    for (const row of page) yield toSignedCheckpoint(row);
    if (page.length < PAGE_SIZE) return;
    last = page[page.length - 1]!.tree_size;
  }
}

export function toSignedCheckpoint(row: AuditCheckpointsTable): SignedCheckpoint {
  return {
    tree_size: Number(row.tree_size),
    root_hash: row.root_hash,
    time: row.time,
    key_id: row.key_id,
    signature: row.signature,
  };
}
