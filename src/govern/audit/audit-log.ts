/**
 * @module govern/audit/audit-log
 * The audit log contract. Every state change in Kiln appends one event in the same transaction as
 * the change itself, so a change and its record commit or vanish together.
 *
 * An event is `{seq, time, actor, action, resource, details_digest}`; it is serialised as RFC 8785
 * canonical JSON and becomes leaf `seq - 1` of an RFC 6962 Merkle tree (leaf = SHA-256(0x00‖event),
 * node = SHA-256(0x01‖left‖right)). After each append a checkpoint (tree size, root, time) is signed
 * with the workspace's Ed25519 key and kept in the database and in an append-only checkpoint file.
 *
 * Anyone can check the log: {@link AuditLog.verify} recomputes every leaf and signed root,
 * {@link AuditLog.inclusionProof} proves one event is in a signed tree, and
 * {@link AuditLog.consistencyProof} proves an older signed tree is a prefix of a newer one, which is
 * how a checkpoint exported for safekeeping exposes a later rewrite of history. See docs/audit-log.md.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';

export interface AuditEventInput {
  /** Token name, or `system`. */
  readonly actor: string;
  /** Dotted verb, e.g. `model.version.create`, `alias.move`, `token.revoke`. */
  readonly action: string;
  /** What was acted on, e.g. `model/fraud/3`, `token/ci`. */
  readonly resource: string;
  /** Any JSON; only its SHA-256 digest (of its canonical JSON) enters the event. */
  readonly details?: unknown;
}

export interface AuditEvent {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly resource: string;
  readonly details_digest: string;
}

export interface SignedCheckpoint {
  readonly tree_size: number;
  /** Hex SHA-256 Merkle root. */
  readonly root_hash: string;
  readonly time: string;
  /** Hex SHA-256 of the Ed25519 public key (raw 32 bytes). */
  readonly key_id: string;
  /** Base64 Ed25519 signature over the checkpoint's canonical JSON without `signature`. */
  readonly signature: string;
  /** PEM of the public key, so a checkpoint kept elsewhere can be checked on its own. */
  readonly public_key?: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly size: number;
  readonly root_hash: string;
  /**
   * When not ok: the lowest seq any check blames — an edited, missing or misplaced event, the size
   * of the first checkpoint that fails, or `size + 1` when events after the stored ones were removed.
   */
  readonly first_bad_seq?: number;
  readonly problems: readonly string[];
}

/** RFC 9162 inclusion proof of one event (leaf `seq - 1`) in the tree of the first `tree_size` events. */
export interface InclusionProof {
  readonly seq: number;
  readonly leaf_index: number;
  readonly tree_size: number;
  /** Hex leaf hash: SHA-256(0x00 ‖ the event's canonical JSON). */
  readonly leaf_hash: string;
  /** Hex sibling hashes, from the leaf's sibling up to the root's child. */
  readonly audit_path: readonly string[];
  /** Hex root of the tree of `tree_size`; compare it with a signed checkpoint of that size. */
  readonly root_hash: string;
}

/** RFC 9162 consistency proof: the tree of `from_size` events is a prefix of the tree of `to_size`. */
export interface ConsistencyProof {
  readonly from_size: number;
  readonly to_size: number;
  readonly from_root: string;
  readonly to_root: string;
  /** Hex node hashes; empty when the sizes are equal. */
  readonly proof: readonly string[];
}

export interface AuditListFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly resource?: string;
  /** Only events with a larger seq (paging). */
  readonly afterSeq?: number;
  /** At most this many (default 100, at most 1000). */
  readonly limit?: number;
}

export interface AuditLog {
  /**
   * Appends an event inside `trx` (which must belong to the metadata store). Serialises appends
   * with a named lock; the checkpoint row is written in the same transaction. The checkpoint file
   * is written only after commit: by {@link AuditLog.flushCheckpointFile}, which the implementation
   * may also run by itself once the transaction has ended.
   * @throws KilnError INVALID_ARGUMENT for an empty actor, action or resource or details that are
   *   not JSON; AUDIT_TAMPERED when the stored log does not match its latest checkpoint.
   */
  append(trx: Transaction<Database>, event: AuditEventInput): Promise<AuditEvent>;
  /** Appends in a transaction of its own, then flushes the checkpoint file. */
  record(event: AuditEventInput): Promise<AuditEvent>;
  /** Events in seq order, filtered; `afterSeq` pages. @throws KilnError INVALID_ARGUMENT for a bad limit. */
  list(filter?: AuditListFilter): Promise<AuditEvent[]>;
  /** @throws KilnError AUDIT_EVENT_NOT_FOUND; INVALID_ARGUMENT when `seq` is not a positive integer. */
  get(seq: number): Promise<AuditEvent>;
  /**
   * Recomputes every leaf and every checkpoint, checks every signature and the checkpoint file;
   * names the first bad entry (lowest seq). Never throws for a tampered log: it reports it.
   */
  verify(): Promise<AuditVerification>;
  /** The newest checkpoint, with `public_key` set so it can be exported and checked on its own. */
  latestCheckpoint(): Promise<SignedCheckpoint | null>;
  /** Checkpoints in tree-size order; `afterSize` pages (default limit 100, at most 1000). */
  checkpoints(filter?: { afterSize?: number; limit?: number }): Promise<SignedCheckpoint[]>;
  /**
   * Proves event `seq` is in the tree of the first `treeSize` events (default: all).
   * @throws KilnError INVALID_ARGUMENT unless 1 ≤ seq ≤ treeSize ≤ size; AUDIT_EVENT_NOT_FOUND.
   */
  inclusionProof(seq: number, treeSize?: number): Promise<InclusionProof>;
  /**
   * Proves the tree of `fromSize` events is a prefix of the tree of `toSize` (default: all).
   * @throws KilnError INVALID_ARGUMENT unless 1 ≤ fromSize ≤ toSize ≤ size.
   */
  consistencyProof(fromSize: number, toSize?: number): Promise<ConsistencyProof>;
  /**
   * Appends to the checkpoint file every committed checkpoint it does not hold yet. Call it after
   * a transaction that used {@link AuditLog.append}; `record`, `verify` and `latestCheckpoint`
   * call it themselves.
   */
  flushCheckpointFile(): Promise<void>;
}
