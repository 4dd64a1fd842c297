/**
 * @module govern/audit/exported-checkpoint
 * Checks a checkpoint exported earlier (and kept where the database's owner cannot reach it)
 * against the log as it is now. The current log must still contain the exported tree as a prefix:
 * an RFC 9162 consistency proof from the exported size to the current signed size must verify,
 * with both checkpoints signed by the exported key.
 *
 * This is what exposes a rewrite of history by someone who holds both the database and the
 * signing key: they can re-sign every checkpoint in the database, but not change a root that has
 * already left their hands.
 */
import { isKilnError } from '../../core/errors.js';
import type { AuditLog, ConsistencyProof, SignedCheckpoint } from './audit-log.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { verifyConsistency } from './merkle.js';

export interface ExportedCheckpointCheck {
  readonly ok: boolean;
  readonly exported_size: number;
  readonly current_size: number;
  /** When the log no longer holds the exported tree's last events: the first one missing. */
  readonly first_bad_seq?: number;
  readonly problems: readonly string[];
}

export interface ExportedCheckOptions {
  /** The key to trust (PEM); default: the `public_key` carried by the exported checkpoint. */
  readonly publicKeyPem?: string;
}

/**
 * Pure check of `exported` against the `current` signed checkpoint and a consistency proof between
 * them (`null` when the log could not give one).
 */
export function verifyExportedCheckpoint(
  exported: SignedCheckpoint,
  current: SignedCheckpoint | null,
  proof: ConsistencyProof | null,
  options: ExportedCheckOptions = {},
): ExportedCheckpointCheck {
  const problems: string[] = [];
  const m = exported.tree_size;
  const n = current?.tree_size ?? 0;
  const result = (firstBad?: number): ExportedCheckpointCheck => ({
    ok: problems.length === 0,
    exported_size: m,
    current_size: n,
    ...(firstBad === undefined ? {} : { first_bad_seq: firstBad }),
    problems,
  });
  const key = options.publicKeyPem ?? exported.public_key;
  if (key === undefined) {
    problems.push('no public key: pass one, or export the checkpoint with its public_key');
    return result();
  }
  if (!CheckpointSigner.verifyCheckpoint(exported, key))
    problems.push(`the exported checkpoint of size ${m} is not validly signed by the key`);
  if (current === null || n < m) {
    problems.push(
      `the log holds ${n} events but the exported checkpoint vouches for ${m}: events ${n + 1}..${m} were removed`,
    );
    return result(n + 1);
  }
  if (!CheckpointSigner.verifyCheckpoint(current, key))
    problems.push(`the current checkpoint of size ${n} is not validly signed by the key`);
  if (proof === null) {
    problems.push(`the log could not prove that its first ${m} events are unchanged`);
    return result();
  }
  const proves =
    proof.from_size === m &&
    proof.to_size === n &&
    verifyConsistency(m, n, exported.root_hash, current.root_hash, proof.proof);
  if (!proves) {
    problems.push(
      `the log's first ${m} events are not the ones the exported checkpoint signed: history was rewritten`,
    );
  }
  return result();
}

/** Fetches the current checkpoint and the consistency proof from `log`, then runs the pure check. */
export async function checkExportedCheckpoint(
  exported: SignedCheckpoint,
  log: Pick<AuditLog, 'latestCheckpoint' | 'consistencyProof'>,
  options: ExportedCheckOptions = {},
): Promise<ExportedCheckpointCheck> {
  const current = await log.latestCheckpoint();
  let proof: ConsistencyProof | null = null;
  if (current !== null && current.tree_size >= exported.tree_size) {
    try {
      proof = await log.consistencyProof(exported.tree_size, current.tree_size);
    } catch (e) {
      // A log too broken to prove anything fails the check; it does not crash it.
      if (!isKilnError(e)) throw e;
    }
  }
  return verifyExportedCheckpoint(exported, current, proof, options);
}
