/**
 * @module monitor/inference-log/open-inference-log
 * Builds the inference log for a Kiln: Parquet segments under `.kiln/inference-log/` when the
 * metadata store is SQLite (embedded mode), the `inference_log` table when it is PostgreSQL
 * (scaled mode); PII hashed with the salt in `.kiln/keys/`.
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { STATE_DIR } from '../../workspace/find-workspace.js';
import { InferenceLogSink } from './inference-log-sink.js';
import { LogSettingsTracker } from './log-settings-tracker.js';
import type { LogWriter } from './log-writer.js';
import { ParquetLogWriter } from './parquet-log-writer.js';
import { lazyPiiHasher } from './pii-salt.js';
import { PostgresLogWriter } from './postgres-log-writer.js';
import { inferenceLogDir } from './segment-paths.js';

export interface InferenceLogOptions {
  readonly maxBufferedRows?: number;
  readonly flushRows?: number;
  readonly flushIntervalMs?: number;
}

export interface InferenceLogDeps {
  readonly workspaceDir: string;
  readonly store: MetadataStore;
  readonly clock: Clock;
  readonly logger: { error(o: object, m: string): void };
}

export interface InferenceLog {
  readonly sink: InferenceLogSink;
  readonly tracker: LogSettingsTracker;
}

export function createInferenceLog(
  deps: InferenceLogDeps,
  registry: Registry,
  options: InferenceLogOptions = {},
): InferenceLog {
  const writer: LogWriter =
    deps.store.dialect === 'postgres'
      ? new PostgresLogWriter(deps.store)
      : new ParquetLogWriter(inferenceLogDir(deps.workspaceDir), { clock: deps.clock });
  const tracker = new LogSettingsTracker();
  const sink = new InferenceLogSink({
    writer,
    settingsOf: (deployment, version) => tracker.settingsOf(deployment, version),
    hash: lazyPiiHasher(join(deps.workspaceDir, STATE_DIR, 'keys')),
    registry,
    logger: deps.logger,
    ...options,
  });
  return { sink, tracker };
}
