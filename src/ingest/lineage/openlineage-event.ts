/**
 * @module ingest/lineage/openlineage-event
 * Builds the OpenLineage 2-0-2 RunEvents of a pipeline run from plain inputs: one START when the
 * run begins, then one COMPLETE, FAIL (with an `errorMessage` run facet) or ABORT.
 *
 * Where each facet goes (the spec has three facet maps on a dataset):
 * - `facets` (any dataset): `schema`, `dataSource`, `version`;
 * - inputs, `inputFacets`: `dataQualityMetrics` (DataQualityMetricsInputDatasetFacet) and
 *   `dataQualityAssertions` (DataQualityAssertionsDatasetFacet, which the spec defines as an input
 *   facet);
 * - outputs, `outputFacets`: `outputStatistics` (rows and bytes written); `facets`:
 *   `dataQualityMetrics` as the DatasetFacet of the same shape (the input variant is not allowed on
 *   an output) and `dataQualityAssertions` (see docs/lineage.md for why it sits in `facets`).
 *
 * Every bad input is INVALID_ARGUMENT naming the field: a run id that is not a UUID, an empty job
 * or dataset name, a date that does not parse, a count that is not an integer ≥ 0, a FAIL without
 * an error.
 */
import { invalid } from '../../core/errors.js';
import { withoutCredentials } from './lineage-datasets.js';
import type { LineageDataset, LineageEventType, LineageRunInput } from './lineage-types.js';
import {
  dataQualityAssertionsFacet,
  dataQualityMetricsFacet,
  dataSourceFacet,
  errorMessageFacet,
  jobTypeFacet,
  outputStatisticsFacet,
  schemaFacet,
  versionFacet,
} from './openlineage-facets.js';
import {
  type FacetMap,
  type OpenLineageFacet,
  type OpenLineageInputDataset,
  type OpenLineageOutputDataset,
  type OpenLineageRunEvent,
  RUN_EVENT_SCHEMA_URL,
} from './openlineage-types.js';
import { isUuid } from './run-id.js';

const EVENT_TYPES: readonly LineageEventType[] = ['START', 'COMPLETE', 'FAIL', 'ABORT'];

/** Builds every event of a run for one producer (see `kiln-producer.ts`). */
export class RunEventBuilder {
  readonly #producer: string;

  /** `producer`: an absolute URI naming the software that emits the events. */
  constructor(producer: string) {
    if (typeof producer !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(producer)) {
      throw invalid('producer', 'an absolute URI', producer);
    }
    this.#producer = producer;
  }

  get producer(): string {
    return this.#producer;
  }

  start(input: LineageRunInput): OpenLineageRunEvent {
    return this.build('START', input);
  }

  complete(input: LineageRunInput): OpenLineageRunEvent {
    return this.build('COMPLETE', input);
  }

  /** `input.error` is required: it becomes the `errorMessage` run facet. */
  fail(input: LineageRunInput): OpenLineageRunEvent {
    return this.build('FAIL', input);
  }

  abort(input: LineageRunInput): OpenLineageRunEvent {
    return this.build('ABORT', input);
  }

  build(eventType: LineageEventType, input: LineageRunInput): OpenLineageRunEvent {
    if (!EVENT_TYPES.includes(eventType)) throw invalid('eventType', EVENT_TYPES.join(', '), eventType);
    if (!isUuid(input.runId)) throw invalid('runId', 'a UUID', input.runId);
    const p = this.#producer;
    const runFacets: Record<string, OpenLineageFacet> = {};
    if (eventType === 'FAIL') {
      if (!input.error) throw invalid('error', 'the error of the failed run', input.error);
      runFacets.errorMessage = errorMessageFacet(p, input.error);
    }
    return {
      eventType,
      eventTime: isoTime(input.eventTime),
      producer: p,
      schemaURL: RUN_EVENT_SCHEMA_URL,
      run: { runId: input.runId.toLowerCase(), ...(hasKeys(runFacets) ? { facets: runFacets } : {}) },
      job: {
        namespace: nonEmpty(input.jobNamespace, 'jobNamespace'),
        name: nonEmpty(input.jobName, 'jobName'),
        facets: { jobType: jobTypeFacet(p) },
      },
      inputs: (input.inputs ?? []).map((d, i) => this.#input(d, `inputs[${i}]`)),
      outputs: (input.outputs ?? []).map((d, i) => this.#output(d, `outputs[${i}]`)),
    };
  }

  #input(d: LineageDataset, at: string): OpenLineageInputDataset {
    const inputFacets: Record<string, OpenLineageFacet> = {};
    if (d.metrics)
      inputFacets.dataQualityMetrics = dataQualityMetricsFacet(this.#producer, d.metrics, 'input', at);
    if (d.assertions?.length) {
      inputFacets.dataQualityAssertions = dataQualityAssertionsFacet(this.#producer, d.assertions, at);
    }
    return { ...this.#dataset(d, at), ...(hasKeys(inputFacets) ? { inputFacets } : {}) };
  }

  #output(d: LineageDataset, at: string): OpenLineageOutputDataset {
    const base = this.#dataset(d, at);
    const facets: Record<string, OpenLineageFacet> = { ...base.facets };
    const outputFacets: Record<string, OpenLineageFacet> = {};
    if (d.metrics) {
      facets.dataQualityMetrics = dataQualityMetricsFacet(this.#producer, d.metrics, 'dataset', at);
      if (d.metrics.rowCount !== undefined) {
        outputFacets.outputStatistics = outputStatisticsFacet(this.#producer, d.metrics, at);
      }
    }
    if (d.assertions?.length) {
      facets.dataQualityAssertions = dataQualityAssertionsFacet(this.#producer, d.assertions, at);
    }
    return {
      namespace: base.namespace,
      name: base.name,
      ...(hasKeys(facets) ? { facets } : {}),
      ...(hasKeys(outputFacets) ? { outputFacets } : {}),
    };
  }

  #dataset(d: LineageDataset, at: string): { namespace: string; name: string; facets?: FacetMap } {
    const p = this.#producer;
    const facets: Record<string, OpenLineageFacet> = {};
    if (d.fields) facets.schema = schemaFacet(p, d.fields, at);
    if (d.dataSource) {
      facets.dataSource = dataSourceFacet(p, {
        name: withoutCredentials(nonEmpty(d.dataSource.name, `${at}.dataSource.name`), true),
        ...(d.dataSource.uri !== undefined ? { uri: withoutCredentials(d.dataSource.uri, true) } : {}),
      });
    }
    if (d.version !== undefined) facets.version = versionFacet(p, nonEmpty(d.version, `${at}.version`));
    return {
      namespace: withoutCredentials(nonEmpty(d.namespace, `${at}.namespace`)),
      name: nonEmpty(d.name, `${at}.name`),
      ...(hasKeys(facets) ? { facets } : {}),
    };
  }
}

// A string must say its offset: without one, `new Date()` would read it in the local time zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function isoTime(t: Date | string): string {
  const d = t instanceof Date ? t : typeof t === 'string' && DATE_TIME.test(t) ? new Date(t) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw invalid('eventTime', 'a Date or an ISO 8601 date-time with offset', t);
  }
  return d.toISOString();
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'a non-empty string', value);
  return value;
}

function hasKeys(o: object): boolean {
  return Object.keys(o).length > 0;
}
