/**
 * @module serve/served-model
 * What the data plane sees of a deployment that is being served: the model version it runs, its
 * signature and batch limit, its state, and `infer` (through its dynamic batcher). The model
 * manager owns these objects; the data plane only looks them up, by deployment name.
 */
import type { ModelSignature } from '../registry/onnx/model-signature.js';
import type { ServedLabels } from './serving-metrics.js';
import type { Tensor } from './tensor.js';

export type ServedState = 'LOADING' | 'READY' | 'FAILED';

export interface InferOutcome {
  readonly outputs: Tensor[];
  readonly queueSeconds: number;
  readonly computeSeconds: number;
  readonly batchSize: number;
}

/** Triton-style counters for `GET /v2/models/{m}/stats`. */
export interface ServedStats {
  successCount: number;
  successNs: number;
  failCount: number;
  failNs: number;
  queueNs: number;
  computeNs: number;
  inferenceCount: number;
  executionCount: number;
  lastInferenceMs: number;
}

export interface ServedModel {
  readonly deployment: string;
  readonly model: string;
  readonly version: number;
  readonly public: boolean;
  readonly state: ServedState;
  /** Why loading failed, when FAILED. */
  readonly error: string | null;
  readonly signature: ModelSignature | null;
  /** ≤ 1: the model does not batch; requests run alone. */
  readonly maxBatchSize: number;
  readonly labels: ServedLabels;
  readonly stats: ServedStats;
  /** Runs validated, signature-ordered inputs. */
  infer(
    inputs: readonly Tensor[],
    outputNames: readonly string[] | undefined,
    batchSize: number,
  ): Promise<InferOutcome>;
}

/** The lookup the data plane needs. */
export interface ServedModels {
  /** The deployment as served now, or undefined when there is no such deployment. */
  get(deployment: string): ServedModel | undefined;
  list(): ServedModel[];
  /** True once the first reconciliation finished (every deployment attempted). */
  ready(): boolean;
}

export function emptyStats(): ServedStats {
  return {
    successCount: 0,
    successNs: 0,
    failCount: 0,
    failNs: 0,
    queueNs: 0,
    computeNs: 0,
    inferenceCount: 0,
    executionCount: 0,
    lastInferenceMs: 0,
  };
}
