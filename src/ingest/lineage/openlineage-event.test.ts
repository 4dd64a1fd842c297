import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { LineageEventType } from './lineage-types.js';
import { RunEventBuilder } from './openlineage-event.js';
import { FACET_SCHEMA_URLS } from './openlineage-facets.js';
import type { OpenLineageFacet, OpenLineageRunEvent } from './openlineage-types.js';
import {
  runEventSchema,
  SAMPLE_PASSWORD,
  SAMPLE_PRODUCER,
  SAMPLE_RUN_ID,
  sampleRun,
} from './test-support/sample-run.js';
import { checkSchema } from './test-support/schema-check.js';

const builder = new RunEventBuilder(SAMPLE_PRODUCER);
const schema = runEventSchema();
const error = { message: 'STEP_FAILED: cast of "amount" failed at row 17', stackTrace: 'KilnError: …' };

function eventOf(type: LineageEventType): OpenLineageRunEvent {
  return builder.build(type, sampleRun(type === 'FAIL' ? { error } : {}));
}

function thrown(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a KilnError');
}

/** Every facet anywhere in the event, with where it sits. */
function facetsOf(event: OpenLineageRunEvent): [string, OpenLineageFacet][] {
  const out: [string, OpenLineageFacet][] = [];
  const add = (at: string, map: Readonly<Record<string, OpenLineageFacet>> | undefined) => {
    for (const [k, f] of Object.entries(map ?? {})) out.push([`${at}.${k}`, f]);
  };
  add('run.facets', event.run.facets);
  add('job.facets', event.job.facets);
  event.inputs.forEach((d, i) => {
    add(`inputs[${i}].facets`, d.facets);
    add(`inputs[${i}].inputFacets`, d.inputFacets);
  });
  event.outputs.forEach((d, i) => {
    add(`outputs[${i}].facets`, d.facets);
    add(`outputs[${i}].outputFacets`, d.outputFacets);
  });
  return out;
}

describe('RunEventBuilder', () => {
  it.each(['START', 'COMPLETE', 'FAIL', 'ABORT'] as const)(
    'builds a %s event that satisfies the 2-0-2 required-field schema',
    (type) => {
      const event = eventOf(type);
      expect(checkSchema(schema, JSON.parse(JSON.stringify(event)))).toEqual([]);
      expect(event.eventType).toBe(type);
      expect(event.schemaURL).toBe('https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent');
      expect(event.producer).toBe(SAMPLE_PRODUCER);
      expect(event.run.runId).toBe(SAMPLE_RUN_ID);
      expect(event.eventTime).toBe('2026-03-01T10:00:00.000Z');
    },
  );

  it('fills the run, the job and the datasets with the agreed names', () => {
    const event = eventOf('COMPLETE');
    expect(event.job.namespace).toBe('kiln://demo');
    expect(event.job.name).toBe('fraud-features');
    expect(event.job.facets?.jobType).toEqual({
      _producer: SAMPLE_PRODUCER,
      _schemaURL: 'https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
      processingType: 'BATCH',
      integration: 'KILN',
      jobType: 'PIPELINE',
    });
    expect(event.inputs.map((d) => [d.namespace, d.name])).toEqual([
      ['file://worker-1', '/data/raw/transactions.csv'],
      ['postgres://db.internal:5433', expect.stringMatching(/^risk\.query-[0-9a-f]{16}$/)],
    ]);
    expect(event.outputs.map((d) => [d.namespace, d.name])).toEqual([['kiln://demo', 'fraud-tx@3']]);
  });

  it('gives every facet the producer and the schema URL of its kind', () => {
    const event = eventOf('FAIL');
    const facets = facetsOf(event);
    expect(facets.length).toBeGreaterThan(8);
    const knownUrls = new Set<string>(Object.values(FACET_SCHEMA_URLS));
    for (const [at, f] of facets) {
      expect(f._producer, at).toBe(SAMPLE_PRODUCER);
      expect(knownUrls.has(f._schemaURL), `${at}: ${f._schemaURL}`).toBe(true);
    }
  });

  it('puts each facet where the spec allows it', () => {
    const event = eventOf('COMPLETE');
    const where = Object.fromEntries(facetsOf(event).map(([at, f]) => [at, f._schemaURL]));
    expect(where).toEqual({
      'job.facets.jobType': FACET_SCHEMA_URLS.jobType,
      'inputs[0].facets.schema': FACET_SCHEMA_URLS.schema,
      'inputs[0].facets.dataSource': FACET_SCHEMA_URLS.dataSource,
      'inputs[1].facets.dataSource': FACET_SCHEMA_URLS.dataSource,
      'outputs[0].facets.schema': FACET_SCHEMA_URLS.schema,
      'outputs[0].facets.dataSource': FACET_SCHEMA_URLS.dataSource,
      'outputs[0].facets.version': FACET_SCHEMA_URLS.version,
      'outputs[0].facets.dataQualityMetrics': FACET_SCHEMA_URLS.dataQualityMetrics,
      'outputs[0].facets.dataQualityAssertions': FACET_SCHEMA_URLS.dataQualityAssertions,
      'outputs[0].outputFacets.outputStatistics': FACET_SCHEMA_URLS.outputStatistics,
    });
    const out = event.outputs[0]!;
    expect(out.facets?.version?.datasetVersion).toBe('3');
    expect(out.outputFacets?.outputStatistics).toMatchObject({ rowCount: 1000, size: 40_960 });
    expect(out.facets?.dataQualityMetrics).toMatchObject({
      rowCount: 1000,
      bytes: 40_960,
      columnMetrics: {
        amount: { nullCount: 0, distinctCount: 950, min: 0.5, max: 9800, quantiles: { '0.5': 42.1 } },
        merchant: { nullCount: 3, distinctCount: 120 },
      },
    });
    expect(out.facets?.dataQualityAssertions?.assertions).toEqual([
      { assertion: 'expect_column_values_to_not_be_null', success: true, column: 'amount' },
      { assertion: 'expect_table_row_count_to_be_between', success: true },
    ]);
  });

  it('puts input statistics and assertions in inputFacets, as input facets', () => {
    const run = sampleRun();
    const input = {
      ...run.inputs![0]!,
      metrics: { rowCount: 12, columnMetrics: { amount: { nullCount: 1 } } },
      assertions: [{ assertion: 'expect_column_to_exist', success: false, column: 'amount' }],
    };
    const event = builder.start({ ...run, inputs: [input] });
    expect(checkSchema(schema, event)).toEqual([]);
    expect(event.inputs[0]!.inputFacets?.dataQualityMetrics).toEqual({
      _producer: SAMPLE_PRODUCER,
      _schemaURL: FACET_SCHEMA_URLS.inputDataQualityMetrics,
      rowCount: 12,
      columnMetrics: { amount: { nullCount: 1 } },
    });
    expect(event.inputs[0]!.inputFacets?.dataQualityAssertions?._schemaURL).toBe(
      FACET_SCHEMA_URLS.dataQualityAssertions,
    );
    expect(event.inputs[0]!.facets?.dataQualityMetrics).toBeUndefined();
  });

  it('adds the errorMessage run facet to FAIL only', () => {
    expect(eventOf('FAIL').run.facets?.errorMessage).toEqual({
      _producer: SAMPLE_PRODUCER,
      _schemaURL: FACET_SCHEMA_URLS.errorMessage,
      message: error.message,
      programmingLanguage: 'TypeScript',
      stackTrace: error.stackTrace,
    });
    expect(eventOf('COMPLETE').run.facets).toBeUndefined();
    expect(builder.complete(sampleRun({ error })).run.facets).toBeUndefined();
  });

  it('never carries the PostgreSQL password or connection options', () => {
    for (const type of ['START', 'COMPLETE', 'FAIL', 'ABORT'] as const) {
      const text = JSON.stringify(eventOf(type));
      expect(text).not.toContain(SAMPLE_PASSWORD);
      expect(text).not.toContain('sslmode');
    }
    const leaky = builder.start(
      sampleRun({
        inputs: [
          {
            namespace: `postgres://u:${SAMPLE_PASSWORD}@h:5432`,
            name: 'db.public.t',
            dataSource: {
              name: `postgres://u:${SAMPLE_PASSWORD}@h:5432`,
              uri: `postgres://h:5432/db?password=${SAMPLE_PASSWORD}`,
            },
          },
        ],
      }),
    );
    expect(JSON.stringify(leaky)).not.toContain(SAMPLE_PASSWORD);
    expect(leaky.inputs[0]!.namespace).toBe('postgres://h:5432');
  });

  it('accepts a Date and writes UTC ISO time', () => {
    const event = builder.start(sampleRun({ eventTime: new Date('2026-03-01T12:00:00+02:00') }));
    expect(event.eventTime).toBe('2026-03-01T10:00:00.000Z');
  });

  it.each([
    ['runId', { runId: 'run-1' }],
    ['jobName', { jobName: ' ' }],
    ['jobNamespace', { jobNamespace: '' }],
    ['eventTime', { eventTime: 'yesterday' }],
    ['eventTime', { eventTime: '2026-03-01' }],
    ['eventTime', { eventTime: '2026-03-01T10:00:00' }],
    ['eventTime', { eventTime: '2026-13-01T10:00:00Z' }],
    ['inputs[0].name', { inputs: [{ namespace: 'file://h', name: '' }] }],
    ['outputs[0].namespace', { outputs: [{ namespace: '', name: 'x' }] }],
    [
      'outputs[0].columnMetrics.amount.nullCount',
      {
        outputs: [
          { namespace: 'k://w', name: 'd@1', metrics: { columnMetrics: { amount: { nullCount: -1 } } } },
        ],
      },
    ],
    [
      'outputs[0].rowCount',
      { outputs: [{ namespace: 'k://w', name: 'd@1', metrics: { rowCount: 1.5, columnMetrics: {} } }] },
    ],
    [
      'outputs[0].columnMetrics.amount.min',
      {
        outputs: [
          { namespace: 'k://w', name: 'd@1', metrics: { columnMetrics: { amount: { min: Number.NaN } } } },
        ],
      },
    ],
    ['inputs[0].fields[0].name', { inputs: [{ namespace: 'file://h', name: '/x', fields: [{ name: '' }] }] }],
  ])('refuses a bad %s with INVALID_ARGUMENT', (field, overrides) => {
    const e = thrown(() => builder.complete(sampleRun(overrides as never)));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.details.field).toBe(field);
  });

  it('refuses a FAIL without an error, and a producer that is not a URI', () => {
    expect(thrown(() => builder.fail(sampleRun())).details.field).toBe('error');
    expect(thrown(() => builder.fail(sampleRun({ error: { message: '' } }))).details.field).toBe(
      'error.message',
    );
    expect(thrown(() => new RunEventBuilder('kiln 0.1.0')).details.field).toBe('producer');
    expect(thrown(() => builder.build('DONE' as never, sampleRun())).details.field).toBe('eventType');
  });
});

describe('the required-field schema', () => {
  const DELETE = Symbol('delete');

  /** Sets (or deletes) the value at a JSON Pointer inside a parsed event. */
  function mutate(root: unknown, pointer: string, value: unknown): void {
    const parts = pointer.split('/').slice(1);
    const last = parts.pop()!;
    let node = root as Record<string, unknown>;
    for (const p of parts) node = node[p] as Record<string, unknown>;
    expect(node, pointer).toBeTypeOf('object');
    if (value === DELETE) {
      expect(Object.hasOwn(node, last), pointer).toBe(true);
      delete node[last];
    } else node[last] = value;
  }

  it.each([
    ['no runId', '/run/runId', DELETE, '/run'],
    ['a runId that is not a UUID', '/run/runId', 'run-42', '/run/runId'],
    ['no eventTime', '/eventTime', DELETE, ''],
    ['no producer', '/producer', DELETE, ''],
    ['no schemaURL', '/schemaURL', DELETE, ''],
    ['an eventTime without offset', '/eventTime', '2026-03-01 10:00', '/eventTime'],
    ['an unknown eventType', '/eventType', 'DONE', '/eventType'],
    ['a job without name', '/job/name', DELETE, '/job'],
    ['a dataset without namespace', '/inputs/1/namespace', DELETE, '/inputs/1'],
    ['a facet without _producer', '/outputs/0/facets/schema/_producer', DELETE, '/outputs/0/facets/schema'],
    [
      'an unknown facet without _schemaURL',
      '/job/facets/custom',
      { _producer: SAMPLE_PRODUCER },
      '/job/facets/custom',
    ],
    [
      'dataQualityMetrics without columnMetrics',
      '/outputs/0/facets/dataQualityMetrics/columnMetrics',
      DELETE,
      '/outputs/0/facets/dataQualityMetrics',
    ],
    [
      'a fractional nullCount',
      '/outputs/0/facets/dataQualityMetrics/columnMetrics/amount/nullCount',
      0.5,
      '/outputs/0/facets/dataQualityMetrics/columnMetrics/amount/nullCount',
    ],
    [
      'an assertion without success',
      '/outputs/0/facets/dataQualityAssertions/assertions/0/success',
      DELETE,
      '/outputs/0/facets/dataQualityAssertions/assertions/0',
    ],
    [
      'an errorMessage without programmingLanguage',
      '/run/facets/errorMessage/programmingLanguage',
      DELETE,
      '/run/facets/errorMessage',
    ],
    [
      'outputStatistics without rowCount',
      '/outputs/0/outputFacets/outputStatistics/rowCount',
      DELETE,
      '/outputs/0/outputFacets/outputStatistics',
    ],
    ['a jobType facet without integration', '/job/facets/jobType/integration', DELETE, '/job/facets/jobType'],
    [
      'a dataset version without datasetVersion',
      '/outputs/0/facets/version/datasetVersion',
      DELETE,
      '/outputs/0/facets/version',
    ],
    [
      'a schema field without name',
      '/inputs/0/facets/schema/fields/1/name',
      DELETE,
      '/inputs/0/facets/schema/fields/1',
    ],
  ])('fails a broken event: %s', (_what, pointer, value, violationAt) => {
    const event: unknown = JSON.parse(JSON.stringify(eventOf('FAIL')));
    expect(checkSchema(schema, event)).toEqual([]);
    mutate(event, pointer, value);
    expect(checkSchema(schema, event).map((v) => v.path)).toContain(violationAt);
  });
});
