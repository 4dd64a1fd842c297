/**
 * @module ingest/lineage/openlineage-facets
 * The OpenLineage facets Kiln emits, each with `_producer` and `_schemaURL` as the core spec's
 * BaseFacet requires. Every facet points at the published JSON Schema of the facet version its
 * fields follow (https://openlineage.io/spec/facets/…); `docs/lineage.md` lists where each goes.
 *
 * Numbers are checked here: counts must be integers ≥ 0 and every number finite (JSON has no NaN),
 * so a bad statistic fails loudly with INVALID_ARGUMENT naming the field instead of producing an
 * event a consumer rejects.
 */
import { invalid } from '../../core/errors.js';
import type {
  LineageAssertion,
  LineageColumnMetrics,
  LineageDataSource,
  LineageError,
  LineageField,
  LineageMetrics,
} from './lineage-types.js';
import type { OpenLineageFacet } from './openlineage-types.js';

const FACETS = 'https://openlineage.io/spec/facets';

/** `_schemaURL` of each facet, by facet key. */
export const FACET_SCHEMA_URLS = {
  jobType: `${FACETS}/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
  errorMessage: `${FACETS}/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`,
  schema: `${FACETS}/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  dataSource: `${FACETS}/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet`,
  version: `${FACETS}/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet`,
  inputDataQualityMetrics: `${FACETS}/1-0-2/DataQualityMetricsInputDatasetFacet.json#/$defs/DataQualityMetricsInputDatasetFacet`,
  dataQualityMetrics: `${FACETS}/1-0-0/DataQualityMetricsDatasetFacet.json#/$defs/DataQualityMetricsDatasetFacet`,
  dataQualityAssertions: `${FACETS}/1-0-1/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet`,
  outputStatistics: `${FACETS}/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet`,
} as const;

export type FacetKind = keyof typeof FACET_SCHEMA_URLS;

function facet(producer: string, kind: FacetKind, fields: Record<string, unknown>): OpenLineageFacet {
  return { _producer: producer, _schemaURL: FACET_SCHEMA_URLS[kind], ...fields };
}

/** Job type: a batch pipeline run by Kiln. */
export function jobTypeFacet(producer: string): OpenLineageFacet {
  return facet(producer, 'jobType', { processingType: 'BATCH', integration: 'KILN', jobType: 'PIPELINE' });
}

export function errorMessageFacet(producer: string, error: LineageError): OpenLineageFacet {
  if (typeof error.message !== 'string' || error.message === '') {
    throw invalid('error.message', 'a non-empty string', error.message);
  }
  return facet(producer, 'errorMessage', {
    message: error.message,
    programmingLanguage: 'TypeScript',
    ...(error.stackTrace ? { stackTrace: error.stackTrace } : {}),
  });
}

export function schemaFacet(producer: string, fields: readonly LineageField[], at: string): OpenLineageFacet {
  return facet(producer, 'schema', {
    fields: fields.map((f, i) => {
      if (typeof f.name !== 'string' || f.name === '') {
        throw invalid(`${at}.fields[${i}].name`, 'a non-empty string', f.name);
      }
      return {
        name: f.name,
        ...(f.type !== undefined ? { type: f.type } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
      };
    }),
  });
}

export function dataSourceFacet(producer: string, source: LineageDataSource): OpenLineageFacet {
  return facet(producer, 'dataSource', {
    name: source.name,
    ...(source.uri !== undefined ? { uri: source.uri } : {}),
  });
}

export function versionFacet(producer: string, version: string): OpenLineageFacet {
  return facet(producer, 'version', { datasetVersion: version });
}

/**
 * DataQualityMetrics as an InputDatasetFacet (`inputFacets`, for inputs) or as the DatasetFacet of
 * the same shape (`facets`, for outputs: the input variant is not allowed on an output).
 */
export function dataQualityMetricsFacet(
  producer: string,
  metrics: LineageMetrics,
  placement: 'input' | 'dataset',
  at: string,
): OpenLineageFacet {
  const columnMetrics: Record<string, Record<string, unknown>> = {};
  if (typeof metrics.columnMetrics !== 'object' || metrics.columnMetrics === null) {
    throw invalid(`${at}.columnMetrics`, 'an object (column name → statistics)', metrics.columnMetrics);
  }
  for (const [column, m] of Object.entries(metrics.columnMetrics)) {
    columnMetrics[column] = columnMetricsOf(m, `${at}.columnMetrics.${column}`);
  }
  return facet(producer, placement === 'input' ? 'inputDataQualityMetrics' : 'dataQualityMetrics', {
    ...optionalCount(metrics.rowCount, 'rowCount', at),
    ...optionalCount(metrics.bytes, 'bytes', at),
    ...optionalCount(metrics.fileCount, 'fileCount', at),
    columnMetrics,
  });
}

/** Rows and bytes written (`outputFacets.outputStatistics`); rowCount is required by the facet. */
export function outputStatisticsFacet(
  producer: string,
  metrics: LineageMetrics,
  at: string,
): OpenLineageFacet {
  return facet(producer, 'outputStatistics', {
    ...optionalCount(metrics.rowCount, 'rowCount', at),
    ...optionalCount(metrics.bytes, 'size', at, 'bytes'),
    ...optionalCount(metrics.fileCount, 'fileCount', at),
  });
}

export function dataQualityAssertionsFacet(
  producer: string,
  assertions: readonly LineageAssertion[],
  at: string,
): OpenLineageFacet {
  return facet(producer, 'dataQualityAssertions', {
    assertions: assertions.map((a, i) => {
      if (typeof a.assertion !== 'string' || a.assertion === '') {
        throw invalid(`${at}.assertions[${i}].assertion`, 'a non-empty string', a.assertion);
      }
      if (typeof a.success !== 'boolean') {
        throw invalid(`${at}.assertions[${i}].success`, 'true or false', a.success);
      }
      return { assertion: a.assertion, success: a.success, ...(a.column ? { column: a.column } : {}) };
    }),
  });
}

function columnMetricsOf(m: LineageColumnMetrics, at: string): Record<string, unknown> {
  const quantiles: Record<string, number> = {};
  for (const [level, value] of Object.entries(m.quantiles ?? {})) {
    quantiles[level] = finite(value, `${at}.quantiles.${level}`);
  }
  return {
    ...optionalCount(m.nullCount, 'nullCount', at),
    ...optionalCount(m.distinctCount, 'distinctCount', at),
    ...(m.sum !== undefined ? { sum: finite(m.sum, `${at}.sum`) } : {}),
    ...(m.count !== undefined ? { count: finite(m.count, `${at}.count`) } : {}),
    ...(m.min !== undefined ? { min: finite(m.min, `${at}.min`) } : {}),
    ...(m.max !== undefined ? { max: finite(m.max, `${at}.max`) } : {}),
    ...(m.quantiles !== undefined ? { quantiles } : {}),
  };
}

function optionalCount(
  value: number | undefined,
  key: string,
  at: string,
  inputKey: string = key,
): Record<string, number> {
  if (value === undefined) return {};
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${at}.${inputKey}`, 'an integer ≥ 0', value);
  }
  return { [key]: value };
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'a finite number', value);
  return value;
}
