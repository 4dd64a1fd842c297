import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { FsArtifactStore } from './fs-artifact-store.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

function fresh() {
  const root = mkdtempSync(join(tmpdir(), 'kiln-art-'));
  return { root, store: new FsArtifactStore(root) };
}

describe('FsArtifactStore', () => {
  it('stores bytes under their digest and reads them back verified', async () => {
    const { store } = fresh();
    const info = await store.put(Buffer.from('hello'));
    expect(info).toEqual({ digest: sha('hello'), sizeBytes: 5 });
    expect((await store.get(info.digest)).toString()).toBe('hello');
    expect(await text(await store.open(info.digest))).toBe('hello');
    expect(await store.has(info.digest)).toBe(true);
  });

  it('stores a file by streaming, and refuses one over the limit leaving nothing behind', async () => {
    const { root, store } = fresh();
    const src = join(root, 'in.bin');
    writeFileSync(src, Buffer.alloc(1000, 7));
    const info = await store.putFile(src);
    expect(info.digest).toBe(sha(Buffer.alloc(1000, 7)));
    await expect(store.putFile(src, { maxBytes: 999 })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('detects bytes changed on disk', async () => {
    const { root, store } = fresh();
    const { digest } = await store.put(Buffer.from('original'));
    writeFileSync(join(root, 'sha256', digest.slice(0, 2), digest), 'tampered');
    await expect(store.get(digest)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' });
    await expect(text(await store.open(digest))).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' });
  });

  it('never turns a non-digest into a path', async () => {
    const { store } = fresh();
    for (const bad of ['../../etc/passwd', `${'a'.repeat(63)}/`, 'A'.repeat(64), '']) {
      await expect(store.get(bad)).rejects.toMatchObject({ code: 'INVALID_DIGEST' });
    }
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
  });

  it('stores identical bytes once', async () => {
    const { root, store } = fresh();
    const a = await store.put(Buffer.from('same'));
    const b = await store.put(Buffer.from('same'));
    expect(a.digest).toBe(b.digest);
    expect(readdirSync(join(root, 'sha256', a.digest.slice(0, 2)))).toEqual([a.digest]);
  });
});

describe('FsArtifactStore.sweepTemporary', () => {
  it('removes only temporary files older than the limit', async () => {
    const { root, store } = fresh();
    await store.put(Buffer.from('kept'));
    const { mkdirSync, utimesSync } = await import('node:fs');
    mkdirSync(join(root, 'tmp'), { recursive: true });
    writeFileSync(join(root, 'tmp', 'old.part'), 'x');
    writeFileSync(join(root, 'tmp', 'new.part'), 'y');
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(join(root, 'tmp', 'old.part'), hourAgo, hourAgo);
    expect(await store.sweepTemporary(Date.now(), 600_000)).toBe(1);
    expect(readdirSync(join(root, 'tmp'))).toEqual(['new.part']);
    expect(await store.has(sha('kept'))).toBe(true);
  });
});
