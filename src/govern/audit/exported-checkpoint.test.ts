import { afterAll, describe, expect, it } from 'vitest';
import { sqliteFactory } from '../../store/test-support/test-databases.js';
import type { ConsistencyProof, SignedCheckpoint } from './audit-log.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { checkExportedCheckpoint, verifyExportedCheckpoint } from './exported-checkpoint.js';
import { consistencyProof, leafHash, merkleRoot } from './merkle.js';
import { auditFixtures, recordEvents } from './test-support/audit-fixtures.js';

const signer = CheckpointSigner.ephemeral();
const leaves = Array.from({ length: 12 }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
const hex = (b: Buffer) => b.toString('hex');

function checkpointOf(d: Buffer[]): SignedCheckpoint {
  return {
    ...signer.sign({ tree_size: d.length, root_hash: hex(merkleRoot(d)), time: `t${d.length}` }),
    public_key: signer.publicKeyPem,
  };
}

function proofOf(d: Buffer[], m: number): ConsistencyProof {
  return {
    from_size: m,
    to_size: d.length,
    from_root: hex(merkleRoot(d.slice(0, m))),
    to_root: hex(merkleRoot(d)),
    proof: consistencyProof(d, m).map(hex),
  };
}

describe('verifyExportedCheckpoint', () => {
  const exported = checkpointOf(leaves.slice(0, 7));

  it('accepts a log that only grew since the export', () => {
    expect(verifyExportedCheckpoint(exported, checkpointOf(leaves), proofOf(leaves, 7))).toEqual({
      ok: true,
      exported_size: 7,
      current_size: 12,
      problems: [],
    });
    expect(
      verifyExportedCheckpoint(exported, checkpointOf(leaves.slice(0, 7)), proofOf(leaves.slice(0, 7), 7)).ok,
    ).toBe(true);
  });

  it('rejects a log whose early events changed, though every checkpoint is validly signed', () => {
    const rewritten = leaves.slice();
    rewritten[3] = leafHash(Buffer.from('something else'));
    const v = verifyExportedCheckpoint(exported, checkpointOf(rewritten), proofOf(rewritten, 7));
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      "the log's first 7 events are not the ones the exported checkpoint signed: history was rewritten",
    ]);
  });

  it('rejects a log shorter than the export, naming the first missing event', () => {
    const v = verifyExportedCheckpoint(exported, checkpointOf(leaves.slice(0, 5)), null);
    expect(v).toMatchObject({ ok: false, current_size: 5, first_bad_seq: 6 });
    expect(verifyExportedCheckpoint(exported, null, null)).toMatchObject({ ok: false, first_bad_seq: 1 });
  });

  it('rejects a current checkpoint signed by another key, and a forged export', () => {
    const other = CheckpointSigner.ephemeral();
    const current = other.sign({ tree_size: 12, root_hash: hex(merkleRoot(leaves)), time: 't' });
    expect(verifyExportedCheckpoint(exported, current, proofOf(leaves, 7)).problems).toEqual([
      'the current checkpoint of size 12 is not validly signed by the key',
    ]);
    const forged = { ...exported, root_hash: hex(merkleRoot(leaves.slice(1, 8))) };
    expect(verifyExportedCheckpoint(forged, checkpointOf(leaves), proofOf(leaves, 7)).ok).toBe(false);
  });

  it('trusts a key given by the caller over the one carried by the export', () => {
    const impostor = CheckpointSigner.ephemeral();
    const fake = {
      ...impostor.sign({ tree_size: 7, root_hash: exported.root_hash, time: 't' }),
      public_key: impostor.publicKeyPem,
    };
    expect(
      verifyExportedCheckpoint(fake, checkpointOf(leaves), proofOf(leaves, 7), {
        publicKeyPem: signer.publicKeyPem,
      }).ok,
    ).toBe(false);
    const { public_key: _omitted, ...bare } = exported;
    expect(verifyExportedCheckpoint(bare, checkpointOf(leaves), proofOf(leaves, 7)).problems[0]).toMatch(
      /no public key/,
    );
    expect(
      verifyExportedCheckpoint(bare, checkpointOf(leaves), proofOf(leaves, 7), {
        publicKeyPem: signer.publicKeyPem,
      }).ok,
    ).toBe(true);
  });

  it('rejects a proof between other sizes', () => {
    expect(verifyExportedCheckpoint(exported, checkpointOf(leaves), proofOf(leaves, 6)).ok).toBe(false);
  });
});

describe('checkExportedCheckpoint against a stored log', () => {
  const fixtures = auditFixtures(sqliteFactory());
  afterAll(() => fixtures.cleanup());

  it('passes for an honest log that kept growing after the export', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 5);
    const exported = (await f.log.latestCheckpoint())!;
    await recordEvents(f, 6);
    expect(await checkExportedCheckpoint(exported, f.log)).toEqual({
      ok: true,
      exported_size: 5,
      current_size: 11,
      problems: [],
    });
  });
});
