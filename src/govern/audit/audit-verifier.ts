/**
 * @module govern/audit/audit-verifier
 * The full check of a stored audit log, in one pass over events and checkpoints in seq order:
 *
 * - seqs run 1..n without gaps (a deleted event leaves one);
 * - each event's canonical JSON, recomputed from its columns, equals the stored `canonical`, and
 *   `leaf_hash` is its hash (an edited column, or swapped seqs, show here);
 * - there is a checkpoint for every size 1..n and none beyond n; each one's root equals the root
 *   recomputed from the leaves *recomputed from the columns*, so an edit that also rewrote
 *   `canonical` and `leaf_hash` still breaks the signed roots; each signature verifies with the
 *   workspace key;
 * - each entry of the checkpoint file equals the database's checkpoint of its size, and none is
 *   beyond n (a truncated tail shows here, if the file survived).
 *
 * The first bad entry is the lowest seq any check blames. Problems are capped; the count is kept.
 */
import { sql } from 'kysely';
import type { Queryable } from '../../store/metadata-store.js';
import type { AuditEventsTable } from '../../store/schema.js';
import { canonicalEvent, eventLeafHash } from './audit-event.js';
import type { AuditVerification, SignedCheckpoint } from './audit-log.js';
import { checkpointRows, eventRows } from './audit-rows.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { MerkleFrontier } from './merkle.js';

const MAX_PROBLEMS = 50;

export interface VerifyOptions {
  readonly publicKeyPem: string;
  readonly keyId: string;
  /** The checkpoint file's entries, read before the database (so they are all committed). */
  readonly fileEntries: readonly SignedCheckpoint[];
}

class Findings {
  readonly problems: string[] = [];
  firstBad: number | undefined;
  #omitted = 0;

  add(seq: number, message: string): void {
    this.firstBad = this.firstBad === undefined ? seq : Math.min(this.firstBad, seq);
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(message);
    else this.#omitted++;
  }

  result(size: number, root: string): AuditVerification {
    const problems =
      this.#omitted > 0 ? [...this.problems, `…and ${this.#omitted} more problems`] : this.problems;
    const base = { ok: problems.length === 0, size, root_hash: root, problems };
    return this.firstBad === undefined ? base : { ...base, first_bad_seq: this.firstBad };
  }
}

export async function verifyStoredLog(db: Queryable, options: VerifyOptions): Promise<AuditVerification> {
  const found = new Findings();
  const file = new Map<number, SignedCheckpoint[]>();
  for (const e of options.fileEntries) file.set(e.tree_size, [...(file.get(e.tree_size) ?? []), e]);
  // Bounds from one snapshot, so appends committed while we read are not mistaken for tampering.
  const bounds = await sql<{ e: number | null; c: number | null }>`
    select (select max(seq) from audit_events) as e, (select max(tree_size) from audit_checkpoints) as c`.execute(
    db,
  );
  const lastSeq = Number(bounds.rows[0]?.e ?? 0);
  const lastCp = Number(bounds.rows[0]?.c ?? 0);

  const cps = checkpointRows(db, Number.MIN_SAFE_INTEGER, lastCp);
  let cp = (await cps.next()).value as SignedCheckpoint | undefined;
  let frontier = MerkleFrontier.empty();
  let prevSeq = 0;
  let rootsBrokenAt: number | undefined;
  let laterBadRoots = 0;
  for await (const row of eventRows(db, Number.MIN_SAFE_INTEGER, lastSeq)) {
    if (row.seq < 1) {
      found.add(1, `an event has seq ${row.seq}; seqs start at 1`);
    } else {
      if (row.seq !== prevSeq + 1) found.add(prevSeq + 1, missing(prevSeq + 1, row.seq - 1));
      prevSeq = row.seq;
    }
    frontier = frontier.append(leafFromColumns(row, found));
    const pos = frontier.size;
    const root = frontier.root().toString('hex');
    while (cp !== undefined && cp.tree_size < pos) {
      found.add(Math.max(1, cp.tree_size), `checkpoint of size ${cp.tree_size} is out of place`);
      cp = (await cps.next()).value as SignedCheckpoint | undefined;
    }
    const stored = cp?.tree_size === pos ? cp : undefined;
    if (stored) {
      if (stored.root_hash !== root) {
        // Every later root covers the same bad leaf, so only the first mismatch is spelled out.
        if (rootsBrokenAt === undefined) {
          rootsBrokenAt = pos;
          found.add(pos, `checkpoint ${pos}: its signed root does not match events 1..${pos} as stored`);
        } else {
          laterBadRoots++;
        }
      }
      checkSignature(stored, options, found);
      cp = (await cps.next()).value as SignedCheckpoint | undefined;
    } else {
      found.add(pos, `checkpoint ${pos} is missing`);
    }
    for (const entry of file.get(pos) ?? []) checkFileEntry(entry, stored, root, options, found);
  }
  const size = frontier.size;
  if (rootsBrokenAt !== undefined && laterBadRoots > 0) {
    found.add(rootsBrokenAt + 1, `${laterBadRoots} later checkpoints do not match their events either`);
  }
  if (cp !== undefined) {
    found.add(
      size + 1,
      `checkpoint ${cp.tree_size} covers more events than the ${size} stored: the tail of the log was removed`,
    );
  }
  let beyond = 0;
  for (const k of file.keys()) {
    if (k > beyond) beyond = k;
    if (k < 1) found.add(1, `the checkpoint file holds a checkpoint of size ${k}`);
  }
  if (beyond > size) {
    found.add(
      size + 1,
      `the checkpoint file holds a checkpoint of ${beyond} events but the database only ${size}: the tail of the log was removed`,
    );
  }
  return found.result(size, frontier.root().toString('hex'));
}

function missing(from: number, to: number): string {
  return from === to ? `event ${from} is missing` : `events ${from}..${to} are missing`;
}

/** The leaf recomputed from the event's columns; mismatches with the stored copies are reported. */
function leafFromColumns(row: AuditEventsTable, found: Findings): string {
  let canonical: string;
  try {
    canonical = canonicalEvent(row);
  } catch (e) {
    found.add(row.seq, `event ${row.seq}: its columns cannot be serialised (${(e as Error).message})`);
    return eventLeafHash(row.canonical);
  }
  if (canonical !== row.canonical) {
    found.add(row.seq, `event ${row.seq}: its columns do not match its stored canonical JSON`);
  } else if (eventLeafHash(row.canonical) !== row.leaf_hash) {
    found.add(row.seq, `event ${row.seq}: its stored leaf hash is not the hash of its canonical JSON`);
  }
  return eventLeafHash(canonical);
}

function checkSignature(cp: SignedCheckpoint, options: VerifyOptions, found: Findings): void {
  if (cp.key_id !== options.keyId) {
    found.add(
      cp.tree_size,
      `checkpoint ${cp.tree_size} is signed by key ${cp.key_id}, not the workspace key ${options.keyId}`,
    );
  } else if (!CheckpointSigner.verifyCheckpoint(cp, options.publicKeyPem)) {
    found.add(cp.tree_size, `checkpoint ${cp.tree_size}: its signature does not verify`);
  }
}

function checkFileEntry(
  entry: SignedCheckpoint,
  stored: SignedCheckpoint | undefined,
  root: string,
  options: VerifyOptions,
  found: Findings,
): void {
  const pos = entry.tree_size;
  if (stored) {
    const same =
      entry.root_hash === stored.root_hash &&
      entry.time === stored.time &&
      entry.key_id === stored.key_id &&
      entry.signature === stored.signature;
    if (!same)
      found.add(
        pos,
        `checkpoint ${pos} in the checkpoint file differs from the database's: history was rewritten`,
      );
    return;
  }
  if (entry.root_hash !== root)
    found.add(pos, `checkpoint ${pos} in the checkpoint file does not match events 1..${pos}`);
  checkSignature(entry, options, found);
}
