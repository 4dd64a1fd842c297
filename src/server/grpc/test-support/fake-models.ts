/**
 * Fake served models for the gRPC tests, computing in plain TypeScript what Triton's example
 * models compute:
 * - `simple` (and `simple_public`, a public deployment): INT32 INPUT0, INPUT1 [-1,16] →
 *   OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 − INPUT1;
 * - `simple_string`: the same on BYTES tensors holding decimal numbers;
 * - `identity_<datatype>` for every datatype: INPUT0 [-1] → OUTPUT0, the same tensor;
 * - `half`: FP32 INPUT0 [-1] → FP16 OUTPUT0 (rounded) and FP32 OUTPUT1 (a copy);
 * - `loading`: a deployment still loading.
 */
import type { ModelSignature, TensorSpec, V2Datatype } from '../../../registry/onnx/model-signature.js';
import { DataPlane } from '../../../serve/data-plane.js';
import { nullInferenceSink } from '../../../serve/inference-sink.js';
import { floatToHalf } from '../../../serve/protocol/fp16.js';
import {
  emptyStats,
  type ServedModel,
  type ServedModels,
  type ServedState,
} from '../../../serve/served-model.js';
import { ServingMetrics } from '../../../serve/serving-metrics.js';
import type { Tensor } from '../../../serve/tensor.js';

export const ALL_DATATYPES: readonly V2Datatype[] = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
];

type Compute = (inputs: readonly Tensor[]) => Tensor[];

function spec(name: string, datatype: V2Datatype, shape: number[]): TensorSpec {
  return { name, datatype, shape, dimNames: shape.map(() => null) };
}

function fakeModel(
  deployment: string,
  signature: ModelSignature | null,
  compute: Compute,
  options: { public?: boolean; state?: ServedState } = {},
): ServedModel {
  return {
    deployment,
    model: deployment,
    version: 1,
    public: options.public ?? false,
    state: options.state ?? 'READY',
    error: null,
    signature,
    maxBatchSize: 0,
    labels: { deployment, model: deployment, version: '1' },
    stats: emptyStats(),
    async infer(inputs, outputNames, batchSize) {
      const all = compute(inputs);
      const outputs = outputNames ? all.filter((t) => outputNames.includes(t.name)) : all;
      return { outputs, queueSeconds: 0, computeSeconds: 0, batchSize };
    },
  };
}

function simpleModel(deployment: string, isPublic: boolean): ServedModel {
  const io = (n: string) => spec(n, 'INT32', [-1, 16]);
  return fakeModel(
    deployment,
    { inputs: [io('INPUT0'), io('INPUT1')], outputs: [io('OUTPUT0'), io('OUTPUT1')] },
    ([a, b]) => {
      const x = a.data as Int32Array;
      const y = b.data as Int32Array;
      return [
        { name: 'OUTPUT0', datatype: 'INT32', shape: a.shape, data: x.map((v, i) => v + y[i]) },
        { name: 'OUTPUT1', datatype: 'INT32', shape: a.shape, data: x.map((v, i) => v - y[i]) },
      ];
    },
    { public: isPublic },
  );
}

function simpleStringModel(): ServedModel {
  const io = (n: string) => spec(n, 'BYTES', [-1, 16]);
  return fakeModel(
    'simple_string',
    { inputs: [io('INPUT0'), io('INPUT1')], outputs: [io('OUTPUT0'), io('OUTPUT1')] },
    ([a, b]) => {
      const x = (a.data as string[]).map(Number);
      const y = (b.data as string[]).map(Number);
      return [
        { name: 'OUTPUT0', datatype: 'BYTES', shape: a.shape, data: x.map((v, i) => String(v + y[i])) },
        { name: 'OUTPUT1', datatype: 'BYTES', shape: a.shape, data: x.map((v, i) => String(v - y[i])) },
      ];
    },
  );
}

function identityModel(datatype: V2Datatype): ServedModel {
  return fakeModel(
    `identity_${datatype.toLowerCase()}`,
    { inputs: [spec('INPUT0', datatype, [-1])], outputs: [spec('OUTPUT0', datatype, [-1])] },
    ([t]) => [{ ...t, name: 'OUTPUT0' }],
  );
}

function halfModel(): ServedModel {
  return fakeModel(
    'half',
    {
      inputs: [spec('INPUT0', 'FP32', [-1])],
      outputs: [spec('OUTPUT0', 'FP16', [-1]), spec('OUTPUT1', 'FP32', [-1])],
    },
    ([t]) => {
      const x = t.data as Float32Array;
      return [
        { name: 'OUTPUT0', datatype: 'FP16', shape: t.shape, data: Uint16Array.from(x, floatToHalf) },
        { name: 'OUTPUT1', datatype: 'FP32', shape: t.shape, data: Float32Array.from(x) },
      ];
    },
  );
}

/** Every fake deployment, by name. */
export function fakeServedModels(): ServedModels {
  const loading = fakeModel('loading', null, () => [], { state: 'LOADING' });
  const list = [
    simpleModel('simple', false),
    simpleModel('simple_public', true),
    simpleStringModel(),
    halfModel(),
    loading,
    ...ALL_DATATYPES.map(identityModel),
  ];
  const byName = new Map(list.map((m) => [m.deployment, m]));
  return { get: (name) => byName.get(name), list: () => list, ready: () => true };
}

/** A data plane over {@link fakeServedModels}. */
export function fakeDataPlane(): DataPlane {
  return new DataPlane({
    models: fakeServedModels(),
    metrics: new ServingMetrics({ defaultMetrics: false }),
    sink: nullInferenceSink,
    version: '0.1.0',
  });
}
