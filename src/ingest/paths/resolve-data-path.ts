/**
 * @module ingest/paths/resolve-data-path
 * Turns a source's `path` (a file, a glob, or a list of them; relative to the spec file's folder)
 * into the explicit, digested list of files DuckDB will read. When `allowedRoots` is given (a
 * pipeline run through the API: `data.roots`), every matched file must, after `realpath` (symlinks
 * resolved), lie inside one of the roots (also realpath'd); otherwise PATH_NOT_ALLOWED.
 *
 * Errors: SOURCE_NOT_FOUND (a file is missing, a glob matches nothing, a path is a folder),
 * PATH_NOT_ALLOWED (outside `data.roots`).
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { digestFile } from './file-digest.js';
import { expandGlob, hasGlobMagic, splitGlob } from './glob.js';

export interface ResolveDataPathOptions {
  /** Folder relative paths are resolved against: the spec file's folder. */
  readonly baseDir: string;
  /** When given, files must lie inside one of these folders (after symlinks); empty list allows none. */
  readonly allowedRoots?: readonly string[];
  /** Also validate each file as UTF-8 (text formats). */
  readonly checkUtf8?: boolean;
  /** Shown in messages, e.g. `sources.raw.path`. */
  readonly field?: string;
}

export interface ResolvedDataFile {
  /** Absolute real path (symlinks resolved): what DuckDB reads and lineage records. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly invalidUtf8?: { readonly offset: number; readonly line: number };
}

/** Expands, checks and digests the files a source path names, in a stable order without duplicates. */
export async function resolveDataPath(
  path: string | readonly string[],
  options: ResolveDataPathOptions,
): Promise<ResolvedDataFile[]> {
  const field = options.field ?? 'path';
  const patterns = typeof path === 'string' ? [path] : path;
  const roots = options.allowedRoots ? await realRoots(options.allowedRoots) : null;
  const seen = new Set<string>();
  const files: string[] = [];
  for (const pattern of patterns) {
    const absolute = resolve(options.baseDir, pattern);
    for (const real of await matchPattern(pattern, absolute, roots, options.allowedRoots ?? [], field)) {
      if (!seen.has(real)) {
        seen.add(real);
        files.push(real);
      }
    }
  }
  const out: ResolvedDataFile[] = [];
  for (const file of files)
    out.push({ path: file, ...(await digestFile(file, { checkUtf8: options.checkUtf8 })) });
  return out;
}

async function matchPattern(
  pattern: string,
  absolute: string,
  roots: readonly string[] | null,
  shownRoots: readonly string[],
  field: string,
): Promise<string[]> {
  if (!hasGlobMagic(absolute)) {
    const real = await realpathOrNull(absolute);
    if (real === null) {
      // say nothing about whether a file outside the roots exists
      assertAllowed(pattern, await realpathOfMissing(absolute), roots, shownRoots, field);
      throw new KilnError(
        'SOURCE_NOT_FOUND',
        `${field}: no such file "${pattern}" (resolved to ${absolute})`,
        {
          field,
          path: pattern,
        },
      );
    }
    assertAllowed(pattern, real, roots, shownRoots, field);
    if (!(await fs.stat(real)).isFile()) {
      throw new KilnError(
        'SOURCE_NOT_FOUND',
        `${field}: "${pattern}" is a folder, not a file; use a glob such as "${pattern.replace(/\/$/, '')}/*.csv"`,
        { field, path: pattern },
      );
    }
    return [real];
  }
  // refuse before walking when the glob's fixed folder is already outside every root
  const { base } = splitGlob(absolute);
  const realBase = await realpathOrNull(base);
  assertAllowed(pattern, realBase ?? (await realpathOfMissing(base)), roots, shownRoots, field);
  const matched = await expandGlob(absolute);
  if (matched.length === 0) {
    throw new KilnError('SOURCE_NOT_FOUND', `${field}: the glob "${pattern}" matched no files (in ${base})`, {
      field,
      path: pattern,
    });
  }
  const reals: string[] = [];
  for (const file of matched) {
    const real = await fs.realpath(file);
    assertAllowed(pattern, real, roots, shownRoots, field, file);
    reals.push(real);
  }
  return reals;
}

function assertAllowed(
  pattern: string,
  real: string,
  roots: readonly string[] | null,
  shownRoots: readonly string[],
  field: string,
  matched?: string,
): void {
  if (roots === null || roots.some((root) => isInside(real, root))) return;
  const which = matched && matched !== real ? ` (its match ${matched} resolves outside them)` : '';
  throw new KilnError(
    'PATH_NOT_ALLOWED',
    `${field}: "${pattern}" is outside data.roots${which}; allowed roots: ${shownRoots.length > 0 ? shownRoots.join(', ') : '(none configured)'}`,
    { field, path: pattern, roots: [...shownRoots] },
  );
}

/** True when `path` is `root` or lies below it (both already real, absolute paths). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    const real = await realpathOrNull(resolve(root));
    if (real !== null) out.push(real); // a root that does not exist contains nothing
  }
  return out;
}

/** The real path of the nearest existing ancestor, joined with the rest of a missing path. */
async function realpathOfMissing(path: string): Promise<string> {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    const real = await realpathOrNull(existing);
    if (real !== null) return join(real, ...rest);
    const parent = dirname(existing);
    if (parent === existing) return path;
    rest.unshift(basename(existing));
    existing = parent;
  }
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await fs.realpath(path);
  } catch {
    return null;
  }
}
