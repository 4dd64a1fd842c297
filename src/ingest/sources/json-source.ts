/**
 * @module ingest/sources/json-source
 * Loads a json source with DuckDB's `read_json` on the explicit, checked file list: a JSON array of
 * objects (`format: array`), one object per line (`newline_delimited`, NDJSON) or either (`auto`).
 * Keys become columns; their types are detected; objects missing a key give NULL.
 */
import { KilnError } from '../../core/errors.js';
import { quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { JsonSourceSpec } from '../pipeline/spec-types.js';
import { type LoadedSource, type SourceContext, duckFirstLine, sourceWhere } from './source.js';
import { countRows, fileInDuckMessage, fileListSql, resolveSourceFiles } from './source-files.js';

export async function loadJsonSource(
  ctx: SourceContext,
  name: string,
  spec: JsonSourceSpec,
): Promise<LoadedSource> {
  const where = sourceWhere(spec.location, name);
  const files = await resolveSourceFiles(ctx, name, spec);
  try {
    await ctx.duck.run(
      `CREATE TEMP TABLE ${quoteIdent(name)} AS SELECT * FROM read_json(${fileListSql(files)}, format = ${quoteLiteral(spec.format)}, union_by_name = true)`,
    );
  } catch (e) {
    const file = fileInDuckMessage(e instanceof Error ? e.message : String(e), files);
    throw new KilnError(
      'SOURCE_UNREADABLE',
      `${where}: ${duckFirstLine(e)}${spec.format === 'auto' ? '' : ` (format: ${spec.format})`}`,
      { source: name, file },
    );
  }
  return { name, type: 'json', files, rowCount: await countRows(ctx, name) };
}
