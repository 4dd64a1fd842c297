/**
 * @module server/serving
 * The data plane's composition: metrics, the model manager (which loads every deployment and
 * follows changes), the protocol-neutral data plane, the inference sink, and the HTTP route modules
 * that expose them. `kiln serve` builds one; tests build one on a test workspace.
 *
 * The default sink is the inference log (`monitor/inference-log/`): it learns each deployment's
 * log settings and feature schema through the model loader, and its retention job is registered
 * on the job queue here and scheduled hourly by `start()`.
 */
import { createInferenceLog, type InferenceLogOptions } from '../monitor/inference-log/open-inference-log.js';
import { registerRetentionJob, scheduleRetention } from '../monitor/inference-log/retention.js';
import { DataPlane } from '../serve/data-plane.js';
import { type InferenceSink, nullInferenceSink } from '../serve/inference-sink.js';
import { ModelManager } from '../serve/model-manager.js';
import type { ModelRuntime } from '../serve/model-runtime.js';
import { OnnxModelRuntime } from '../serve/onnx/onnx-runtime.js';
import { createServedModelLoader, standInModel } from '../serve/served-model-loader.js';
import { ServingMetrics } from '../serve/serving-metrics.js';
import type { RouteModule } from './http/http-app.js';
import { inferenceRoutes } from './http/routes/inference.js';
import { metricsRoutes } from './http/routes/metrics.js';
import type { KilnServices } from './services.js';

export const KILN_VERSION = '0.1.0';

export interface Serving {
  readonly metrics: ServingMetrics;
  readonly manager: ModelManager;
  readonly dataPlane: DataPlane;
  readonly routes: readonly RouteModule[];
  /** Loads every deployment and starts following changes. */
  start(): Promise<void>;
  /** Stops accepting inference; in-flight requests finish. */
  stopAccepting(): void;
  close(): Promise<void>;
}

export interface ServingOptions {
  readonly runtime?: ModelRuntime;
  /** Replaces the inference log (which is the default sink). */
  readonly sink?: InferenceSink;
  /** Buffer and flush settings of the inference log. */
  readonly inferenceLog?: InferenceLogOptions;
  readonly pollMs?: number;
  readonly defaultMetrics?: boolean;
}

export function createServing(services: KilnServices, options: ServingOptions = {}): Serving {
  const metrics = new ServingMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  const runtime = options.runtime ?? new OnnxModelRuntime();
  const log = options.sink ? null : createInferenceLog(services, metrics.registry, options.inferenceLog);
  const sink = log?.sink ?? options.sink ?? nullInferenceSink;
  const load = createServedModelLoader({ runtime, metrics });
  registerRetentionJob(services.jobs, services);
  services.monitors.attachMetrics(metrics.registry);
  const manager = new ModelManager({
    deployments: services.deployments,
    registry: services.registry,
    load: log ? log.tracker.wrap(load) : load,
    standIn: standInModel,
    logger: services.logger,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  const dataPlane = new DataPlane({ models: manager, metrics, sink, version: KILN_VERSION });
  let closed: Promise<void> | null = null;
  return {
    metrics,
    manager,
    dataPlane,
    routes: [inferenceRoutes(dataPlane), metricsRoutes(metrics)],
    async start() {
      await scheduleRetention(services.jobs);
      await manager.start();
    },
    stopAccepting: () => dataPlane.stopAccepting(),
    close() {
      closed ??= (async () => {
        dataPlane.stopAccepting();
        await manager.close();
        await sink.close();
        await runtime.close();
      })();
      return closed;
    },
  };
}
