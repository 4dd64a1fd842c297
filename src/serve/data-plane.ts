/**
 * @module serve/data-plane
 * The Open Inference Protocol's semantics, independent of transport: health, server and model
 * metadata, model readiness, inference and Triton-style statistics. REST and gRPC only decode into
 * these calls and encode what they return. `{m}` is a deployment name and `{v}` the registry
 * version number the deployment serves.
 *
 * Inference: the request is checked against the signature (so a bad request never joins a batch),
 * runs through the deployment's batcher, is measured, and is handed to the inference sink after
 * the answer is ready — never awaited.
 */
import { randomUUID } from 'node:crypto';
import { isKilnError, KilnError } from '../core/errors.js';
import { soon } from '../core/soon.js';
import type { TensorSpec } from '../registry/onnx/model-signature.js';
import type { InferenceSink } from './inference-sink.js';
import type { InferRequest, InferResponse } from './protocol/infer-types.js';
import { checkAgainstSignature } from './protocol/signature-check.js';
import type { ServedModel, ServedModels } from './served-model.js';
import type { ServingMetrics } from './serving-metrics.js';

export const SERVER_NAME = 'kiln';
export const SERVER_EXTENSIONS = ['binary_tensor_data', 'model_stats'] as const;
export const PLATFORM = 'onnxruntime_onnx';

export interface ModelMetadata {
  readonly name: string;
  readonly versions: string[];
  readonly platform: string;
  readonly inputs: { name: string; datatype: string; shape: number[] }[];
  readonly outputs: { name: string; datatype: string; shape: number[] }[];
}

export interface DataPlaneDeps {
  readonly models: ServedModels;
  readonly metrics: ServingMetrics;
  readonly sink: InferenceSink;
  readonly version: string;
}

export class DataPlane {
  readonly #deps: DataPlaneDeps;
  #accepting = true;

  constructor(deps: DataPlaneDeps) {
    this.#deps = deps;
  }

  live(): boolean {
    return true;
  }

  /** Ready when serving has started, every deployment was attempted, and shutdown has not begun. */
  ready(): boolean {
    return this.#accepting && this.#deps.models.ready();
  }

  /** Stops accepting inference (shutdown); in-flight requests finish. */
  stopAccepting(): void {
    this.#accepting = false;
  }

  serverMetadata(): { name: string; version: string; extensions: string[] } {
    return { name: SERVER_NAME, version: this.#deps.version, extensions: [...SERVER_EXTENSIONS] };
  }

  /** The served model, checked against an optional version; DEPLOYMENT_NOT_FOUND / MODEL_VERSION_NOT_FOUND. */
  served(name: string, version?: string): ServedModel {
    const served = this.#deps.models.get(name);
    if (!served) {
      throw new KilnError('DEPLOYMENT_NOT_FOUND', `Request for unknown model: '${name}' is not found`, {
        model: name,
      });
    }
    if (version !== undefined && version !== '' && version !== String(served.version)) {
      throw new KilnError(
        'MODEL_VERSION_NOT_FOUND',
        `Request for unknown model: '${name}' version ${version} is not found (it serves version ${served.version})`,
        { model: name, version },
      );
    }
    return served;
  }

  modelReady(name: string, version?: string): boolean {
    return this.#accepting && this.served(name, version).state === 'READY';
  }

  modelMetadata(name: string, version?: string): ModelMetadata {
    const served = this.served(name, version);
    const sig = served.signature;
    if (!sig) throw notReady(served);
    const view = (t: TensorSpec) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] });
    return {
      name: served.deployment,
      versions: [String(served.version)],
      platform: PLATFORM,
      inputs: sig.inputs.map(view),
      outputs: sig.outputs.map(view),
    };
  }

  async infer(name: string, version: string | undefined, request: InferRequest): Promise<InferResponse> {
    const receivedMs = Date.now();
    const start = performance.now();
    const served = this.served(name, version);
    const { metrics } = this.#deps;
    const labels = served.labels;
    try {
      if (!this.#accepting) throw new KilnError('UNAVAILABLE', 'the server is shutting down');
      if (served.state !== 'READY' || !served.signature) throw notReady(served);
      // max_batch_size ≤ 1 means "never merge requests"; a client may still send its own batch.
      const inputs = checkAgainstSignature(
        request,
        served.signature,
        served.maxBatchSize > 1 ? { maxBatchSize: served.maxBatchSize } : {},
      );
      const batchSize = batchSizeOf(inputs, served);
      const outputNames = request.outputs?.map((o) => o.name);
      const m = metrics.forModel(labels);
      m.pending.inc();
      let outcome: Awaited<ReturnType<ServedModel['infer']>>;
      try {
        outcome = await served.infer(inputs, outputNames, batchSize);
      } finally {
        m.pending.dec();
      }
      const totalSeconds = (performance.now() - start) / 1000;
      m.ok.inc();
      m.requestDuration.observe(totalSeconds);
      m.queueDuration.observe(outcome.queueSeconds);
      m.computeDuration.observe(outcome.computeSeconds);
      const stats = served.stats;
      stats.successCount++;
      stats.successNs += totalSeconds * 1e9;
      stats.queueNs += outcome.queueSeconds * 1e9;
      stats.computeNs += outcome.computeSeconds * 1e9;
      stats.inferenceCount += batchSize;
      stats.lastInferenceMs = Math.round(receivedMs + totalSeconds * 1000);
      const id = request.id ?? randomUUID();
      const response: InferResponse = {
        modelName: served.deployment,
        modelVersion: String(served.version),
        id,
        outputs: outcome.outputs,
      };
      this.#record(served, id, receivedMs, inputs, outcome, totalSeconds);
      return response;
    } catch (e) {
      const code = isKilnError(e) ? e.code : 'INTERNAL';
      metrics.requests.inc({ ...labels, code });
      served.stats.failCount++;
      served.stats.failNs += (performance.now() - start) * 1e6;
      throw e;
    }
  }

  /** Triton's `model_stats` for one deployment (or all when `name` is undefined). */
  stats(name?: string, version?: string): { model_stats: unknown[] } {
    const list = name === undefined ? this.#deps.models.list() : [this.served(name, version)];
    return {
      model_stats: list.map((m) => {
        const s = m.stats;
        const pair = (count: number, ns: number) => ({ count, ns: Math.round(ns) });
        return {
          name: m.deployment,
          version: String(m.version),
          last_inference: s.lastInferenceMs,
          inference_count: s.inferenceCount,
          execution_count: s.executionCount,
          inference_stats: {
            success: pair(s.successCount, s.successNs),
            fail: pair(s.failCount, s.failNs),
            queue: pair(s.successCount, s.queueNs),
            compute_infer: pair(s.successCount, s.computeNs),
          },
        };
      }),
    };
  }

  #record(
    served: ServedModel,
    requestId: string,
    receivedMs: number,
    inputs: readonly import('./tensor.js').Tensor[],
    outcome: { outputs: import('./tensor.js').Tensor[]; queueSeconds: number; computeSeconds: number },
    totalSeconds: number,
  ): void {
    const sink = this.#deps.sink;
    // Off the hot path: the answer does not wait for the sink, and a sink failure never reaches it.
    soon(() => {
      try {
        sink.record({
          requestId,
          deployment: served.deployment,
          model: served.model,
          version: served.version,
          receivedAt: new Date(receivedMs),
          inputs,
          outputs: outcome.outputs,
          queueSeconds: outcome.queueSeconds,
          computeSeconds: outcome.computeSeconds,
          totalSeconds,
        });
      } catch {
        // A sink must not throw; if one does, the request it describes has already been answered.
      }
    });
  }
}

function notReady(served: ServedModel): KilnError {
  const why =
    served.state === 'FAILED' ? `failed to load: ${served.error ?? 'unknown error'}` : 'is still loading';
  return new KilnError(
    'DEPLOYMENT_NOT_READY',
    `model '${served.deployment}' (version ${served.version}) ${why}`,
    {
      model: served.deployment,
      state: served.state,
    },
  );
}

/** Rows in the request: the first dimension of the inputs whose first model dimension is dynamic, else 1. */
function batchSizeOf(inputs: readonly import('./tensor.js').Tensor[], served: ServedModel): number {
  if (!served.signature) return 1;
  const spec = served.signature.inputs.find((s) => s.shape[0] === -1);
  const t = spec ? inputs.find((i) => i.name === spec.name) : undefined;
  return t?.shape[0] ?? 1;
}
