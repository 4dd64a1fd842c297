/**
 * @module store/schema
 * Row types of the metadata store's tables, as Kysely sees them. JSON columns hold canonical text
 * (`*_json`); times are ISO-8601 UTC strings, except the job scheduler's instants, which are epoch
 * milliseconds so that "due" is a numeric comparison on both dialects.
 */
import type { Generated } from 'kysely';

export interface ModelsTable {
  name: string;
  description: string;
  owner: string;
  tags_json: string;
  created_at: string;
  updated_at: string;
}

export interface ModelVersionsTable {
  model_name: string;
  version: number;
  /** PENDING → READY | FAILED */
  status: string;
  status_message: string;
  description: string;
  artifact_digest: string | null;
  size_bytes: number | null;
  signature_json: string | null;
  onnx_json: string | null;
  feature_schema_json: string | null;
  metrics_json: string;
  params_json: string;
  lineage_json: string;
  tags_json: string;
  card_json: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ModelAliasesTable {
  model_name: string;
  alias: string;
  version: number;
  updated_by: string;
  updated_at: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  secret: string;
  events_json: string;
  model_name: string | null;
  created_by: string;
  created_at: string;
}

export interface JobsTable {
  id: string;
  type: string;
  payload_json: string;
  /** queued | running | succeeded | failed | cancelled */
  status: string;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  run_at_ms: number;
  lease_until_ms: number | null;
  locked_by: string | null;
  progress: number;
  progress_message: string;
  result_json: string | null;
  error: string | null;
  cancel_requested: number;
  schedule_name: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface JobSchedulesTable {
  name: string;
  type: string;
  cron: string;
  payload_json: string;
  next_run_at_ms: number;
  max_attempts: number;
  created_by: string;
  created_at: string;
}

export interface AuditEventsTable {
  seq: number;
  time: string;
  actor: string;
  action: string;
  resource: string;
  details_digest: string;
  /** The event serialised as RFC 8785 canonical JSON: the exact bytes hashed into the Merkle leaf. */
  canonical: string;
  leaf_hash: string;
}

export interface AuditCheckpointsTable {
  tree_size: number;
  root_hash: string;
  time: string;
  key_id: string;
  signature: string;
}

export interface TokensTable {
  name: string;
  token_hash: string;
  /** First characters of the token, shown in listings so a user can tell tokens apart. */
  prefix: string;
  role: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** Named counters that change whenever a family of state changes (serving replicas poll them). */
export interface RevisionsTable {
  name: string;
  revision: number;
}

export interface DeploymentsTable {
  name: string;
  /** `model@version` or `model@alias`. */
  model_ref: string;
  settings_json: string;
  public: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DatasetsTable {
  name: string;
  description: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DatasetVersionsTable {
  dataset: string;
  version: number;
  /** Digest of the input files' digests and the spec: equal keys mean an unchanged re-run. */
  version_key: string;
  artifact_digest: string;
  size_bytes: number | string;
  row_count: number | string;
  schema_json: string;
  profile_json: string;
  validation_json: string | null;
  lineage_json: string;
  pipeline_run_id: string | null;
  created_by: string;
  created_at: string;
}

export interface PipelineRunsTable {
  id: string;
  pipeline: string;
  spec_digest: string;
  version_key: string | null;
  /** RUNNING, COMPLETED or FAILED. */
  status: string;
  started_at: string;
  ended_at: string | null;
  dataset_version: number | null;
  reused: number;
  summary_json: string | null;
  error_code: string | null;
  error_message: string | null;
  created_by: string;
}

export interface MonitorsTable {
  name: string;
  deployment: string;
  config_json: string;
  /** Reference-chunk statistics for sigma alert rules (computed once per reference). */
  baseline_json: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface MonitorMetricsTable {
  id: string;
  monitor: string;
  /** The reference dataset version the window was compared with. */
  dataset: string;
  window_start: string;
  window_end: string;
  /** `dataset` or a column name. */
  entity: string;
  name: string;
  value: number | null;
  tags_json: string;
  created_at: string;
}

export interface MonitorRunsTable {
  id: string;
  monitor: string;
  window_start: string;
  window_end: string;
  /** OK, DRIFT, EMPTY_WINDOW or FAILED. */
  status: string;
  report_json: string | null;
  alerts_json: string;
  created_at: string;
}

export interface Database {
  monitors: MonitorsTable;
  monitor_metrics: MonitorMetricsTable;
  monitor_runs: MonitorRunsTable;
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
  pipeline_runs: PipelineRunsTable;
  deployments: DeploymentsTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
  webhooks: WebhooksTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  audit_events: AuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
  tokens: TokensTable;
  revisions: RevisionsTable;
}

/** Kept for migrations that add tables with generated keys later. */
export type { Generated };
