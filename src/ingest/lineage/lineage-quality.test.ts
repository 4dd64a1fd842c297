import { describe, expect, it } from 'vitest';
import type { DataProfile } from '../../validate/profile-types.js';
import type { ValidationResult } from '../../validate/suite-types.js';
import { assertionsFromValidation, fieldsFromProfile, metricsFromProfile } from './lineage-quality.js';
import { RunEventBuilder } from './openlineage-event.js';
import { runEventSchema, SAMPLE_PRODUCER, sampleRun } from './test-support/sample-run.js';
import { checkSchema } from './test-support/schema-check.js';

const profile: DataProfile = {
  row_count: 100,
  column_count: 3,
  created_at: '2026-03-01T10:00:00.000Z',
  columns: [
    {
      name: 'amount',
      type: 'DOUBLE',
      kind: 'numeric',
      count: 100,
      null_count: 2,
      completeness: 0.98,
      approx_distinct: 96.6,
      min: 0.5,
      max: 980,
      mean: 40,
      quantiles: { '0.05': 1, '0.5': 30.5, '0.95': null },
    },
    {
      name: 'merchant',
      type: 'VARCHAR',
      kind: 'string',
      count: 100,
      null_count: 0,
      completeness: 1,
      approx_distinct: 12,
      min: 'acme',
      max: 'zeta',
    },
    {
      name: 'at',
      type: 'TIMESTAMP',
      kind: 'temporal',
      count: 100,
      null_count: 5,
      completeness: 0.95,
      approx_distinct: 90,
    },
  ],
};

describe('metricsFromProfile', () => {
  it('keeps counts, rounds the distinct estimate and keeps only numeric min/max/quantiles', () => {
    expect(metricsFromProfile(profile, 2048)).toEqual({
      rowCount: 100,
      bytes: 2048,
      columnMetrics: {
        amount: {
          nullCount: 2,
          distinctCount: 97,
          min: 0.5,
          max: 980,
          quantiles: { '0.05': 1, '0.5': 30.5 },
        },
        merchant: { nullCount: 0, distinctCount: 12 },
        at: { nullCount: 5, distinctCount: 90 },
      },
    });
  });

  it('makes facets that pass the 2-0-2 schema', () => {
    const run = sampleRun();
    const output = {
      ...run.outputs![0]!,
      fields: fieldsFromProfile(profile),
      metrics: metricsFromProfile(profile),
    };
    const event = new RunEventBuilder(SAMPLE_PRODUCER).complete({ ...run, outputs: [output] });
    expect(checkSchema(runEventSchema(), event)).toEqual([]);
    expect(event.outputs[0]!.facets?.schema?.fields).toEqual([
      { name: 'amount', type: 'DOUBLE' },
      { name: 'merchant', type: 'VARCHAR' },
      { name: 'at', type: 'TIMESTAMP' },
    ]);
  });
});

describe('assertionsFromValidation', () => {
  it('names each assertion by its expectation type, with its column when there is one', () => {
    const result = {
      success: false,
      suite_name: 'tx',
      statistics: {
        evaluated_expectations: 2,
        successful_expectations: 1,
        unsuccessful_expectations: 1,
        success_percent: 50,
      },
      meta: { data: 'tx@1', row_count: 100, run_time: '2026-03-01T10:00:00Z', queries: 1, duration_ms: 3 },
      results: [
        {
          success: true,
          expectation_config: { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'amount' } },
          result: {},
        },
        {
          success: false,
          expectation_config: { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 1000 } },
          result: { observed_value: 100 },
        },
      ],
    } satisfies ValidationResult;
    expect(assertionsFromValidation(result)).toEqual([
      { assertion: 'expect_column_values_to_not_be_null', success: true, column: 'amount' },
      { assertion: 'expect_table_row_count_to_be_between', success: false },
    ]);
  });
});
