/**
 * @module ingest/sources/parquet-source
 * Loads a parquet source with DuckDB's `read_parquet` on the explicit, checked file list. Files
 * with different schemas are combined by column name (`union_by_name`), missing columns as NULL.
 */
import { KilnError } from '../../core/errors.js';
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import type { ParquetSourceSpec } from '../pipeline/spec-types.js';
import { type LoadedSource, type SourceContext, duckFirstLine, sourceWhere } from './source.js';
import { countRows, fileInDuckMessage, fileListSql, resolveSourceFiles } from './source-files.js';

export async function loadParquetSource(
  ctx: SourceContext,
  name: string,
  spec: ParquetSourceSpec,
): Promise<LoadedSource> {
  const where = sourceWhere(spec.location, name);
  const files = await resolveSourceFiles(ctx, name, spec);
  try {
    await ctx.duck.run(
      `CREATE TEMP TABLE ${quoteIdent(name)} AS SELECT * FROM read_parquet(${fileListSql(files)}, union_by_name = true)`,
    );
  } catch (e) {
    const file = fileInDuckMessage(e instanceof Error ? e.message : String(e), files);
    throw new KilnError('SOURCE_UNREADABLE', `${where}: ${duckFirstLine(e)}`, { source: name, file });
  }
  return { name, type: 'parquet', files, rowCount: await countRows(ctx, name) };
}
