import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// Brute force, written straight from RFC 6962 §2.1 with array slices and its own hashing.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const bfLeaf = (data: Buffer) => sha(Buffer.of(0), data);
const bfNode = (l: Buffer, r: Buffer) => sha(Buffer.of(1), l, r);
const bfK = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

function bfMth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return d[0]!;
  const k = bfK(d.length);
  return bfNode(bfMth(d.slice(0, k)), bfMth(d.slice(k)));
}

function bfPath(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = bfK(d.length);
  return m < k
    ? [...bfPath(m, d.slice(0, k)), bfMth(d.slice(k))]
    : [...bfPath(m - k, d.slice(k)), bfMth(d.slice(0, k))];
}

function bfSubproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [bfMth(d)];
  const k = bfK(d.length);
  return m <= k
    ? [...bfSubproof(m, d.slice(0, k), b), bfMth(d.slice(k))]
    : [...bfSubproof(m - k, d.slice(k), false), bfMth(d.slice(0, k))];
}

const MAX = 64;
const leaves = Array.from({ length: MAX }, (_, i) => bfLeaf(Buffer.from(`event ${i}`)));
const flip = (h: Buffer) => {
  const c = Buffer.from(h);
  c[7]! ^= 0x40;
  return c;
};
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));

describe('merkle hashing', () => {
  it('hashes leaves and nodes with the RFC 6962 domain-separation prefixes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(leafHash(Buffer.from('x')).equals(bfLeaf(Buffer.from('x')))).toBe(true);
    expect(nodeHash(leaves[0]!, leaves[1]!).equals(bfNode(leaves[0]!, leaves[1]!))).toBe(true);
    // Hex and bytes are interchangeable inputs.
    expect(nodeHash(leaves[0]!.toString('hex'), leaves[1]!).equals(nodeHash(leaves[0]!, leaves[1]!))).toBe(
      true,
    );
  });

  it('refuses a malformed hash', () => {
    expect(() => nodeHash('abcd', leaves[0]!)).toThrow(/32-byte/);
    expect(() => nodeHash(Buffer.alloc(31), leaves[0]!)).toThrow(/31 bytes/);
  });

  it('computes MTH like the brute force for every size 0..64, in one pass and incrementally', () => {
    let f = MerkleFrontier.empty();
    expect(f.root().equals(EMPTY_ROOT)).toBe(true);
    expect(merkleRoot([]).equals(EMPTY_ROOT)).toBe(true);
    for (let n = 1; n <= MAX; n++) {
      const expected = bfMth(leaves.slice(0, n));
      f = f.append(leaves[n - 1]!);
      expect(f.size).toBe(n);
      expect(f.root().equals(expected), `size ${n}`).toBe(true);
      expect(merkleRoot(leaves.slice(0, n)).equals(expected)).toBe(true);
      expect(
        MerkleFrontier.of(hex(leaves.slice(0, n)))
          .root()
          .equals(expected),
      ).toBe(true);
    }
  });

  it('leaves an older frontier unchanged when a newer one is derived from it', () => {
    const f3 = MerkleFrontier.of(leaves.slice(0, 3));
    const r3 = f3.root();
    f3.append(leaves[3]!);
    expect(f3.size).toBe(3);
    expect(f3.root().equals(r3)).toBe(true);
  });
});

describe('inclusion proofs', () => {
  it('match the brute-force PATH and verify, for every leaf of every size 1..64', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = leaves.slice(0, n);
      const root = bfMth(d);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(d, i);
        expect(hex(proof), `leaf ${i} of ${n}`).toEqual(hex(bfPath(i, d)));
        expect(verifyInclusion(d[i]!, i, n, proof, root)).toBe(true);
      }
    }
  });

  // A proof does not bind the tree size on its own (leaf 0 of 3 has the same PATH shape as leaf 0
  // of 4); the signed checkpoint binds size and root together. So sizes are not tampered here.
  it('reject tampered proofs, leaves, indices and roots', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = leaves.slice(0, n);
      const root = bfMth(d);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(d, i);
        for (let j = 0; j < proof.length; j++) {
          const bad = proof.slice();
          bad[j] = flip(bad[j]!);
          expect(verifyInclusion(d[i]!, i, n, bad, root)).toBe(false);
        }
        expect(verifyInclusion(flip(d[i]!), i, n, proof, root)).toBe(false);
        expect(verifyInclusion(d[i]!, i, n, proof, flip(root))).toBe(false);
        expect(verifyInclusion(d[i]!, i, n, [...proof, leaves[0]!], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(d[i]!, i, n, proof.slice(0, -1), root)).toBe(false);
        if (n > 1) expect(verifyInclusion(d[i]!, i === 0 ? 1 : i - 1, n, proof, root)).toBe(false);
        expect(verifyInclusion(d[i]!, n, n, proof, root)).toBe(false);
      }
    }
  });

  it('refuses an index outside the tree', () => {
    expect(() => inclusionProof(leaves.slice(0, 3), 3)).toThrow(RangeError);
    expect(() => inclusionProof(leaves.slice(0, 3), -1)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  it('match the brute-force PROOF and verify, for every pair 1 ≤ m ≤ n ≤ 64', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = leaves.slice(0, n);
      const newRoot = bfMth(d);
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(d, m);
        expect(hex(proof), `${m} → ${n}`).toEqual(hex(bfSubproof(m, d, true)));
        expect(verifyConsistency(m, n, bfMth(d.slice(0, m)), newRoot, proof), `${m} → ${n}`).toBe(true);
      }
    }
  });

  it('reject tampered proofs, roots and old sizes for every pair', () => {
    for (let n = 1; n <= MAX; n++) {
      const d = leaves.slice(0, n);
      const newRoot = bfMth(d);
      for (let m = 1; m <= n; m++) {
        const oldRoot = bfMth(d.slice(0, m));
        const proof = consistencyProof(d, m);
        for (let j = 0; j < proof.length; j++) {
          const bad = proof.slice();
          bad[j] = flip(bad[j]!);
          expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
        }
        expect(verifyConsistency(m, n, flip(oldRoot), newRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, flip(newRoot), proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, leaves[0]!])).toBe(false);
        if (proof.length > 0)
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, oldRoot, newRoot, proof)).toBe(false);
      }
    }
  });

  it('exposes a rewritten prefix: the old root is not consistent with a tree whose early leaf changed', () => {
    const d = leaves.slice(0, 20);
    const rewritten = d.slice();
    rewritten[4] = flip(rewritten[4]!);
    const oldRoot = bfMth(d.slice(0, 10));
    expect(verifyConsistency(10, 20, oldRoot, bfMth(rewritten), consistencyProof(rewritten, 10))).toBe(false);
    // A leaf changed after the old size does not affect the old tree.
    const appended = d.slice();
    appended[15] = flip(appended[15]!);
    expect(verifyConsistency(10, 20, oldRoot, bfMth(appended), consistencyProof(appended, 10))).toBe(true);
  });

  it('refuses sizes outside 1..n', () => {
    expect(() => consistencyProof(leaves.slice(0, 3), 0)).toThrow(RangeError);
    expect(() => consistencyProof(leaves.slice(0, 3), 4)).toThrow(RangeError);
    expect(verifyConsistency(0, 3, EMPTY_ROOT, bfMth(leaves.slice(0, 3)), [])).toBe(false);
    expect(verifyConsistency(4, 3, EMPTY_ROOT, bfMth(leaves.slice(0, 3)), [])).toBe(false);
  });
});
