/**
 * @module govern/audit/checkpoint-file
 * The append-only JSON-lines copy of the signed checkpoints, kept outside the database so that
 * truncating or rewriting the database's audit tables leaves evidence behind.
 *
 * One checkpoint per line, appended in tree-size order with one `write` on an `O_APPEND` handle and
 * an fsync. Two processes flushing at once may both append the same checkpoints; a duplicate line
 * is harmless (each line must equal the database's checkpoint of its size). A line cut short by a
 * crash is not JSON and is skipped when reading; the next append starts on a fresh line.
 */
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SignedCheckpoint } from './audit-log.js';

const TAIL_BYTES = 64 * 1024;

export class CheckpointFile {
  readonly path: string;
  /** What the file held when this process last looked: its length and largest tree size. */
  #known: { bytes: number; lastTreeSize: number } | null = null;

  constructor(path: string) {
    this.path = path;
  }

  /** The largest tree size in the file, 0 when it is missing or empty. Reads only the tail. */
  async lastTreeSize(): Promise<number> {
    const bytes = await sizeOf(this.path);
    if (this.#known?.bytes === bytes) return this.#known.lastTreeSize;
    let last = bytes === 0 ? 0 : maxTreeSize(parseLines(await readTail(this.path, bytes)));
    if (last === 0 && bytes > TAIL_BYTES) last = maxTreeSize(await this.readAll());
    this.#known = { bytes, lastTreeSize: last };
    return last;
  }

  /** Appends the checkpoints (in the order given) and fsyncs. */
  async append(checkpoints: readonly SignedCheckpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, 'a+', 0o644);
    try {
      const before = (await fh.stat()).size;
      let prefix = '';
      if (before > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, before - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      const lines = checkpoints.map((cp) => JSON.stringify(lineOf(cp))).join('\n');
      await fh.write(`${prefix}${lines}\n`);
      await fh.sync();
      const written = maxTreeSize(checkpoints);
      this.#known = {
        bytes: (await fh.stat()).size,
        lastTreeSize: Math.max(written, this.#known?.lastTreeSize ?? 0),
      };
    } finally {
      await fh.close();
    }
  }

  /** Every well-formed entry in file order; lines that are not checkpoints are skipped. */
  async readAll(): Promise<SignedCheckpoint[]> {
    try {
      return parseLines(await readFile(this.path, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}

/** The fields a line holds, in a fixed order (no `public_key`: the key is in the key folder). */
function lineOf(cp: SignedCheckpoint): SignedCheckpoint {
  return {
    tree_size: cp.tree_size,
    root_hash: cp.root_hash,
    time: cp.time,
    key_id: cp.key_id,
    signature: cp.signature,
  };
}

function parseLines(text: string): SignedCheckpoint[] {
  const out: SignedCheckpoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as Partial<SignedCheckpoint>;
      if (
        Number.isSafeInteger(v.tree_size) &&
        typeof v.root_hash === 'string' &&
        typeof v.time === 'string' &&
        typeof v.key_id === 'string' &&
        typeof v.signature === 'string'
      ) {
        out.push(lineOf(v as SignedCheckpoint));
      }
    } catch {
      // A torn line from a crash mid-write: skipped (see the module comment).
    }
  }
  return out;
}

function maxTreeSize(cps: readonly SignedCheckpoint[]): number {
  return cps.reduce((m, cp) => Math.max(m, cp.tree_size), 0);
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}

/** The last complete-or-not lines of the file, starting at a line boundary. */
async function readTail(path: string, bytes: number): Promise<string> {
  const start = Math.max(0, bytes - TAIL_BYTES);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    // Drop a partial first line when the read began mid-file.
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await fh.close();
  }
}
