/**
 * Audit routes over HTTP: the events recorded by actions made over HTTP, verification, signed
 * checkpoints, and inclusion and consistency proofs that check out against a signed checkpoint
 * with the RFC 9162 verification algorithms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedCheckpoint } from '../../../govern/audit/audit-log.js';
import { CheckpointSigner } from '../../../govern/audit/checkpoint-signer.js';
import { verifyConsistency, verifyInclusion } from '../../../govern/audit/merkle.js';
import type { Role } from '../../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

let t: TestKiln;
let early: SignedCheckpoint;
beforeAll(async () => {
  t = await createTestKiln();
  early = (await get('/api/v1/audit/checkpoint')).json().checkpoint;
  await req('POST', '/api/v1/models', 'engineer', { name: 'fraud', description: 'audited' });
  await req('PATCH', '/api/v1/models/fraud', 'engineer', { owner: 'risk-team' });
  await req('POST', '/api/v1/tokens', 'admin', { name: 'ci', role: 'viewer' });
  await req('DELETE', '/api/v1/tokens/ci', 'admin');
});
afterAll(() => t.close());

function req(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, role: Role, payload?: unknown) {
  return t.http.app.inject({
    method,
    url,
    headers: t.auth(role),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
const get = (url: string, role: Role = 'viewer') => req('GET', url, role);

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  return body as { code: string; message: string; details: Record<string, unknown> };
}

async function latest(): Promise<SignedCheckpoint> {
  return (await get('/api/v1/audit/checkpoint')).json().checkpoint;
}

describe('GET /api/v1/audit/events', () => {
  it('lists the events of the actions taken over HTTP, in seq order, with their actors', async () => {
    const res = await get('/api/v1/audit/events', 'admin');
    expect(res.statusCode).toBe(200);
    const events = res.json().events as {
      seq: number;
      actor: string;
      action: string;
      resource: string;
      details_digest: string;
    }[];
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const mine = events.filter((e) => e.seq > early.tree_size).map((e) => [e.actor, e.action, e.resource]);
    expect(mine).toEqual([
      ['engineer', 'model.create', 'model/fraud'],
      ['engineer', 'model.update', 'model/fraud'],
      ['admin', 'token.create', 'token/ci'],
      ['admin', 'token.revoke', 'token/ci'],
    ]);
    for (const e of events) expect(e.details_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by actor, action and resource, and pages with after_seq and limit', async () => {
    const byActor = (await get('/api/v1/audit/events?actor=engineer', 'admin')).json().events;
    expect(byActor.map((e: { action: string }) => e.action)).toEqual(['model.create', 'model.update']);
    const byResource = (
      await get('/api/v1/audit/events?resource=token/ci&action=token.revoke', 'admin')
    ).json().events;
    expect(byResource).toHaveLength(1);
    const page1 = (await get('/api/v1/audit/events?limit=2', 'admin')).json().events;
    const page2 = (await get(`/api/v1/audit/events?limit=2&after_seq=${page1[1].seq}`, 'admin')).json()
      .events;
    expect([...page1, ...page2].map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('shows one event, and answers 404 AUDIT_EVENT_NOT_FOUND past the end', async () => {
    const one = await get('/api/v1/audit/events/1', 'admin');
    expect(one.json()).toMatchObject({ seq: 1, action: expect.any(String) });
    const size = (await latest()).tree_size;
    expectError(await get(`/api/v1/audit/events/${size + 1}`, 'admin'), 404, 'AUDIT_EVENT_NOT_FOUND');
    expectError(await get('/api/v1/audit/events/0', 'admin'), 400, 'INVALID_ARGUMENT');
  });

  it('refuses bad filters with 400 naming the field', async () => {
    expect(
      expectError(await get('/api/v1/audit/events?limit=0', 'admin'), 400, 'INVALID_ARGUMENT').message,
    ).toContain('limit');
    expect(
      expectError(await get('/api/v1/audit/events?limit=5000', 'admin'), 400, 'INVALID_ARGUMENT').message,
    ).toContain('limit');
    expect(
      expectError(await get('/api/v1/audit/events?colour=red', 'admin'), 400, 'INVALID_ARGUMENT').message,
    ).toContain('colour');
  });
});

describe('verification and checkpoints', () => {
  it('verifies the log as a whole', async () => {
    const res = await get('/api/v1/audit/verify');
    const cp = await latest();
    expect(res.json()).toEqual({ ok: true, size: cp.tree_size, root_hash: cp.root_hash, problems: [] });
  });

  it('serves the latest checkpoint, signed by the key it carries', async () => {
    const cp = await latest();
    expect(cp.tree_size).toBe(early.tree_size + 4);
    expect(cp.root_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cp.public_key).toContain('BEGIN PUBLIC KEY');
    expect(CheckpointSigner.verifyCheckpoint(cp, cp.public_key!)).toBe(true);
    expect(CheckpointSigner.verifyCheckpoint({ ...cp, tree_size: cp.tree_size - 1 }, cp.public_key!)).toBe(
      false,
    );
  });

  it('lists every checkpoint in size order, one per event, the last equal to the latest', async () => {
    const res = await get('/api/v1/audit/checkpoints?limit=1000');
    const cps = res.json().checkpoints as SignedCheckpoint[];
    const cp = await latest();
    expect(cps.map((c) => c.tree_size)).toEqual(cps.map((_, i) => i + 1));
    expect(cps.at(-1)).toMatchObject({
      tree_size: cp.tree_size,
      root_hash: cp.root_hash,
      signature: cp.signature,
    });
    const after = (await get(`/api/v1/audit/checkpoints?after_size=${cp.tree_size - 2}`)).json().checkpoints;
    expect(after.map((c: SignedCheckpoint) => c.tree_size)).toEqual([cp.tree_size - 1, cp.tree_size]);
  });
});

describe('proofs', () => {
  it('proves each event is in the tree of the latest checkpoint', async () => {
    const cp = await latest();
    for (let seq = 1; seq <= cp.tree_size; seq++) {
      const res = await get(`/api/v1/audit/proofs/inclusion/${seq}?tree_size=${cp.tree_size}`);
      expect(res.statusCode).toBe(200);
      const p = res.json();
      expect(p).toMatchObject({ seq, leaf_index: seq - 1, tree_size: cp.tree_size, root_hash: cp.root_hash });
      expect(verifyInclusion(p.leaf_hash, p.leaf_index, p.tree_size, p.audit_path, cp.root_hash)).toBe(true);
      // The same path does not prove the leaf at another position.
      if (cp.tree_size > 1)
        expect(
          verifyInclusion(
            p.leaf_hash,
            (p.leaf_index + 1) % cp.tree_size,
            p.tree_size,
            p.audit_path,
            cp.root_hash,
          ),
        ).toBe(false);
    }
  });

  it('proves inclusion in an earlier signed tree, defaulting tree_size to the whole log', async () => {
    const cp = await latest();
    const old = await get(`/api/v1/audit/proofs/inclusion/1?tree_size=${early.tree_size}`);
    expect(old.json().root_hash).toBe(early.root_hash);
    expect(
      verifyInclusion(old.json().leaf_hash, 0, early.tree_size, old.json().audit_path, early.root_hash),
    ).toBe(true);
    const whole = await get('/api/v1/audit/proofs/inclusion/1');
    expect(whole.json()).toMatchObject({ tree_size: cp.tree_size, root_hash: cp.root_hash });
  });

  it('proves the checkpoint taken before the actions is a prefix of the latest one', async () => {
    const cp = await latest();
    const res = await get(`/api/v1/audit/proofs/consistency?from=${early.tree_size}&to=${cp.tree_size}`);
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({
      from_size: early.tree_size,
      to_size: cp.tree_size,
      from_root: early.root_hash,
      to_root: cp.root_hash,
    });
    expect(verifyConsistency(early.tree_size, cp.tree_size, early.root_hash, cp.root_hash, p.proof)).toBe(
      true,
    );
    const forged = early.root_hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyConsistency(early.tree_size, cp.tree_size, forged, cp.root_hash, p.proof)).toBe(false);
  });

  it('gives consistency proofs between every pair of signed sizes, matching their checkpoints', async () => {
    const cps = (await get('/api/v1/audit/checkpoints?limit=1000')).json().checkpoints as SignedCheckpoint[];
    for (const from of cps) {
      for (const to of cps.filter((c) => c.tree_size >= from.tree_size)) {
        const p = (
          await get(`/api/v1/audit/proofs/consistency?from=${from.tree_size}&to=${to.tree_size}`)
        ).json();
        expect([p.from_root, p.to_root]).toEqual([from.root_hash, to.root_hash]);
        expect(verifyConsistency(from.tree_size, to.tree_size, from.root_hash, to.root_hash, p.proof)).toBe(
          true,
        );
      }
    }
  });

  it.each([
    ['from 0', '/api/v1/audit/proofs/consistency?from=0'],
    ['no from', '/api/v1/audit/proofs/consistency'],
    ['from not a number', '/api/v1/audit/proofs/consistency?from=abc'],
    ['from above to', '/api/v1/audit/proofs/consistency?from=3&to=2'],
    ['to past the log', '/api/v1/audit/proofs/consistency?from=1&to=100000'],
    ['tree_size below seq', '/api/v1/audit/proofs/inclusion/3?tree_size=2'],
    ['tree_size past the log', '/api/v1/audit/proofs/inclusion/1?tree_size=100000'],
    ['seq 0', '/api/v1/audit/proofs/inclusion/0'],
    ['a negative tree_size', '/api/v1/audit/proofs/inclusion/1?tree_size=-1'],
    ['a fractional size', '/api/v1/audit/proofs/consistency?from=1.5'],
  ])('refuses %s with 400 INVALID_ARGUMENT, and a good proof still works after', async (_what, url) => {
    expectError(await get(url), 400, 'INVALID_ARGUMENT');
    expect((await get('/api/v1/audit/proofs/consistency?from=1')).statusCode).toBe(200);
  });

  it('answers 404 AUDIT_EVENT_NOT_FOUND for an inclusion proof of an event that does not exist', async () => {
    expectError(await get('/api/v1/audit/proofs/inclusion/100000'), 404, 'AUDIT_EVENT_NOT_FOUND');
  });
});
