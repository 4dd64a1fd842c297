/**
 * @module ingest/lineage/test-support/sample-run
 * A realistic pipeline run for the lineage tests — a CSV file and a PostgreSQL query in, a Kiln
 * dataset version out, with schema, statistics and assertions — and the 2-0-2 required-field
 * schema committed under `test/fixtures/openlineage/`.
 */
import { fileURLToPath } from 'node:url';
import { fileDataset, kilnDatasetVersion, postgresDataset } from '../lineage-datasets.js';
import type { LineageRunInput } from '../lineage-types.js';
import { type JsonSchema, loadSchema } from './schema-check.js';

export const SAMPLE_RUN_ID = '0190a6b2-3c4d-7e5f-8a6b-1c2d3e4f5a6b';
export const SAMPLE_PRODUCER = 'https://github.com/kiln-ml/kiln/tree/v0.1.0';
export const SAMPLE_PASSWORD = 'hunter2-s3cret';

export const RUN_EVENT_SCHEMA_PATH = fileURLToPath(
  new URL('../../../../test/fixtures/openlineage/run-event-2-0-2.required.schema.json', import.meta.url),
);

export function runEventSchema(): JsonSchema {
  return loadSchema(RUN_EVENT_SCHEMA_PATH);
}

export function sampleRun(overrides: Partial<LineageRunInput> = {}): LineageRunInput {
  return {
    runId: SAMPLE_RUN_ID,
    jobNamespace: 'kiln://demo',
    jobName: 'fraud-features',
    eventTime: '2026-03-01T10:00:00.000Z',
    inputs: [
      {
        ...fileDataset('/data/raw/transactions.csv', 'worker-1'),
        fields: [
          { name: 'amount', type: 'DOUBLE' },
          { name: 'merchant', type: 'VARCHAR' },
        ],
      },
      postgresDataset(`postgres://kiln:${SAMPLE_PASSWORD}@db.internal:5433/risk?sslmode=require`, {
        query: 'SELECT id, score FROM merchants WHERE active',
      }),
    ],
    outputs: [
      {
        ...kilnDatasetVersion({ workspace: 'demo', dataset: 'fraud-tx', version: 3 }),
        fields: [
          { name: 'amount', type: 'DOUBLE' },
          { name: 'merchant', type: 'VARCHAR' },
          { name: 'score', type: 'DOUBLE' },
        ],
        metrics: {
          rowCount: 1000,
          bytes: 40_960,
          columnMetrics: {
            amount: { nullCount: 0, distinctCount: 950, min: 0.5, max: 9800, quantiles: { '0.5': 42.1 } },
            merchant: { nullCount: 3, distinctCount: 120 },
          },
        },
        assertions: [
          { assertion: 'expect_column_values_to_not_be_null', success: true, column: 'amount' },
          { assertion: 'expect_table_row_count_to_be_between', success: true },
        ],
      },
    ],
    ...overrides,
  };
}
