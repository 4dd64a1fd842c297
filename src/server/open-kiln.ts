/**
 * @module server/open-kiln
 * The composition root: resolves configuration for a workspace and builds every service in
 * dependency order. `close()` closes them in reverse order. Nothing here reads `process.env`
 * itself: the caller passes the environment in.
 */

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../core/clock.js';
import { type ConfigOverrides, type KilnConfig, readConfigFile, resolveConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { DatasetService } from '../ingest/datasets/dataset-service.js';
import { PipelineRunService } from '../ingest/runs/pipeline-run-service.js';
import { createLineageSink, resolveLineageFile } from '../ingest/lineage/create-lineage-sink.js';
import { kilnProducer, readKilnVersion } from '../ingest/lineage/kiln-producer.js';
import { LineageEmitter } from '../ingest/lineage/lineage-emitter.js';
import { RunEventBuilder } from '../ingest/lineage/openlineage-event.js';
import { PipelineRunner, workspaceNameOf } from '../ingest/pipeline-runner.js';
import { DataChecks } from '../ingest/data-checks.js';
import { FeedbackService } from '../monitor/feedback/feedback-service.js';
import { MonitorService } from '../monitor/monitors/monitor-service.js';
import { DeploymentService } from '../deploy/deployment-service.js';
import { CheckpointSigner } from '../govern/audit/checkpoint-signer.js';
import { SqlAuditLog } from '../govern/audit/sql-audit-log.js';
import { TokenService } from '../govern/auth/token-service.js';
import { OutboundPolicy } from '../govern/network/outbound-policy.js';
import { EmbeddedJobQueue } from '../jobs/embedded/embedded-job-queue.js';
import { RegistryService } from '../registry/registry-service.js';
import { UploadStaging } from '../registry/upload-staging.js';
import { WebhookService } from '../registry/webhooks/webhook-service.js';
import { FsArtifactStore } from '../store/fs/fs-artifact-store.js';
import { openMetadataStore } from '../store/open-metadata-store.js';
import { CONFIG_FILE, STATE_DIR } from '../workspace/find-workspace.js';
import type { KilnServices } from './services.js';

export interface OpenKilnOptions {
  readonly workspaceDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: ConfigOverrides;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Identifies this process's job workers in leases. */
  readonly workerId?: string;
}

export interface Kiln extends KilnServices {
  close(): Promise<void>;
}

export function loadWorkspaceConfig(
  workspaceDir: string,
  env: OpenKilnOptions['env'],
  overrides?: ConfigOverrides,
): KilnConfig {
  const file = join(workspaceDir, CONFIG_FILE);
  return resolveConfig({
    file: existsSync(file) ? readConfigFile(file) : undefined,
    fileName: file,
    env: env ?? {},
    overrides: overrides ?? {},
  });
}

export async function openKiln(options: OpenKilnOptions): Promise<Kiln> {
  const workspaceDir = resolve(options.workspaceDir);
  const config = loadWorkspaceConfig(workspaceDir, options.env, options.overrides);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.log.level);
  const stateDir = join(workspaceDir, STATE_DIR);

  const closers: Array<() => Promise<void>> = [];
  try {
    const store = await openMetadataStore(config.store.url, { baseDir: workspaceDir });
    closers.push(() => store.close());
    const artifacts = new FsArtifactStore(resolve(workspaceDir, config.artifacts.path));
    const signer = await CheckpointSigner.loadOrCreate(join(stateDir, 'keys'));
    const audit = new SqlAuditLog(store, signer, clock, {
      checkpointFile: join(stateDir, 'audit-checkpoints.jsonl'),
    });
    // Closed before the store: its last act is to flush the checkpoint file.
    closers.push(() => audit.close());
    const tokens = new TokenService(store, audit, clock);
    const jobs = new EmbeddedJobQueue(store, audit, clock, {
      concurrency: config.jobs.concurrency,
      pollIntervalMs: config.jobs.poll_interval_ms,
      leaseMs: config.jobs.lease_ms,
      ...(options.workerId ? { workerId: options.workerId } : {}),
      logger,
    });
    closers.push(() => jobs.close());
    const outbound = new OutboundPolicy(config.network.allow);
    const webhooks = new WebhookService(store, audit, jobs, outbound, clock);
    webhooks.register(jobs);
    const registry = new RegistryService({ store, artifacts, audit, events: webhooks, clock });

    const uploads = new UploadStaging(join(stateDir, 'uploads'));
    const deployments = new DeploymentService(store, audit, registry, clock);
    const datasets = new DatasetService(store, artifacts, audit, clock);
    const pipelineRuns = new PipelineRunService(store, audit, clock);
    const lineageSink = createLineageSink(
      {
        file: resolveLineageFile(workspaceDir, config.lineage.file),
        url: config.lineage.url === '' ? null : config.lineage.url,
      },
      outbound,
      logger,
    );
    const dataChecks = new DataChecks(datasets);
    const feedback = new FeedbackService({
      workspaceDir,
      deployments,
      audit,
      clock,
      dialect: store.dialect,
      ...(config.data.duckdb_memory_limit ? { duckdbMemoryLimit: config.data.duckdb_memory_limit } : {}),
    });
    const monitors = new MonitorService({
      store,
      audit,
      clock,
      jobs,
      deployments,
      registry,
      datasets,
      events: webhooks,
      logger,
      workspaceDir,
      exactMaxRows: config.drift.exact_max_rows,
      ...(config.data.duckdb_memory_limit ? { memoryLimit: config.data.duckdb_memory_limit } : {}),
    });
    monitors.register(jobs);
    const pipelines = new PipelineRunner({
      datasets,
      runs: pipelineRuns,
      lineage: new LineageEmitter(new RunEventBuilder(kilnProducer(readKilnVersion())), lineageSink, logger),
      workspaceDir,
      workspaceName: workspaceNameOf(workspaceDir),
      ...(config.data.duckdb_memory_limit ? { duckdbMemoryLimit: config.data.duckdb_memory_limit } : {}),
    });

    let closed = false;
    return {
      config,
      workspaceDir,
      env: options.env ?? {},
      clock,
      logger,
      store,
      artifacts,
      audit,
      signer,
      tokens,
      jobs,
      outbound,
      registry,
      webhooks,
      uploads,
      deployments,
      datasets,
      pipelineRuns,
      pipelines,
      dataChecks,
      monitors,
      feedback,
      async close() {
        if (closed) return;
        closed = true;
        await closeAll(closers);
      },
    };
  } catch (e) {
    await closeAll(closers);
    throw e;
  }
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) {
    try {
      await close();
    } catch {
      // Keep closing the rest; a failed close must not leak the others.
    }
  }
}
