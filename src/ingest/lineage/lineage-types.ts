/**
 * @module ingest/lineage/lineage-types
 * The plain inputs of the OpenLineage event builders: what the pipeline runner knows about a run
 * (its id, the job, the time, the datasets read and written, the error) in Kiln's own words. The
 * builders in `openlineage-event.ts` turn these into OpenLineage 2-0-2 RunEvents; nothing here
 * depends on the OpenLineage wire format.
 */

/** The run-state transitions Kiln reports: one START, then one of COMPLETE, FAIL or ABORT. */
export type LineageEventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

/** A column of a dataset (SchemaDatasetFacet field). */
export interface LineageField {
  readonly name: string;
  /** The engine's type name, e.g. DuckDB's `BIGINT`, `VARCHAR`. */
  readonly type?: string;
  readonly description?: string;
}

/** Where a dataset lives (DatasourceDatasetFacet). Never put credentials in `uri`. */
export interface LineageDataSource {
  readonly name: string;
  readonly uri?: string;
}

/** Statistics of one column. Counts are integers ≥ 0; min, max and quantiles are numbers. */
export interface LineageColumnMetrics {
  readonly nullCount?: number;
  readonly distinctCount?: number;
  readonly sum?: number;
  readonly count?: number;
  readonly min?: number;
  readonly max?: number;
  /** Quantile level (`"0.25"`) → value. */
  readonly quantiles?: Readonly<Record<string, number>>;
}

/** Statistics of a dataset (DataQualityMetrics facets). */
export interface LineageMetrics {
  readonly rowCount?: number;
  readonly bytes?: number;
  readonly fileCount?: number;
  /** Column name → its statistics (may be empty). */
  readonly columnMetrics: Readonly<Record<string, LineageColumnMetrics>>;
}

/** The outcome of one data quality check (DataQualityAssertions facet). */
export interface LineageAssertion {
  /** The kind of check, e.g. `expect_column_values_to_not_be_null`. */
  readonly assertion: string;
  readonly success: boolean;
  /** The column checked; absent for a check on the whole dataset. */
  readonly column?: string;
}

/**
 * A dataset read or written by a run. `namespace` + `name` identify it across every producer
 * (see `lineage-datasets.ts` for Kiln's conventions); every other field is optional and becomes a
 * facet only when given.
 */
export interface LineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly dataSource?: LineageDataSource;
  readonly fields?: readonly LineageField[];
  /** The dataset's version (DatasetVersionDatasetFacet), e.g. the Kiln version number or a digest. */
  readonly version?: string;
  readonly metrics?: LineageMetrics;
  readonly assertions?: readonly LineageAssertion[];
}

/** What went wrong in a failed run (ErrorMessageRunFacet). */
export interface LineageError {
  readonly message: string;
  readonly stackTrace?: string;
}

/** Everything a builder needs for one event of one run. */
export interface LineageRunInput {
  /** UUID (v4 or v7) of the run; the same for every event of the run. */
  readonly runId: string;
  readonly jobNamespace: string;
  /** The pipeline's name. */
  readonly jobName: string;
  /** When the transition happened (a Date or an ISO 8601 date-time with offset). */
  readonly eventTime: Date | string;
  readonly inputs?: readonly LineageDataset[];
  readonly outputs?: readonly LineageDataset[];
  /** Required for FAIL; ignored otherwise. */
  readonly error?: LineageError;
}
