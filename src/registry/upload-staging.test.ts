import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadStaging } from './upload-staging.js';

const HOUR = 60 * 60 * 1000;
const chunks = (...parts: (string | Buffer)[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('UploadStaging', () => {
  let root: string;
  let dir: string;
  let staging: UploadStaging;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kiln-uploads-'));
    dir = join(root, 'state', 'uploads');
    staging = new UploadStaging(dir);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('receive', () => {
    it('stores a body within the limit and reports its id, digest and size', async () => {
      const body = Buffer.concat([Buffer.from('onnx'), Buffer.alloc(5000, 7)]);
      const up = await staging.receive(chunks(body.subarray(0, 100), body.subarray(100)), body.length);
      expect(up.uploadId).toMatch(/^up_[0-9a-f]{32}$/);
      expect(up.sizeBytes).toBe(body.length);
      expect(up.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      const path = await staging.pathOf(up.uploadId);
      expect(path).toBe(join(dir, up.uploadId));
      expect(readFileSync(path).equals(body)).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    });

    it('gives each upload its own id', async () => {
      const ups = await Promise.all([1, 2, 3].map((n) => staging.receive(chunks(`body ${n}`), 100)));
      expect(new Set(ups.map((u) => u.uploadId)).size).toBe(3);
      expect(readdirSync(dir).sort()).toEqual(ups.map((u) => u.uploadId).sort());
    });

    it('refuses a body over the limit with PAYLOAD_TOO_LARGE and leaves no file', async () => {
      const body = chunks('a'.repeat(60), 'b'.repeat(60));
      await expect(staging.receive(body, 100)).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'the upload is over the limit of 100 bytes (registry.max_model_bytes)',
        details: { limit: 100 },
      });
      expect(readdirSync(dir)).toEqual([]);
      // Exactly the limit is fine.
      expect((await staging.receive(chunks('c'.repeat(100)), 100)).sizeBytes).toBe(100);
    });

    it('refuses an empty body with INVALID_MODEL and leaves no file', async () => {
      await expect(staging.receive(Readable.from([]), 100)).rejects.toMatchObject({ code: 'INVALID_MODEL' });
      expect(readdirSync(dir)).toEqual([]);
    });

    it('leaves no file when the body fails midway', async () => {
      async function* broken() {
        yield Buffer.from('partial');
        throw new Error('client went away');
      }
      await expect(staging.receive(Readable.from(broken()), 1000)).rejects.toThrow('client went away');
      expect(readdirSync(dir)).toEqual([]);
    });
  });

  describe('pathOf', () => {
    it.each([
      ['a parent path', '../x'],
      ['a path inside the id', `up_${'a'.repeat(31)}/`],
      ['upper-case hex', `up_${'A'.repeat(32)}`],
      ['a short id', 'up_abc'],
      ['no prefix', 'a'.repeat(32)],
      ['a number', 42],
      ['nothing', undefined],
    ])('refuses %s as INVALID_ARGUMENT', async (_what, id) => {
      await expect(staging.pathOf(id)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: `upload_id: expected an id returned by POST /api/v1/uploads, got ${JSON.stringify(id)}`,
        details: { field: 'upload_id' },
      });
    });

    it('refuses a well-formed id that was never made, or was consumed', async () => {
      const unknown = `up_${'0'.repeat(32)}`;
      await expect(staging.pathOf(unknown)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: `upload_id: no upload "${unknown}" (consumed, expired, or never made)`,
      });
      const up = await staging.receive(chunks('x'), 10);
      await staging.discard(up.uploadId);
      await expect(staging.pathOf(up.uploadId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('discard ignores ids that are not upload ids, so it cannot delete other files', async () => {
      await staging.receive(chunks('x'), 10);
      const outside = join(dirname(dir), 'keep');
      writeFileSync(outside, 'important');
      await staging.discard('../keep');
      expect(existsSync(outside)).toBe(true);
      expect(readdirSync(dir)).toHaveLength(1);
    });
  });

  describe('sweep', () => {
    it('removes only uploads older than an hour', async () => {
      const old = await staging.receive(chunks('old'), 10);
      const fresh = await staging.receive(chunks('fresh'), 10);
      const now = Date.now();
      const twoHoursAgo = new Date(now - 2 * HOUR);
      utimesSync(join(dir, old.uploadId), twoHoursAgo, twoHoursAgo);
      const justUnder = new Date(now - HOUR + 60_000);
      utimesSync(join(dir, fresh.uploadId), justUnder, justUnder);

      expect(await staging.sweep(now)).toBe(1);
      await expect(staging.pathOf(old.uploadId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(readFileSync(await staging.pathOf(fresh.uploadId), 'utf8')).toBe('fresh');
      expect(await staging.sweep(now)).toBe(0);
      // Two hours later the second one goes as well.
      expect(await staging.sweep(now + 2 * HOUR)).toBe(1);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('finds nothing to do before the first upload', async () => {
      expect(await staging.sweep(Date.now())).toBe(0);
      expect(existsSync(dir)).toBe(false);
    });
  });
});

describe('UploadStaging.claim', () => {
  it('lets exactly one of two concurrent claims take an upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-claim-'));
    const staging = new UploadStaging(dir);
    const up = await staging.receive(Readable.from([Buffer.from('model bytes')]), 1024);
    const results = await Promise.allSettled([staging.claim(up.uploadId), staging.claim(up.uploadId)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const won = (
      results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
        path: string;
        release: () => Promise<void>;
      }>
    ).value;
    expect(readFileSync(won.path, 'utf8')).toBe('model bytes');
    await won.release();
    expect(readdirSync(dir)).toEqual([]);
    await expect(staging.claim(up.uploadId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
