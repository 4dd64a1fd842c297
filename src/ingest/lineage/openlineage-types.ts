/**
 * @module ingest/lineage/openlineage-types
 * The OpenLineage 2-0-2 wire format Kiln emits (https://openlineage.io/spec/2-0-2/OpenLineage.json):
 * a RunEvent with its run, job, input and output datasets and their facets. Only the parts Kiln
 * fills are typed; a consumer must accept any further facet.
 */
import type { LineageEventType } from './lineage-types.js';

/** The spec version of the core model. */
export const OPENLINEAGE_SPEC_VERSION = '2-0-2';

/** `schemaURL` of every RunEvent Kiln emits. */
export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

/** What every facet carries: who produced it and the JSON Schema it follows. */
export interface OpenLineageFacet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly [field: string]: unknown;
}

export type FacetMap = Readonly<Record<string, OpenLineageFacet>>;

export interface OpenLineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: FacetMap;
}

export interface OpenLineageInputDataset extends OpenLineageDataset {
  readonly inputFacets?: FacetMap;
}

export interface OpenLineageOutputDataset extends OpenLineageDataset {
  readonly outputFacets?: FacetMap;
}

export interface OpenLineageRunEvent {
  readonly eventType: LineageEventType;
  /** ISO 8601 with offset (`toISOString()`, UTC). */
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string; readonly facets?: FacetMap };
  readonly job: { readonly namespace: string; readonly name: string; readonly facets?: FacetMap };
  readonly inputs: readonly OpenLineageInputDataset[];
  readonly outputs: readonly OpenLineageOutputDataset[];
}
