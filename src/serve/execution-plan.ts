/**
 * @module serve/execution-plan
 * Loads a deployment's model the way its settings ask: explicit worker and thread counts are
 * obeyed; for `workers: auto` the model is first timed in a probe session at the deployment's
 * batch size, and the rule of `onnx/execution-plan.ts` (numbers in docs/model-runtime.md) decides
 * inline or workers. Threads keep workers × intra-op threads ≤ cores.
 */
import type { DeploymentSettings } from '../deploy/deployment-settings.js';
import type { LoadedModel, ModelRuntime } from './model-runtime.js';
import { resolveExecutionPlan } from './onnx/execution-plan.js';
import { measureRunMicros } from './onnx/measure-run-time.js';

export interface LoadedPlan {
  readonly loaded: LoadedModel;
  /** Worker threads in use (0: inline). */
  readonly workers: number;
  readonly intraOpNumThreads: number;
  /** The probe's run time for `auto` (its fastest run), in µs (null when not measured). */
  readonly measuredMicros: number | null;
}

export async function resolveExecution(
  runtime: ModelRuntime,
  bytes: Uint8Array,
  settings: DeploymentSettings,
  cores: number,
  label: string,
): Promise<LoadedPlan> {
  const measuredMicros =
    settings.workers === 'auto'
      ? await measureRunMicros(bytes, { batchSize: Math.max(1, settings.maxBatchSize), label })
      : null;
  const plan = resolveExecutionPlan(settings, measuredMicros ?? undefined, cores);
  const loaded = await runtime.load(bytes, {
    workers: plan.workers,
    intraOpNumThreads: plan.intraOpNumThreads,
    label,
  });
  return { loaded, workers: plan.workers, intraOpNumThreads: plan.intraOpNumThreads, measuredMicros };
}
