import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { allTestStoreFactories } from '../../store/test-support/test-databases.js';
import { canonicalJson } from './canonical-json.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { leafHash, merkleRoot, verifyConsistency, verifyInclusion } from './merkle.js';
import { lit, openAttacker } from './test-support/attacker.js';
import { auditFixtures, recordEvents } from './test-support/audit-fixtures.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe.each(allTestStoreFactories())('SqlAuditLog on $name', (factory) => {
  const fixtures = auditFixtures(factory);
  afterAll(() => fixtures.cleanup());

  it('appends events with seqs from 1, their canonical JSON, leaf hash and a signed checkpoint each', async () => {
    const f = await fixtures.create();
    const e1 = await f.log.record({
      actor: 'alice',
      action: 'model.create',
      resource: 'model/fraud',
      details: { b: 1, a: [true] },
    });
    f.clock.advance(5);
    const e2 = await f.log.record({ actor: 'system', action: 'workspace.init', resource: 'workspace' });
    expect(e1).toEqual({
      seq: 1,
      time: '2026-03-01T00:00:00.000Z',
      actor: 'alice',
      action: 'model.create',
      resource: 'model/fraud',
      details_digest: sha256('{"a":[true],"b":1}'),
    });
    expect(e2.seq).toBe(2);
    expect(e2.details_digest).toBe(sha256('null'));
    const rows = await f.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(rows[0]!.canonical).toBe(
      `{"action":"model.create","actor":"alice","details_digest":"${e1.details_digest}","resource":"model/fraud","seq":1,"time":"2026-03-01T00:00:00.000Z"}`,
    );
    const leaves = rows.map((r) => leafHash(Buffer.from(r.canonical, 'utf8')).toString('hex'));
    expect(rows.map((r) => r.leaf_hash)).toEqual(leaves);
    const cps = await f.log.checkpoints();
    expect(cps.map((c) => [c.tree_size, c.root_hash])).toEqual([
      [1, merkleRoot(leaves.slice(0, 1)).toString('hex')],
      [2, merkleRoot(leaves).toString('hex')],
    ]);
    for (const cp of cps) expect(CheckpointSigner.verifyCheckpoint(cp, f.signer.publicKeyPem)).toBe(true);
    expect(await f.log.verify()).toEqual({
      ok: true,
      size: 2,
      root_hash: merkleRoot(leaves).toString('hex'),
      problems: [],
    });
  });

  it('refuses bad input without using up a seq', async () => {
    const f = await fixtures.create();
    await expect(f.log.record({ actor: '', action: 'a', resource: 'r' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      f.log.record({ actor: 'a', action: 'a', resource: 'r', details: { x: Number.NaN } }),
    ).rejects.toThrow(/details\.x: expected a JSON value/);
    expect((await f.log.record({ actor: 'a', action: 'a', resource: 'r' })).seq).toBe(1);
  });

  it("commits an append with the caller's transaction and leaves nothing behind when it rolls back", async () => {
    const f = await fixtures.create({ flushAfterAppend: false });
    await recordEvents(f, 3);
    await expect(
      f.store.transaction(async (trx) => {
        await f.log.append(trx, { actor: 'alice', action: 'alias.move', resource: 'model/m' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await f.log.list()).toHaveLength(3);
    // The frontier cached for the rolled-back tree must not be used for the next append.
    const e = await f.store.transaction((trx) =>
      f.log.append(trx, { actor: 'bob', action: 'alias.move', resource: 'model/m' }),
    );
    expect(e.seq).toBe(4);
    await f.log.flushCheckpointFile();
    expect((await f.log.verify()).ok).toBe(true);
  });

  it('continues correctly when another process appended in between', async () => {
    const f = await fixtures.create();
    const other = await f.reopen();
    await recordEvents(f, 3);
    await recordEvents(f, 2, other.log);
    await recordEvents(f, 2);
    await recordEvents(f, 1, other.log);
    expect((await f.log.list()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await f.log.verify()).toMatchObject({ ok: true, size: 8 });
    expect(await other.log.verify()).toMatchObject({ ok: true, size: 8 });
  });

  it('serialises concurrent appends into one gap-free sequence', async () => {
    const f = await fixtures.create();
    // Two SQLite connections in one process cannot interleave write transactions: better-sqlite3
    // waits for the file lock synchronously, blocking the holder too. Processes can; so can pools.
    const other = factory.name === 'postgres' ? await f.reopen() : f;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? f.log : other.log).record({ actor: `a${i}`, action: 'x', resource: `r/${i}` }),
      ),
    );
    const events = await f.log.list();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.actor)).size).toBe(20);
    expect(await f.log.verify()).toMatchObject({ ok: true, size: 20 });
  });

  it('does not read the stored leaves on the append path, but checks them when it must rebuild', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 5);
    // Corrupt a stored leaf hash behind Kiln's back: only a full re-read of the leaves can see it.
    const attacker = await openAttacker(f.store);
    await attacker.exec(`UPDATE audit_events SET leaf_hash = ${lit('00'.repeat(32))} WHERE seq = 1`);
    await attacker.close();
    // Warm cache: O(log n) append from the cached frontier, no leaf is read.
    await expect(f.log.record({ actor: 'a', action: 'x', resource: 'r' })).resolves.toMatchObject({ seq: 6 });
    // A process with a cold cache rebuilds the frontier from every stored leaf, and refuses.
    const other = await f.reopen();
    const refused = other.log.record({ actor: 'a', action: 'x', resource: 'r' });
    await expect(refused).rejects.toMatchObject({ code: 'AUDIT_TAMPERED' });
    await expect(refused).rejects.toThrow(/do not hash to the root of checkpoint 6/);
    expect((await f.log.list()).length).toBe(6);
  });

  it('extends a cached frontier by only the leaves another process appended', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 4);
    const other = await f.reopen();
    await recordEvents(f, 2, other.log);
    const attacker = await openAttacker(f.store);
    await attacker.exec(`UPDATE audit_events SET leaf_hash = ${lit('00'.repeat(32))} WHERE seq = 2`);
    await attacker.close();
    // The first log cached size 4 (still a prefix of the stored tree) and reads leaves 5..6 only.
    await expect(f.log.record({ actor: 'a', action: 'x', resource: 'r' })).resolves.toMatchObject({ seq: 7 });
  });

  it('lists with filters and pages, and gets one event', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 6);
    expect((await f.log.list({ actor: 'alice' })).map((e) => e.seq)).toEqual([1, 3, 5]);
    expect((await f.log.list({ resource: 'model/m/4' })).map((e) => e.seq)).toEqual([4]);
    expect((await f.log.list({ action: 'nope' })).length).toBe(0);
    expect((await f.log.list({ afterSeq: 2, limit: 3 })).map((e) => e.seq)).toEqual([3, 4, 5]);
    await expect(f.log.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(f.log.list({ limit: 1001 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await f.log.get(4)).toEqual((await f.log.list({ afterSeq: 3, limit: 1 }))[0]);
    await expect(f.log.get(7)).rejects.toMatchObject({ code: 'AUDIT_EVENT_NOT_FOUND' });
    await expect(f.log.get(0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('pages checkpoints and exports the latest with its public key', async () => {
    const f = await fixtures.create();
    expect(await f.log.latestCheckpoint()).toBeNull();
    await recordEvents(f, 5);
    expect((await f.log.checkpoints({ afterSize: 2, limit: 2 })).map((c) => c.tree_size)).toEqual([3, 4]);
    const latest = (await f.log.latestCheckpoint())!;
    expect(latest.tree_size).toBe(5);
    expect(latest.public_key).toBe(f.signer.publicKeyPem);
    expect(CheckpointSigner.verifyCheckpoint(latest, latest.public_key!)).toBe(true);
    await expect(f.log.checkpoints({ afterSize: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('proves the inclusion of every event in every signed tree that contains it', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 9);
    const cps = await f.log.checkpoints();
    for (const cp of cps) {
      for (let seq = 1; seq <= cp.tree_size; seq++) {
        const p = await f.log.inclusionProof(seq, cp.tree_size);
        expect(p.root_hash).toBe(cp.root_hash);
        expect(verifyInclusion(p.leaf_hash, p.leaf_index, p.tree_size, p.audit_path, cp.root_hash)).toBe(
          true,
        );
      }
    }
    const p = await f.log.inclusionProof(3);
    expect(p).toMatchObject({ seq: 3, leaf_index: 2, tree_size: 9, root_hash: cps[8]!.root_hash });
    const row = await f.store.db
      .selectFrom('audit_events')
      .select('canonical')
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    expect(p.leaf_hash).toBe(leafHash(Buffer.from(row.canonical)).toString('hex'));
    await expect(f.log.inclusionProof(10)).rejects.toMatchObject({ code: 'AUDIT_EVENT_NOT_FOUND' });
    await expect(f.log.inclusionProof(5, 4)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(f.log.inclusionProof(5, 10)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(f.log.inclusionProof(0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('proves consistency between every pair of signed trees', async () => {
    const f = await fixtures.create();
    await recordEvents(f, 9);
    const cps = await f.log.checkpoints();
    for (const a of cps) {
      for (const b of cps.filter((c) => c.tree_size >= a.tree_size)) {
        const p = await f.log.consistencyProof(a.tree_size, b.tree_size);
        expect([p.from_root, p.to_root]).toEqual([a.root_hash, b.root_hash]);
        expect(verifyConsistency(a.tree_size, b.tree_size, a.root_hash, b.root_hash, p.proof)).toBe(true);
      }
    }
    expect((await f.log.consistencyProof(4)).to_size).toBe(9);
    for (const [from, to] of [
      [0, 3],
      [4, 3],
      [3, 10],
      [1.5, 3],
    ] as const) {
      await expect(f.log.consistencyProof(from, to)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('writes every committed checkpoint to the checkpoint file, and nothing that rolled back', async () => {
    const f = await fixtures.create({ flushAfterAppend: false });
    await recordEvents(f, 2);
    await f.store.transaction(async (trx) => {
      await f.log.append(trx, { actor: 'a', action: 'x', resource: 'r/3' });
      await f.log.append(trx, { actor: 'a', action: 'x', resource: 'r/4' });
    });
    await f.store
      .transaction(async (trx) => {
        await f.log.append(trx, { actor: 'a', action: 'x', resource: 'r/lost' });
        throw new Error('rolled back');
      })
      .catch(() => {});
    const readFile = () =>
      readFileSync(f.checkpointFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { tree_size: number });
    expect(readFile().map((c) => c.tree_size)).toEqual([1, 2]);
    await f.log.flushCheckpointFile();
    await f.log.flushCheckpointFile();
    expect(readFile()).toEqual(await f.log.checkpoints());
  });

  it('flushes the checkpoint file by itself after an append in a transaction', async () => {
    const f = await fixtures.create();
    await f.store.transaction((trx) => f.log.append(trx, { actor: 'a', action: 'x', resource: 'r' }));
    await expect
      .poll(() => readFileSync(f.checkpointFile, 'utf8').split('\n').filter(Boolean).length, {
        timeout: 5000,
      })
      .toBe(1);
  });

  it('hashes details as canonical JSON, whatever their key order', async () => {
    const f = await fixtures.create();
    const a = await f.log.record({
      actor: 'a',
      action: 'x',
      resource: 'r',
      details: { z: 1, a: { y: 2, b: 3 } },
    });
    const b = await f.log.record({
      actor: 'a',
      action: 'x',
      resource: 'r',
      details: { a: { b: 3, y: 2 }, z: 1 },
    });
    expect(a.details_digest).toBe(b.details_digest);
    expect(a.details_digest).toBe(sha256(canonicalJson({ a: { b: 3, y: 2 }, z: 1 })));
  });
});
