/**
 * @module store/fs/fs-artifact-store
 * Artifacts as files under `<root>/sha256/<first two hex>/<digest>`. Writes go to a temporary file
 * in `<root>/tmp`, are fsynced, then renamed into place (rename is atomic on one filesystem), and
 * the folder is fsynced, so a crash leaves either the whole blob or nothing under its name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KilnError } from '../../core/errors.js';
import { type ArtifactInfo, type ArtifactStore, isDigest } from '../artifact-store.js';

export class FsArtifactStore implements ArtifactStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async put(bytes: Uint8Array): Promise<ArtifactInfo> {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(digest)) return { digest, sizeBytes: bytes.byteLength };
    const tmp = await this.#tempPath();
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.#commit(tmp, digest);
    return { digest, sizeBytes: bytes.byteLength };
  }

  async putFile(path: string, options: { maxBytes?: number } = {}): Promise<ArtifactInfo> {
    const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const size = (await stat(path)).size;
    if (size > max) throw tooLarge(size, max);
    const tmp = await this.#tempPath();
    const hash = createHash('sha256');
    let seen = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        if (seen > max) return cb(tooLarge(seen, max));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(path), meter, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
      const fh = await open(tmp, 'r+');
      await fh.sync();
      await fh.close();
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    const digest = hash.digest('hex');
    if (await this.has(digest)) await rm(tmp, { force: true });
    else await this.#commit(tmp, digest);
    return { digest, sizeBytes: seen };
  }

  async get(digest: string): Promise<Buffer> {
    const path = this.#pathOf(digest);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw notFoundOr(e, digest);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== digest) throw corrupt(digest, actual);
    return bytes;
  }

  async open(digest: string): Promise<Readable> {
    const path = this.#pathOf(digest);
    try {
      await stat(path);
    } catch (e) {
      throw notFoundOr(e, digest);
    }
    const hash = createHash('sha256');
    const verify = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
      flush(cb) {
        const actual = hash.digest('hex');
        cb(actual === digest ? null : corrupt(digest, actual));
      },
    });
    return createReadStream(path)
      .on('error', (e) => verify.destroy(e))
      .pipe(verify);
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.#pathOf(digest));
      return true;
    } catch {
      return false;
    }
  }

  async localPath(digest: string): Promise<string> {
    await this.get(digest);
    return this.#pathOf(digest);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.#pathOf(digest), { force: true });
  }

  async sweepTemporary(nowMs: number, olderThanMs: number): Promise<number> {
    const dir = join(this.#root, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const s = await stat(join(dir, name)).catch(() => null);
      if (s && nowMs - s.mtimeMs > olderThanMs) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  #pathOf(digest: string): string {
    if (!isDigest(digest)) {
      throw new KilnError(
        'INVALID_DIGEST',
        `expected a SHA-256 digest (64 lowercase hex characters), got "${String(digest).slice(0, 80)}"`,
        {
          field: 'digest',
        },
      );
    }
    return join(this.#root, 'sha256', digest.slice(0, 2), digest);
  }

  async #tempPath(): Promise<string> {
    const dir = join(this.#root, 'tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${randomBytes(12).toString('hex')}.part`);
  }

  async #commit(tmp: string, digest: string): Promise<void> {
    const final = this.#pathOf(digest);
    const dir = join(this.#root, 'sha256', digest.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await rename(tmp, final);
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}

function tooLarge(size: number, max: number): KilnError {
  return new KilnError('PAYLOAD_TOO_LARGE', `the file is ${size} bytes; the limit is ${max} bytes`, {
    size,
    limit: max,
  });
}

function corrupt(digest: string, actual: string): KilnError {
  return new KilnError('ARTIFACT_CORRUPT', `artifact ${digest} is corrupt: its bytes hash to ${actual}`, {
    digest,
    actual,
  });
}

function notFoundOr(e: unknown, digest: string): KilnError {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
    return new KilnError('ARTIFACT_NOT_FOUND', `no artifact with digest ${digest}`, { digest });
  }
  return new KilnError(
    'INTERNAL',
    `cannot read artifact ${digest}: ${(e as Error).message}`,
    { digest },
    { cause: e },
  );
}
