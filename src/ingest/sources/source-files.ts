/**
 * @module ingest/sources/source-files
 * The file side shared by csv, parquet and json sources: resolve and digest the files, refuse
 * empty files and (for text formats) files that are not UTF-8, and render the explicit file list
 * DuckDB reads.
 */
import { KilnError } from '../../core/errors.js';
import { quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { FileSourceSpec } from '../pipeline/spec-types.js';
import { resolveDataPath } from '../paths/resolve-data-path.js';
import { type SourceContext, type SourceFile, sourceWhere } from './source.js';

/** The checked, digested files of a file source, in a stable order. */
export async function resolveSourceFiles(
  ctx: SourceContext,
  name: string,
  spec: FileSourceSpec,
): Promise<SourceFile[]> {
  const where = sourceWhere(spec.location, name);
  const files = await resolveDataPath(spec.path, {
    baseDir: ctx.baseDir,
    ...(ctx.allowedRoots ? { allowedRoots: ctx.allowedRoots } : {}),
    checkUtf8: spec.type !== 'parquet',
    field: `${where}.path`,
  });
  for (const f of files) {
    if (f.bytes === 0) {
      throw new KilnError('SOURCE_UNREADABLE', `${where}: ${f.path}: file is empty`, {
        source: name,
        file: f.path,
      });
    }
    if (f.invalidUtf8) {
      throw new KilnError(
        'SOURCE_UNREADABLE',
        `${where}: ${f.path}: not valid UTF-8 (first bad byte at offset ${f.invalidUtf8.offset}, line ${f.invalidUtf8.line}); save the file as UTF-8`,
        { source: name, file: f.path, offset: f.invalidUtf8.offset, line: f.invalidUtf8.line },
      );
    }
  }
  return files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes }));
}

/** `['/a.csv', '/b.csv']` as a DuckDB list literal. */
export function fileListSql(files: readonly SourceFile[]): string {
  return `[${files.map((f) => quoteLiteral(f.path)).join(', ')}]`;
}

/** The file a DuckDB reader error is about (`file = …` or `"…"` in its message), if it says. */
export function fileInDuckMessage(message: string, files: readonly SourceFile[]): string | null {
  const m = /file = (.+)$/m.exec(message) ?? /file "([^"]+)"/.exec(message);
  if (m) return m[1].trim();
  return files.find((f) => message.includes(f.path))?.path ?? null;
}

/** Counts the rows of a freshly loaded table. */
export async function countRows(ctx: SourceContext, table: string): Promise<number> {
  const r = await ctx.duck.query(`SELECT count(*) AS n FROM temp.${quoteIdent(table)}`);
  return Number(r.rows[0].n);
}
