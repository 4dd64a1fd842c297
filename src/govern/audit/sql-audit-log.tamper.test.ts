/**
 * Someone with the database (but not the signing key) edits, deletes, reorders or truncates audit
 * rows past the append-only triggers. Each must be caught by verify(), naming the right seq.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { allTestStoreFactories } from '../../store/test-support/test-databases.js';
import { canonicalEvent, eventLeafHash } from './audit-event.js';
import type { AuditVerification } from './audit-log.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { checkExportedCheckpoint } from './exported-checkpoint.js';
import { lit, openAttacker } from './test-support/attacker.js';
import { type AuditFixture, auditFixtures, recordEvents } from './test-support/audit-fixtures.js';

const N = 10;

describe.each(allTestStoreFactories())('audit log tampering on $name', (factory) => {
  const fixtures = auditFixtures(factory);
  afterAll(() => fixtures.cleanup());

  async function logOf(n = N): Promise<AuditFixture> {
    const f = await fixtures.create();
    await recordEvents(f, n);
    expect((await f.log.verify()).ok).toBe(true);
    return f;
  }

  async function tamper(f: AuditFixture, statements: string): Promise<AuditVerification> {
    const attacker = await openAttacker(f.store);
    try {
      await attacker.exec(statements);
    } finally {
      await attacker.close();
    }
    return f.log.verify();
  }

  /** SQL that rewrites event `seq` with `actor`, keeping canonical and leaf_hash consistent with it. */
  async function consistentActorEdit(f: AuditFixture, seq: number, actor: string): Promise<string> {
    const row = await f.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    const canonical = canonicalEvent({ ...row, actor });
    return `UPDATE audit_events SET actor = ${lit(actor)}, canonical = ${lit(canonical)}, leaf_hash = ${lit(eventLeafHash(canonical))} WHERE seq = ${seq}`;
  }

  it('(a) catches an edited actor', async () => {
    const f = await logOf();
    const v = await tamper(f, `UPDATE audit_events SET actor = 'mallory' WHERE seq = 4`);
    expect(v).toMatchObject({ ok: false, size: N, first_bad_seq: 4 });
    expect(v.problems[0]).toMatch(/event 4: its columns do not match its stored canonical JSON/);
  });

  it('(a) catches an edited actor even when canonical and leaf_hash were recomputed to match', async () => {
    const f = await logOf();
    const v = await tamper(f, await consistentActorEdit(f, 4, 'mallory'));
    expect(v).toMatchObject({ ok: false, first_bad_seq: 4 });
    // Every stored row is self-consistent now; only the signed roots give it away.
    expect(v.problems.some((p) => /columns do not match|leaf hash/.test(p))).toBe(false);
    expect(v.problems[0]).toMatch(/checkpoint 4: its signed root does not match events 1..4/);
  });

  it('(b) catches a deleted event', async () => {
    const f = await logOf();
    const v = await tamper(f, 'DELETE FROM audit_events WHERE seq = 6');
    expect(v).toMatchObject({ ok: false, size: N - 1, first_bad_seq: 6 });
    expect(v.problems[0]).toBe('event 6 is missing');
  });

  it('(b) catches a deleted event together with its checkpoint', async () => {
    const f = await logOf();
    const v = await tamper(
      f,
      'DELETE FROM audit_events WHERE seq = 6; DELETE FROM audit_checkpoints WHERE tree_size = 6',
    );
    expect(v).toMatchObject({ ok: false, first_bad_seq: 6 });
  });

  it('(c) catches two events whose seqs were swapped', async () => {
    const f = await logOf();
    const v = await tamper(
      f,
      'UPDATE audit_events SET seq = -1 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 7; UPDATE audit_events SET seq = 7 WHERE seq = -1',
    );
    expect(v).toMatchObject({ ok: false, size: N, first_bad_seq: 3 });
    expect(v.problems).toContain('event 3: its columns do not match its stored canonical JSON');
    expect(v.problems).toContain('event 7: its columns do not match its stored canonical JSON');
  });

  it('(c) catches swapped events even with their canonical JSON rewritten to the new seqs', async () => {
    const f = await logOf();
    const rows = await f.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', 'in', [3, 7])
      .orderBy('seq')
      .execute();
    const [three, seven] = [rows[0]!, rows[1]!];
    const rewrite = (row: typeof three, seq: number) => {
      const canonical = canonicalEvent({ ...row, seq });
      return `UPDATE audit_events SET canonical = ${lit(canonical)}, leaf_hash = ${lit(eventLeafHash(canonical))} WHERE seq = ${seq}`;
    };
    const v = await tamper(
      f,
      [
        'UPDATE audit_events SET seq = -1 WHERE seq = 3',
        'UPDATE audit_events SET seq = 3 WHERE seq = 7',
        'UPDATE audit_events SET seq = 7 WHERE seq = -1',
        rewrite(seven, 3),
        rewrite(three, 7),
      ].join('; '),
    );
    expect(v).toMatchObject({ ok: false, first_bad_seq: 3 });
    expect(v.problems[0]).toMatch(/checkpoint 3: its signed root does not match/);
  });

  it('(d) catches a truncated tail through the checkpoint file', async () => {
    const f = await logOf();
    const v = await tamper(
      f,
      'DELETE FROM audit_events WHERE seq > 7; DELETE FROM audit_checkpoints WHERE tree_size > 7',
    );
    expect(v).toMatchObject({ ok: false, size: 7, first_bad_seq: 8 });
    expect(v.problems).toEqual([
      'the checkpoint file holds a checkpoint of 10 events but the database only 7: the tail of the log was removed',
    ]);
  });

  it('(d) catches a truncated tail through an exported checkpoint when the file went too', async () => {
    const f = await logOf();
    const exported = (await f.log.latestCheckpoint())!;
    await tamper(
      f,
      'DELETE FROM audit_events WHERE seq > 7; DELETE FROM audit_checkpoints WHERE tree_size > 7',
    );
    rmSync(f.checkpointFile);
    // The database is consistent with itself now ...
    expect(await f.log.verify()).toMatchObject({ ok: true, size: 7 });
    // ... but not with the checkpoint kept elsewhere.
    const check = await checkExportedCheckpoint(exported, f.log);
    expect(check).toMatchObject({ ok: false, exported_size: 10, current_size: 7, first_bad_seq: 8 });
  });

  it('catches events left after their checkpoints were removed, and refuses to append over them', async () => {
    const f = await logOf();
    const v = await tamper(f, 'DELETE FROM audit_checkpoints WHERE tree_size > 8');
    expect(v).toMatchObject({ ok: false, first_bad_seq: 9 });
    expect(v.problems).toContain('checkpoint 9 is missing');
    await expect(f.log.record({ actor: 'a', action: 'x', resource: 'r' })).rejects.toMatchObject({
      code: 'AUDIT_TAMPERED',
    });
  });

  it('catches an edited checkpoint root and a checkpoint signed by another key', async () => {
    const f = await logOf();
    const forger = CheckpointSigner.ephemeral();
    const forged = forger.sign({
      tree_size: 8,
      root_hash: 'ab'.repeat(32),
      time: '2026-03-01T00:00:08.000Z',
    });
    const v = await tamper(
      f,
      `UPDATE audit_checkpoints SET root_hash = ${lit('cd'.repeat(32))} WHERE tree_size = 5; ` +
        `DELETE FROM audit_checkpoints WHERE tree_size = 8; ` +
        `INSERT INTO audit_checkpoints (tree_size, root_hash, time, key_id, signature) VALUES (8, ${lit(forged.root_hash)}, ${lit(forged.time)}, ${lit(forged.key_id)}, ${lit(forged.signature)})`,
    );
    expect(v).toMatchObject({ ok: false, first_bad_seq: 5 });
    expect(v.problems).toContain('checkpoint 5: its signature does not verify');
    expect(v.problems.some((p) => p.startsWith(`checkpoint 8 is signed by key ${forger.keyId}`))).toBe(true);
    expect(v.problems.some((p) => p.startsWith('checkpoint 8 in the checkpoint file differs'))).toBe(true);
  });

  it('exposes a rewrite by someone holding the key, through the file and an exported checkpoint', async () => {
    const f = await logOf();
    const exported = (await f.log.latestCheckpoint())!;
    const original = await f.log.list();
    // Delete everything, then replay the same history with event 2's actor changed, re-signed
    // with the real key, with the same times, and with a fresh checkpoint file.
    const attacker = await openAttacker(f.store);
    await attacker.exec('DELETE FROM audit_checkpoints; DELETE FROM audit_events');
    await attacker.close();
    const forger = await f.reopen({ checkpointFile: `${f.checkpointFile}.forged` });
    f.clock.set('2026-03-01T00:00:00.000Z');
    for (const e of original) {
      f.clock.set(e.time);
      await forger.log.record({
        actor: e.seq === 2 ? 'mallory' : e.actor,
        action: e.action,
        resource: e.resource,
        details: { i: e.seq },
      });
    }
    // Internally consistent and validly signed: its own verify passes.
    expect(await forger.log.verify()).toMatchObject({ ok: true, size: N });
    // The original checkpoint file still holds the old roots from size 2 on.
    expect(await f.log.verify()).toMatchObject({ ok: false, first_bad_seq: 2 });
    // And the checkpoint exported before the rewrite is not a prefix of the rewritten log.
    const check = await checkExportedCheckpoint(exported, forger.log);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      `the log's first ${N} events are not the ones the exported checkpoint signed: history was rewritten`,
    ]);
  });
});
