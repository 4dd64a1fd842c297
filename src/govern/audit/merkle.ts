/**
 * @module govern/audit/merkle
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256: leaf and node hashes, the tree head MTH,
 * inclusion proofs (PATH) and consistency proofs (PROOF) with the verification algorithms of
 * RFC 9162 §2.1.3.2 and §2.1.4.2, and the {@link MerkleFrontier} that updates the root in
 * O(log n) per appended leaf.
 *
 * A proof binds a leaf (or an old root) to a root, not to a tree size: some sizes share a proof
 * shape, so the size must come from a signed checkpoint that states size and root together.
 *
 * Functions over leaves take leaf *hashes* (already `leafHash`-ed) as Buffers or hex strings and
 * return Buffers. Sizes are plain numbers (at most 2^53 − 1), so index arithmetic avoids 32-bit
 * bitwise operators.
 */
import { createHash } from 'node:crypto';

/** A SHA-256 digest as bytes or as hex. */
export type HashLike = Uint8Array | string;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** The 32 bytes of a SHA-256 hash given as bytes or hex. @throws TypeError for anything else. */
export function toHash(h: HashLike): Buffer {
  const b = typeof h === 'string' ? Buffer.from(h, 'hex') : Buffer.from(h.buffer, h.byteOffset, h.byteLength);
  if (b.length !== 32 || (typeof h === 'string' && h.length !== 64)) {
    throw new TypeError(
      `expected a 32-byte SHA-256 hash, got ${typeof h === 'string' ? JSON.stringify(h) : `${b.length} bytes`}`,
    );
  }
  return b;
}

/** SHA-256(0x00 ‖ data): the hash of one leaf's bytes. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
export function nodeHash(left: HashLike, right: HashLike): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(toHash(left)).update(toHash(right)).digest();
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The roots of the perfect subtrees along the right edge of a tree (largest first): all that is
 * needed to append a leaf and recompute the root without the other leaves. Immutable.
 */
export class MerkleFrontier {
  readonly size: number;
  readonly #nodes: readonly Buffer[];

  private constructor(size: number, nodes: readonly Buffer[]) {
    this.size = size;
    this.#nodes = nodes;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** The frontier of the tree over `leaves`, in O(n). */
  static of(leaves: Iterable<HashLike>): MerkleFrontier {
    let f = MerkleFrontier.empty();
    for (const leaf of leaves) f = f.append(leaf);
    return f;
  }

  /** The frontier after appending one leaf hash; O(log n). */
  append(leaf: HashLike): MerkleFrontier {
    const nodes = this.#nodes.slice();
    let node = toHash(leaf);
    // Each trailing 1-bit of the old size is a perfect subtree the new leaf completes.
    for (let s = this.size; s % 2 === 1; s = (s - 1) / 2) node = nodeHash(nodes.pop()!, node);
    nodes.push(node);
    return new MerkleFrontier(this.size + 1, nodes);
  }

  /** MTH of the leaves appended so far; O(log n). */
  root(): Buffer {
    if (this.#nodes.length === 0) return EMPTY_ROOT;
    let r = this.#nodes[this.#nodes.length - 1]!;
    for (let i = this.#nodes.length - 2; i >= 0; i--) r = nodeHash(this.#nodes[i]!, r);
    return r;
  }
}

/** MTH(D[n]) over leaf hashes; O(n). */
export function merkleRoot(leaves: readonly HashLike[]): Buffer {
  return rangeRoot(leaves, 0, leaves.length);
}

function rangeRoot(leaves: readonly HashLike[], from: number, to: number): Buffer {
  let f = MerkleFrontier.empty();
  for (let i = from; i < to; i++) f = f.append(leaves[i]!);
  return f.root();
}

/**
 * PATH(index, D[n]): the audit path proving leaf `index` (0-based) is in the tree of all `leaves`,
 * ordered from the leaf's sibling up to the root's child; O(n).
 */
export function inclusionProof(leaves: readonly HashLike[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of size ${leaves.length}`);
  }
  let from = 0;
  let to = leaves.length;
  let m = index;
  const siblings: Array<[number, number]> = [];
  while (to - from > 1) {
    const k = splitPoint(to - from);
    if (m < k) {
      siblings.push([from + k, to]);
      to = from + k;
    } else {
      siblings.push([from, from + k]);
      from += k;
      m -= k;
    }
  }
  return siblings.reverse().map(([a, b]) => rangeRoot(leaves, a, b));
}

/**
 * PROOF(m, D[n]): the consistency proof that the tree of the first `m` leaves is a prefix of the
 * tree of all `leaves` (1 ≤ m ≤ n; empty when m = n); O(n).
 */
export function consistencyProof(leaves: readonly HashLike[], m: number): Buffer[] {
  const n = leaves.length;
  if (!Number.isInteger(m) || m < 1 || m > n) throw new RangeError(`old size ${m} is not within 1..${n}`);
  const proof: Buffer[] = [];
  // SUBPROOF(m, D[from:to], b), unrolled: the recursion only ever descends one side.
  let from = 0;
  let to = n;
  let sub = m;
  let complete = true;
  while (sub !== to - from) {
    const k = splitPoint(to - from);
    if (sub <= k) {
      proof.push(rangeRoot(leaves, from + k, to));
      to = from + k;
    } else {
      proof.push(rangeRoot(leaves, from, from + k));
      from += k;
      sub -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(rangeRoot(leaves, from, to));
  return proof.reverse();
}

/** RFC 9162 §2.1.3.2: does `proof` show `leaf` at `index` in the tree of `treeSize` with `root`? */
export function verifyInclusion(
  leaf: HashLike,
  index: number,
  treeSize: number,
  proof: readonly HashLike[],
  root: HashLike,
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return false;
  try {
    let fn = index;
    let sn = treeSize - 1;
    let r = toHash(leaf);
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
      } else {
        r = nodeHash(r, p);
      }
      [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    }
    return sn === 0 && r.equals(toHash(root));
  } catch {
    return false;
  }
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (`m`, `oldRoot`) is a prefix of (`n`, `newRoot`)? */
export function verifyConsistency(
  m: number,
  n: number,
  oldRoot: HashLike,
  newRoot: HashLike,
  proof: readonly HashLike[],
): boolean {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || m > n) return false;
  try {
    if (m === n) return proof.length === 0 && toHash(oldRoot).equals(toHash(newRoot));
    const path = proof.map(toHash);
    if (isPowerOfTwo(m)) path.unshift(toHash(oldRoot));
    if (path.length === 0) return false;
    let fn = m - 1;
    let sn = n - 1;
    while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)];
    let fr = path[0]!;
    let sr = path[0]!;
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
      } else {
        sr = nodeHash(sr, c);
      }
      [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    }
    return sn === 0 && fr.equals(toHash(oldRoot)) && sr.equals(toHash(newRoot));
  } catch {
    return false;
  }
}

function isPowerOfTwo(x: number): boolean {
  let p = 1;
  while (p < x) p *= 2;
  return p === x;
}
