import { readFileSync } from 'node:fs';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import {
  isV2Datatype,
  type ModelSignature,
  ORT_TO_V2_DATATYPE,
  readModelSignature,
  toTensorSpec,
  V2_TO_ORT_TYPE,
} from './model-signature.js';

async function signatureOf(name: string): Promise<ModelSignature> {
  const bytes = readFileSync(new URL(`../../../test/fixtures/models/${name}`, import.meta.url));
  const session = await InferenceSession.create(bytes);
  try {
    return readModelSignature(session);
  } finally {
    await session.release();
  }
}

const V2_NAMES = [
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

describe('datatype tables', () => {
  it('map every V2 datatype to an ORT type and back', () => {
    expect(Object.keys(V2_TO_ORT_TYPE).sort()).toEqual([...V2_NAMES].sort());
    for (const [ort, v2] of Object.entries(ORT_TO_V2_DATATYPE)) {
      expect(V2_TO_ORT_TYPE[v2]).toBe(ort);
    }
    expect(ORT_TO_V2_DATATYPE.float32).toBe('FP32');
    expect(ORT_TO_V2_DATATYPE.string).toBe('BYTES');
    expect(V2_TO_ORT_TYPE.FP16).toBe('float16');
    expect(isV2Datatype('FP32')).toBe(true);
    expect(isV2Datatype('float32')).toBe(false);
    expect(isV2Datatype('toString')).toBe(false);
  });
});

describe('readModelSignature from an ONNX Runtime session', () => {
  it('reads simple.onnx: two INT32 [-1, 16] inputs with a named batch dimension', async () => {
    const spec = (name: string) => ({ name, datatype: 'INT32', shape: [-1, 16], dimNames: ['batch', null] });
    expect(await signatureOf('simple.onnx')).toEqual({
      inputs: [spec('INPUT0'), spec('INPUT1')],
      outputs: [spec('OUTPUT0'), spec('OUTPUT1')],
    });
  });

  it('reads a fixed first dimension as its size', async () => {
    const sig = await signatureOf('fixed_batch.onnx');
    expect(sig.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [1, 4], dimNames: [null, null] }]);
  });

  it('reads the torch export and the MLP', async () => {
    const torch = await signatureOf('torch_mlp.onnx');
    expect(torch.inputs).toEqual([
      { name: 'input', datatype: 'FP32', shape: [-1, 8], dimNames: ['batch', null] },
    ]);
    expect(torch.outputs).toEqual([
      { name: 'output', datatype: 'FP32', shape: [-1, 2], dimNames: ['batch', null] },
    ]);
    const mlp = await signatureOf('mlp_small.onnx');
    expect(mlp.inputs.map((t) => [t.name, t.shape])).toEqual([['x', [-1, 30]]]);
    expect(mlp.outputs.map((t) => [t.name, t.shape])).toEqual([['y', [-1, 1]]]);
  });

  it('reads every V2 datatype, with an unnamed dynamic dimension as -1 and null', async () => {
    const sig = await signatureOf('all_types.onnx');
    expect(sig.inputs).toEqual(
      V2_NAMES.map((t) => ({ name: `in_${t}`, datatype: t, shape: [-1], dimNames: [null] })),
    );
    expect(sig.outputs.map((t) => [t.name, t.datatype])).toEqual(V2_NAMES.map((t) => [`out_${t}`, t]));
    expect((await signatureOf('bytes_identity.onnx')).inputs[0].datatype).toBe('BYTES');
  });

  it('refuses the ZipMap model: its second output is not a tensor', async () => {
    const error = await signatureOf('zipmap.onnx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('INVALID_MODEL');
    expect((error as KilnError).message).toBe(
      'output "output_probability": expected a tensor, got a non-tensor value (sequence, map or optional)',
    );
  });
});

describe('toTensorSpec', () => {
  it('refuses an ORT type with no V2 datatype', () => {
    expect(() => toTensorSpec({ name: 'q', isTensor: true, type: 'int4', shape: [2] }, 'input')).toThrow(
      /input "q": expected one of the tensor types bool, .*, got int4/,
    );
  });

  it('treats a negative dimension as dynamic and unnamed', () => {
    expect(
      toTensorSpec({ name: 'x', isTensor: true, type: 'float32', shape: [-1, 'seq', 3] }, 'input'),
    ).toEqual({
      name: 'x',
      datatype: 'FP32',
      shape: [-1, -1, 3],
      dimNames: [null, 'seq', null],
    });
  });
});
