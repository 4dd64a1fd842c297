import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignedCheckpoint } from './audit-log.js';
import { CheckpointFile } from './checkpoint-file.js';

const root = mkdtempSync(join(tmpdir(), 'kiln-cpfile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `d${++n}`, 'audit-checkpoints.jsonl');

const cp = (size: number): SignedCheckpoint => ({
  tree_size: size,
  root_hash: size.toString(16).padStart(64, '0'),
  time: `2026-01-01T00:00:${String(size % 60).padStart(2, '0')}.000Z`,
  key_id: 'k'.repeat(64),
  signature: `sig${size}`,
});

describe('CheckpointFile', () => {
  it('is empty until written, then holds one JSON line per checkpoint without the public key', async () => {
    const file = new CheckpointFile(freshPath());
    expect(await file.lastTreeSize()).toBe(0);
    expect(await file.readAll()).toEqual([]);
    await file.append([{ ...cp(1), public_key: 'PEM' }, cp(2)]);
    expect(readFileSync(file.path, 'utf8')).toBe(`${JSON.stringify(cp(1))}\n${JSON.stringify(cp(2))}\n`);
    expect(await file.readAll()).toEqual([cp(1), cp(2)]);
    expect(await file.lastTreeSize()).toBe(2);
  });

  it('sees what another process appended', async () => {
    const path = freshPath();
    const a = new CheckpointFile(path);
    const b = new CheckpointFile(path);
    await a.append([cp(1)]);
    expect(await a.lastTreeSize()).toBe(1);
    await b.append([cp(2), cp(3)]);
    expect(await a.lastTreeSize()).toBe(3);
  });

  it('skips a line cut short by a crash and starts the next append on a fresh line', async () => {
    const file = new CheckpointFile(freshPath());
    await file.append([cp(1)]);
    appendFileSync(file.path, JSON.stringify(cp(2)).slice(0, 30));
    expect(await file.lastTreeSize()).toBe(1);
    await file.append([cp(2)]);
    expect(await file.readAll()).toEqual([cp(1), cp(2)]);
    expect(readFileSync(file.path, 'utf8').split('\n')).toHaveLength(4);
  });

  it('finds the last size from the tail of a large file', async () => {
    const path = freshPath();
    const first = new CheckpointFile(path);
    const many = Array.from({ length: 3000 }, (_, i) => cp(i + 1));
    await first.append(many);
    const reopened = new CheckpointFile(path);
    expect(await reopened.lastTreeSize()).toBe(3000);
    expect((await reopened.readAll()).length).toBe(3000);
  });

  it('ignores lines that are not checkpoints', async () => {
    const path = freshPath();
    const file = new CheckpointFile(path);
    await file.append([cp(1)]);
    appendFileSync(path, '{"tree_size":"x"}\nnot json\n\n');
    expect(await new CheckpointFile(path).readAll()).toEqual([cp(1)]);
    writeFileSync(path, '');
    expect(await new CheckpointFile(path).lastTreeSize()).toBe(0);
  });
});
