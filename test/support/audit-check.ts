/**
 * Checks of the audit log's exported proofs and checkpoints written from the RFC texts with
 * node:crypto only, independently of Kiln's own verifier, so a test can tell whether what the CLI
 * prints really proves anything.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

/** RFC 9162 §2.1.3.2: does `auditPath` take `leafHash` at `leafIndex` to `rootHash` in a tree of `treeSize`? */
export function verifyInclusionProof(p: {
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  audit_path: readonly string[];
  root_hash: string;
}): boolean {
  if (p.leaf_index >= p.tree_size) return false;
  let fn = p.leaf_index;
  let sn = p.tree_size - 1;
  let r: Buffer = Buffer.from(p.leaf_hash, 'hex');
  for (const hex of p.audit_path) {
    const node = Buffer.from(hex, 'hex');
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(node, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, node);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === p.root_hash;
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/**
 * An exported checkpoint: Ed25519 over the canonical JSON (RFC 8785: sorted keys, no spaces) of
 * `{key_id, root_hash, time, tree_size}`, with `key_id` the hex SHA-256 of the raw public key.
 */
export function verifyCheckpointSignature(cp: {
  tree_size: number;
  root_hash: string;
  time: string;
  key_id: string;
  signature: string;
  public_key: string;
}): boolean {
  const key = createPublicKey(cp.public_key);
  const raw = Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
  if (createHash('sha256').update(raw).digest('hex') !== cp.key_id) return false;
  const message = `{"key_id":${JSON.stringify(cp.key_id)},"root_hash":${JSON.stringify(cp.root_hash)},"time":${JSON.stringify(cp.time)},"tree_size":${cp.tree_size}}`;
  return verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(cp.signature, 'base64'));
}
