/**
 * @module ingest/lineage/lineage-quality
 * Turns what Kiln already computes about a dataset version — its profile and its validation
 * result — into the statistics and assertions of a lineage dataset.
 *
 * Choices: `distinctCount` is the profile's HyperLogLog estimate (~2 % relative error), rounded;
 * min, max and quantiles are kept only when numeric (the facet's fields are numbers, so a string
 * or date column's min/max is left out); null quantiles are dropped. An assertion is named by the
 * expectation's type (`expect_column_values_to_not_be_null`), as the Great Expectations
 * OpenLineage integration does, with `kwargs.column` as its column when there is one.
 */
import type { DataProfile } from '../../validate/profile-types.js';
import type { ValidationResult } from '../../validate/suite-types.js';
import type {
  LineageAssertion,
  LineageColumnMetrics,
  LineageField,
  LineageMetrics,
} from './lineage-types.js';

/** Row count, optional size in bytes and per-column statistics of a profiled dataset. */
export function metricsFromProfile(profile: DataProfile, bytes?: number): LineageMetrics {
  const columnMetrics: Record<string, LineageColumnMetrics> = {};
  for (const c of profile.columns) {
    const quantiles: Record<string, number> = {};
    for (const [level, value] of Object.entries(c.quantiles ?? {})) {
      if (isFiniteNumber(value)) quantiles[level] = value;
    }
    columnMetrics[c.name] = {
      nullCount: c.null_count,
      distinctCount: Math.round(c.approx_distinct),
      ...(isFiniteNumber(c.min) ? { min: c.min } : {}),
      ...(isFiniteNumber(c.max) ? { max: c.max } : {}),
      ...(Object.keys(quantiles).length > 0 ? { quantiles } : {}),
    };
  }
  return { rowCount: profile.row_count, ...(bytes !== undefined ? { bytes } : {}), columnMetrics };
}

/** The columns of a profiled dataset with their DuckDB types. */
export function fieldsFromProfile(profile: DataProfile): LineageField[] {
  return profile.columns.map((c) => ({ name: c.name, type: c.type }));
}

/** One assertion per expectation of a validation result. */
export function assertionsFromValidation(result: ValidationResult): LineageAssertion[] {
  return result.results.map((r) => {
    const column = r.expectation_config.kwargs.column;
    return {
      assertion: r.expectation_config.type,
      success: r.success,
      ...(typeof column === 'string' && column !== '' ? { column } : {}),
    };
  });
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
