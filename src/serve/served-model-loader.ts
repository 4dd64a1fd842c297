/**
 * @module serve/served-model-loader
 * Turns a deployment at a version into a served model: reads the verified ONNX bytes, loads them
 * in the model runtime (warmed before it is returned), puts a dynamic batcher in front, and wires
 * the batch-size, load-time and execution counters. `retire()` drains the batcher, then releases
 * the runtime, so requests already accepted are answered.
 */
import { availableParallelism } from 'node:os';
import type { Deployment } from '../deploy/deployment-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import { DynamicBatcher } from './batching/dynamic-batcher.js';
import { resolveExecution } from './execution-plan.js';
import type { ManagedModel, ServedModelLoader, StandInFactory } from './model-manager.js';
import { servedKey } from './model-manager.js';
import type { ModelRuntime } from './model-runtime.js';
import { emptyStats, type ServedStats } from './served-model.js';
import type { ServedLabels, ServingMetrics } from './serving-metrics.js';

export interface LoaderDeps {
  readonly runtime: ModelRuntime;
  readonly metrics: ServingMetrics;
  /** CPU cores to plan threads for (default: os.availableParallelism()). */
  readonly cores?: number;
}

function labelsOf(d: Deployment, version: number, model: string): ServedLabels {
  return { deployment: d.name, model, version: String(version) };
}

function modelName(ref: string): string {
  return ref.slice(0, ref.indexOf('@'));
}

export function createServedModelLoader(deps: LoaderDeps): ServedModelLoader {
  const cores = deps.cores ?? availableParallelism();
  return async (
    deployment: Deployment,
    version: number,
    registry: RegistryService,
  ): Promise<ManagedModel> => {
    const model = modelName(deployment.model);
    const labels = labelsOf(deployment, version, model);
    const started = process.hrtime.bigint();
    const { bytes, version: mv } = await registry.readModelBytes(`${model}@${version}`);
    const plan = await resolveExecution(
      deps.runtime,
      bytes,
      deployment.settings,
      cores,
      `${deployment.name}:${model}@${version}`,
    );
    const loaded = plan.loaded;
    deps.metrics.modelLoadDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    const stats: ServedStats = emptyStats();
    const s = deployment.settings;
    const batcher = new DynamicBatcher((inputs, outputNames) => loaded.run(inputs, outputNames), {
      maxBatchSize: s.maxBatchSize,
      maxQueueDelayMicros: s.maxQueueDelayMicros,
      preferredBatchSizes: s.preferredBatchSizes,
      maxQueueSize: s.maxQueueSize,
      defaultTimeoutMicros: s.timeoutMicros,
      maxInFlightBatches: Math.max(1, plan.workers),
      modelOutputNames: loaded.signature.outputs.map((o) => o.name),
      onBatch: (e) => {
        deps.metrics.forModel(labels).batchSize.observe(e.size);
        if (e.ok) stats.executionCount++;
      },
    });
    let retired: Promise<void> | null = null;
    return {
      key: servedKey(deployment, version),
      deployment: deployment.name,
      model,
      version: mv.version,
      public: deployment.public,
      state: 'READY',
      error: null,
      signature: loaded.signature,
      maxBatchSize: s.maxBatchSize,
      labels,
      stats,
      execution: {
        mode: loaded.mode,
        workers: plan.workers,
        intraOpThreads: plan.intraOpNumThreads,
        probeMicros: plan.measuredMicros,
      },
      async infer(inputs, outputNames, batchSize) {
        const r = await batcher.submit({ inputs, ...(outputNames ? { outputNames } : {}), batchSize });
        return {
          outputs: r.outputs,
          queueSeconds: r.queueMicros / 1e6,
          computeSeconds: r.computeMicros / 1e6,
          batchSize: r.batchSize,
        };
      },
      retire() {
        retired ??= (async () => {
          await batcher.close();
          await loaded.close();
        })();
        return retired;
      },
    };
  };
}

/** The entry shown while a deployment loads for the first time, or after it failed to load. */
export const standInModel: StandInFactory = (deployment, version, state, error) => ({
  key: `${state}:${servedKey(deployment, version)}`,
  deployment: deployment.name,
  model: modelName(deployment.model),
  version,
  public: deployment.public,
  state,
  error,
  signature: null,
  maxBatchSize: deployment.settings.maxBatchSize,
  labels: labelsOf(deployment, version, modelName(deployment.model)),
  stats: emptyStats(),
  async infer() {
    throw new Error('a stand-in for a deployment that is not loaded does not serve');
  },
  async retire() {},
});
