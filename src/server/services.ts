/**
 * @module server/services
 * What the composition root hands to the transports: the resolved configuration, the stores and
 * the stage services. Transports (HTTP routes, gRPC methods, CLI) only decode, call these, encode.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { KilnConfig } from '../core/config.js';
import type { DeploymentService } from '../deploy/deployment-service.js';
import type { DatasetService } from '../ingest/datasets/dataset-service.js';
import type { PipelineRunService } from '../ingest/runs/pipeline-run-service.js';
import type { PipelineRunner } from '../ingest/pipeline-runner.js';
import type { DataChecks } from '../ingest/data-checks.js';
import type { FeedbackService } from '../monitor/feedback/feedback-service.js';
import type { MonitorService } from '../monitor/monitors/monitor-service.js';
import type { AuditLog } from '../govern/audit/audit-log.js';
import type { CheckpointSigner } from '../govern/audit/checkpoint-signer.js';
import type { TokenService } from '../govern/auth/token-service.js';
import type { OutboundPolicy } from '../govern/network/outbound-policy.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { UploadStaging } from '../registry/upload-staging.js';
import type { WebhookService } from '../registry/webhooks/webhook-service.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';

export interface KilnServices {
  readonly config: KilnConfig;
  /** Absolute path of the workspace folder (the one holding kiln.yaml and .kiln/). */
  readonly workspaceDir: string;
  /** The environment the configuration was resolved from (to report where values came from). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly audit: AuditLog;
  readonly signer: CheckpointSigner;
  readonly tokens: TokenService;
  readonly jobs: JobQueue;
  readonly outbound: OutboundPolicy;
  readonly registry: RegistryService;
  readonly webhooks: WebhookService;
  readonly uploads: UploadStaging;
  readonly deployments: DeploymentService;
  readonly datasets: DatasetService;
  readonly pipelineRuns: PipelineRunService;
  readonly pipelines: PipelineRunner;
  readonly dataChecks: DataChecks;
  /** Ground-truth labels and model performance (docs/feedback.md). */
  readonly feedback: FeedbackService;
  readonly monitors: MonitorService;
}
