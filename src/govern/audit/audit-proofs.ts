/**
 * @module govern/audit/audit-proofs
 * Inclusion and consistency proofs over the stored leaf hashes. A proof reads the leaves of the
 * tree it is about (O(n), paged); the append path never does.
 *
 * The roots returned are computed from the stored leaves; a verifier compares them with a signed
 * checkpoint it trusts (one exported earlier, or `latestCheckpoint()`), never with the proof alone.
 */
import { invalid, KilnError } from '../../core/errors.js';
import type { Queryable } from '../../store/metadata-store.js';
import type { ConsistencyProof, InclusionProof } from './audit-log.js';
import { leafRows, readHead } from './audit-rows.js';
import { consistencyProof, inclusionProof, merkleRoot } from './merkle.js';

/** @throws KilnError INVALID_ARGUMENT, AUDIT_EVENT_NOT_FOUND, AUDIT_TAMPERED (a stored seq is missing). */
export async function proveInclusion(db: Queryable, seq: number, treeSize?: number): Promise<InclusionProof> {
  if (!Number.isSafeInteger(seq) || seq < 1) throw invalid('seq', 'a positive integer', seq);
  const size = (await readHead(db)).lastSeq;
  if (seq > size)
    throw new KilnError('AUDIT_EVENT_NOT_FOUND', `no audit event ${seq} (the log holds ${size})`, { seq });
  const n = treeSize ?? size;
  if (!Number.isSafeInteger(n) || n < seq || n > size)
    throw invalid('tree_size', `an integer in ${seq}..${size}`, treeSize);
  const leaves = await readLeaves(db, n);
  return {
    seq,
    leaf_index: seq - 1,
    tree_size: n,
    leaf_hash: leaves[seq - 1]!,
    audit_path: inclusionProof(leaves, seq - 1).map(hex),
    root_hash: hex(merkleRoot(leaves)),
  };
}

/** @throws KilnError INVALID_ARGUMENT unless 1 ≤ fromSize ≤ toSize ≤ size; AUDIT_TAMPERED. */
export async function proveConsistency(
  db: Queryable,
  fromSize: number,
  toSize?: number,
): Promise<ConsistencyProof> {
  const size = (await readHead(db)).lastSeq;
  const to = toSize ?? size;
  if (!Number.isSafeInteger(to) || to < 1 || to > size)
    throw invalid('to_size', `an integer in 1..${size}`, toSize);
  if (!Number.isSafeInteger(fromSize) || fromSize < 1 || fromSize > to)
    throw invalid('from_size', `an integer in 1..${to}`, fromSize);
  const leaves = await readLeaves(db, to);
  return {
    from_size: fromSize,
    to_size: to,
    from_root: hex(merkleRoot(leaves.slice(0, fromSize))),
    to_root: hex(merkleRoot(leaves)),
    proof: consistencyProof(leaves, fromSize).map(hex),
  };
}

/** Hex leaf hashes of events 1..n. */
async function readLeaves(db: Queryable, n: number): Promise<string[]> {
  const leaves: string[] = [];
  for await (const row of leafRows(db, 0, n)) {
    if (row.seq !== leaves.length + 1) break;
    leaves.push(row.leaf_hash);
  }
  if (leaves.length !== n) {
    throw new KilnError(
      'AUDIT_TAMPERED',
      `audit event ${leaves.length + 1} is missing; run \`kiln audit verify\``,
      {
        seq: leaves.length + 1,
      },
    );
  }
  return leaves;
}

function hex(b: Buffer): string {
  return b.toString('hex');
}
