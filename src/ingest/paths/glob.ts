/**
 * @module ingest/paths/glob
 * A small, predictable glob: Kiln expands source globs itself (Node 20 has no `fs.glob`) so that it
 * knows, digests and checks every file before DuckDB sees an explicit list.
 *
 * Supported, per path segment: `*` (any run of characters except `/`), `?` (one character),
 * `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` (one character in / not in the set) and `**` as a whole
 * segment (zero or more folders). Not supported: `{a,b}` (give `path` as a list instead), `\`
 * escapes, extglobs. Wildcards do not match names that start with `.` (as in a shell). `**` does
 * not descend into symlinked folders (no loops); a symlinked file is matched and later checked
 * after `realpath`. Results are files only, sorted, without duplicates.
 */
import { type Dirent, promises as fs } from 'node:fs';
import { join, parse as parsePath } from 'node:path';

/** True when `pattern` contains a wildcard this module expands. */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Splits an absolute pattern into its literal folder prefix and the segments that follow it. */
export function splitGlob(absolutePattern: string): { base: string; segments: string[] } {
  const { root } = parsePath(absolutePattern);
  const parts = absolutePattern
    .slice(root.length)
    .split(/[\\/]+/)
    .filter(Boolean);
  const firstMagic = parts.findIndex(hasGlobMagic);
  if (firstMagic < 0) return { base: absolutePattern, segments: [] };
  return { base: join(root, ...parts.slice(0, firstMagic)), segments: parts.slice(firstMagic) };
}

/** Compiles one path segment (`*.csv`, `part-[0-9]?`) into an anchored regular expression. */
export function segmentToRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands an absolute glob into the absolute paths of the files it matches (sorted). */
export async function expandGlob(absolutePattern: string): Promise<string[]> {
  const { base, segments } = splitGlob(absolutePattern);
  const found = new Set<string>();
  await walk(base, segments, found);
  return [...found].sort();
}

async function walk(dir: string, segments: readonly string[], found: Set<string>): Promise<void> {
  if (segments.length === 0) {
    if (await isFile(dir)) found.add(dir);
    return;
  }
  const [head, ...rest] = segments;
  if (head === '**') {
    // zero folders, then one more level with `**` still active
    await walk(dir, rest, found);
    for (const entry of await list(dir)) {
      if (entry.isDirectory() && !entry.name.startsWith('.'))
        await walk(join(dir, entry.name), segments, found);
    }
    return;
  }
  if (!hasGlobMagic(head)) {
    await walk(join(dir, head), rest, found);
    return;
  }
  const re = segmentToRegExp(head);
  for (const entry of await list(dir)) {
    if (entry.name.startsWith('.') || !re.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (rest.length === 0) {
      if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path)))) found.add(path);
    } else if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(path)))) {
      await walk(path, rest, found);
    }
  }
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isDirectory();
  } catch {
    return false;
  }
}
