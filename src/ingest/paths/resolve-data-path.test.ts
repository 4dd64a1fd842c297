import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentToRegExp } from './glob.js';
import { isInside, resolveDataPath } from './resolve-data-path.js';

let dir: string;
let root: string;
let outside: string;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kiln-paths-')));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  for (const d of [
    'root/data/2024/01',
    'root/data/2024/02',
    'root/data/.hidden',
    'root/pipelines',
    'outside',
  ]) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  writeFileSync(join(root, 'data/a.csv'), 'x\n1\n');
  writeFileSync(join(root, 'data/b.csv'), 'x\n2\n');
  writeFileSync(join(root, 'data/c.json'), '[]');
  writeFileSync(join(root, 'data/2024/01/part-1.csv'), 'x\n3\n');
  writeFileSync(join(root, 'data/2024/02/part-2.csv'), 'x\n4\n');
  writeFileSync(join(root, 'data/.hidden/h.csv'), 'x\n5\n');
  writeFileSync(join(outside, 'secret.csv'), 'password\nhunter2\n');
  symlinkSync(join(outside, 'secret.csv'), join(root, 'data/link.csv'));
  symlinkSync(outside, join(root, 'data/linkdir'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = (files: { path: string }[]) => files.map((f) => f.path.slice(dir.length + 1));

describe('resolveDataPath', () => {
  it('resolves a relative file against the spec folder and digests it', async () => {
    const files = await resolveDataPath('../data/a.csv', { baseDir: join(root, 'pipelines') });
    expect(names(files)).toEqual(['root/data/a.csv']);
    expect(files[0].sha256).toBe(createHash('sha256').update('x\n1\n').digest('hex'));
    expect(files[0].bytes).toBe(4);
  });

  it('expands *, ?, [..] and ** globs, sorted, skipping dot-folders and files', async () => {
    expect(names(await resolveDataPath('data/[ab].csv', { baseDir: root }))).toEqual([
      'root/data/a.csv',
      'root/data/b.csv',
    ]);
    expect(names(await resolveDataPath('data/?.json', { baseDir: root }))).toEqual(['root/data/c.json']);
    expect(names(await resolveDataPath('data/**/part-*.csv', { baseDir: root }))).toEqual([
      'root/data/2024/01/part-1.csv',
      'root/data/2024/02/part-2.csv',
    ]);
    // ** matches zero folders too; it does not descend into the symlinked folder or .hidden
    const all = names(await resolveDataPath('data/**/*.csv', { baseDir: root }));
    expect(all).toContain('root/data/a.csv');
    expect(all.some((p) => p.includes('.hidden') || p.includes('linkdir'))).toBe(false);
  });

  it('takes a list, without duplicates', async () => {
    const files = await resolveDataPath(['data/a.csv', 'data/*.csv'], { baseDir: root });
    expect(names(files)).toEqual(['root/data/a.csv', 'root/data/b.csv', 'outside/secret.csv']);
  });

  it('SOURCE_NOT_FOUND for a missing file, a glob matching nothing and a folder', async () => {
    await expect(
      resolveDataPath('data/nope.csv', { baseDir: root, field: 'sources.raw.path' }),
    ).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: expect.stringMatching(/sources\.raw\.path: no such file "data\/nope\.csv"/),
    });
    await expect(resolveDataPath('data/*.parquet', { baseDir: root })).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: expect.stringContaining('matched no files'),
    });
    await expect(resolveDataPath('data', { baseDir: root })).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: expect.stringContaining('is a folder'),
    });
  });

  it('allows files inside data.roots', async () => {
    const files = await resolveDataPath('data/a.csv', { baseDir: root, allowedRoots: [join(root, 'data')] });
    expect(names(files)).toEqual(['root/data/a.csv']);
  });

  it('PATH_NOT_ALLOWED for ".." escaping the roots, naming the path and the roots', async () => {
    const err = await resolveDataPath('../outside/secret.csv', { baseDir: root, allowedRoots: [root] }).catch(
      (e) => e,
    );
    expect(err.code).toBe('PATH_NOT_ALLOWED');
    expect(err.message).toContain('"../outside/secret.csv"');
    expect(err.message).toContain(root);
    // a missing file outside the roots is refused the same way (nothing said about its existence)
    await expect(
      resolveDataPath('../outside/missing.csv', { baseDir: root, allowedRoots: [root] }),
    ).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
  });

  it('PATH_NOT_ALLOWED for a symlink inside the root that points outside, alone or matched by a glob', async () => {
    await expect(
      resolveDataPath('data/link.csv', { baseDir: root, allowedRoots: [root] }),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    const err = await resolveDataPath('data/*.csv', { baseDir: root, allowedRoots: [root] }).catch((e) => e);
    expect(err.code).toBe('PATH_NOT_ALLOWED');
    expect(err.message).toContain('link.csv');
    // without roots (a local CLI run) the same glob is fine
    expect((await resolveDataPath('data/*.csv', { baseDir: root })).length).toBe(3);
  });

  it('a root given through a symlink is realpath-ed too', async () => {
    const alias = join(dir, 'root-alias');
    symlinkSync(root, alias);
    const files = await resolveDataPath('data/a.csv', { baseDir: root, allowedRoots: [alias] });
    expect(files).toHaveLength(1);
  });
});

describe('glob pieces', () => {
  it('compiles segments', () => {
    expect(segmentToRegExp('part-[0-9]?.csv').test('part-1a.csv')).toBe(true);
    expect(segmentToRegExp('part-[!0-9].csv').test('part-1.csv')).toBe(false);
    expect(segmentToRegExp('a.b').test('axb')).toBe(false);
    expect(segmentToRegExp('*.csv').test('x.csv.gz')).toBe(false);
  });

  it('isInside does not confuse a sibling prefix or a "..name" folder', () => {
    expect(isInside('/srv/data2/x', '/srv/data')).toBe(false);
    expect(isInside('/srv/data/..x/y', '/srv/data')).toBe(true);
    expect(isInside('/srv/data', '/srv/data')).toBe(true);
  });
});

describe('resolveDataPath: globs outside the roots', () => {
  it('refuses a glob under a missing folder outside the roots without saying it is missing', async () => {
    await expect(
      resolveDataPath('../nowhere/*.csv', { baseDir: root, allowedRoots: [root] }),
    ).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    // inside the roots, the same is an honest SOURCE_NOT_FOUND
    await expect(
      resolveDataPath('nowhere/*.csv', { baseDir: root, allowedRoots: [root] }),
    ).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
    });
  });

  it('with no roots configured, nothing is allowed', async () => {
    const err = await resolveDataPath('data/a.csv', { baseDir: root, allowedRoots: [] }).catch((e) => e);
    expect(err.code).toBe('PATH_NOT_ALLOWED');
    expect(err.message).toContain('(none configured)');
  });
});
