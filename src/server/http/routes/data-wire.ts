/**
 * @module server/http/routes/data-wire
 * The wire (snake_case JSON) form of dataset versions and pipeline runs, shared by the routes and
 * the CLI (which imports this small module, not the routes).
 */
import type { DatasetVersion } from '../../../ingest/datasets/dataset-types.js';
import type { PipelineRun } from '../../../ingest/runs/pipeline-run-service.js';

/** The version without its (large) profile; `GET …/profile` returns that. */
export function versionToWire(v: DatasetVersion, withProfile = false) {
  return {
    dataset: v.dataset,
    version: v.version,
    ref: v.ref,
    digest: v.digest,
    size_bytes: v.sizeBytes,
    row_count: v.rowCount,
    schema: v.schema,
    validation: v.validation,
    lineage: v.lineage,
    pipeline_run_id: v.pipelineRunId,
    version_key: v.versionKey,
    created_by: v.createdBy,
    created_at: v.createdAt,
    ...(withProfile ? { profile: v.profile } : {}),
  };
}

export function runToWire(r: PipelineRun) {
  return {
    id: r.id,
    pipeline: r.pipeline,
    status: r.status,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    dataset: r.dataset,
    reused: r.reused,
    summary: r.summary,
    error: r.error,
    spec_digest: r.specDigest,
    version_key: r.versionKey,
    created_by: r.createdBy,
  };
}
