/**
 * @module ingest/datasets/dataset-types
 * What a dataset version is: an immutable Parquet file in the artifact store with its digest,
 * schema, row count, profile, validation summary and lineage (sources with their digests, the
 * pipeline run, the fitted parameters of every step).
 */
import type { DataProfile } from '../../validate/profile-types.js';

export interface DatasetColumn {
  readonly name: string;
  /** DuckDB's type name. */
  readonly type: string;
}

export interface LineageFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface LineageSource {
  readonly name: string;
  readonly type: string;
  /** The files read (csv/parquet/json); null for a database source. */
  readonly files: readonly LineageFile[] | null;
  /** For a database source: the query or table (never the URL's password). */
  readonly query?: string;
  readonly location?: string;
  readonly rowCount: number;
}

export interface LineageStep {
  readonly index: number;
  readonly kind: string;
  /** The fitted parameters (means, medians, vocabularies, scales…), to replay the same transform. */
  readonly params: unknown;
}

export interface DatasetLineage {
  readonly pipeline: string | null;
  readonly specDigest: string | null;
  readonly pipelineRunId: string | null;
  readonly sources: readonly LineageSource[];
  readonly steps: readonly LineageStep[];
  /** For a quarantine dataset: the dataset whose failing rows it holds. */
  readonly quarantineOf?: string;
}

/** The part of a validation result kept with a version (the full result is in the pipeline run). */
export interface ValidationSummary {
  readonly suite: string;
  readonly success: boolean;
  readonly evaluated: number;
  readonly failed: number;
  readonly failedExpectations: readonly string[];
  readonly onFail: 'block' | 'warn' | 'quarantine';
  readonly quarantinedRows?: number;
}

export interface DatasetVersion {
  readonly dataset: string;
  readonly version: number;
  /** `name@version`. */
  readonly ref: string;
  readonly versionKey: string;
  /** SHA-256 of the Parquet file. */
  readonly digest: string;
  readonly sizeBytes: number;
  readonly rowCount: number;
  readonly schema: readonly DatasetColumn[];
  readonly profile: DataProfile;
  readonly validation: ValidationSummary | null;
  readonly lineage: DatasetLineage;
  readonly pipelineRunId: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface DatasetSummary {
  readonly name: string;
  readonly description: string | null;
  readonly latestVersion: number | null;
  readonly versions: number;
  readonly rowCount: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewDatasetVersion {
  readonly dataset: string;
  /** A Parquet file to store (copied into the artifact store; the caller removes its own copy). */
  readonly parquetPath: string;
  readonly versionKey: string;
  readonly schema: readonly DatasetColumn[];
  readonly rowCount: number;
  readonly profile: DataProfile;
  readonly validation: ValidationSummary | null;
  readonly lineage: DatasetLineage;
  readonly pipelineRunId: string | null;
  readonly description?: string;
}
