/**
 * @module ingest/sources
 * Loads one spec source into the DuckDB TEMP table named after its key, by source type.
 */
import type { SourceSpec } from '../pipeline/spec-types.js';
import { loadCsvSource } from './csv-source.js';
import { loadJsonSource } from './json-source.js';
import { loadParquetSource } from './parquet-source.js';
import { loadPostgresSource } from './postgres-source.js';
import type { LoadedSource, SourceContext } from './source.js';

export type { LoadedSource, SourceContext, SourceFile } from './source.js';

export function loadSource(ctx: SourceContext, name: string, spec: SourceSpec): Promise<LoadedSource> {
  switch (spec.type) {
    case 'csv':
      return loadCsvSource(ctx, name, spec);
    case 'parquet':
      return loadParquetSource(ctx, name, spec);
    case 'json':
      return loadJsonSource(ctx, name, spec);
    case 'postgres':
      return loadPostgresSource(ctx, name, spec);
  }
}
