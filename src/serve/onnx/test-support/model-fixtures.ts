/**
 * Fixture models and inputs for the runtime tests (test/fixtures/models, examples/fraud).
 */
import { readFileSync } from 'node:fs';
import type { V2Datatype } from '../../../registry/onnx/model-signature.js';
import type { Tensor, TensorData } from '../../tensor.js';

const MODELS = new URL('../../../../test/fixtures/models/', import.meta.url);

/** The bytes of a fixture model, e.g. `simple.onnx`. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, MODELS)));
}

/** The fraud example's model. */
export function fraudBytes(): Uint8Array {
  return new Uint8Array(readFileSync(new URL('../../../../examples/fraud/model.onnx', import.meta.url)));
}

/** A small deterministic generator (mulberry32), so runs can be compared across modes. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inputs for simple.onnx (INT32 INPUT0, INPUT1 [rows, 16]). */
export function simpleInputs(rows: number, seed: number): Tensor[] {
  const next = seeded(seed);
  const make = (name: string): Tensor => ({
    name,
    datatype: 'INT32',
    shape: [rows, 16],
    data: Int32Array.from({ length: rows * 16 }, () => Math.floor(next() * 2000) - 1000),
  });
  return [make('INPUT0'), make('INPUT1')];
}

/** Inputs for mlp_small.onnx (FP32 x [rows, 30]). */
export function mlpInputs(rows: number, seed: number): Tensor[] {
  const next = seeded(seed);
  return [
    {
      name: 'x',
      datatype: 'FP32',
      shape: [rows, 30],
      data: Float32Array.from({ length: rows * 30 }, () => next() * 4 - 2),
    },
  ];
}

/** Three values per datatype, with each type's extremes (FP16 as half bits: 1, 65504, -2⁻²⁴). */
export const ALL_TYPES_DATA: Readonly<Record<V2Datatype, () => TensorData>> = {
  BOOL: () => new Uint8Array([1, 0, 1]),
  UINT8: () => new Uint8Array([0, 255, 7]),
  UINT16: () => new Uint16Array([0, 65535, 7]),
  UINT32: () => new Uint32Array([0, 4294967295, 7]),
  UINT64: () => new BigUint64Array([0n, 2n ** 64n - 1n, 7n]),
  INT8: () => new Int8Array([-128, 127, 0]),
  INT16: () => new Int16Array([-32768, 32767, 0]),
  INT32: () => new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0]),
  INT64: () => new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]),
  FP16: () => new Uint16Array([0x3c00, 0x7bff, 0x8001]),
  FP32: () => new Float32Array([1.5, -0, Number.NaN]),
  FP64: () => new Float64Array([Math.PI, Number.NEGATIVE_INFINITY, 5e-324]),
  BYTES: () => ['', 'ünïcödé ✓', 'a b'],
};

/** The datatypes in all_types.onnx's input order. */
export const ALL_TYPES_ORDER: readonly V2Datatype[] = [
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

/** Inputs for all_types.onnx: `in_<TYPE>` of shape [3] for every datatype. */
export function allTypesInputs(): Tensor[] {
  return ALL_TYPES_ORDER.map((datatype) => ({
    name: `in_${datatype}`,
    datatype,
    shape: [3],
    data: ALL_TYPES_DATA[datatype](),
  }));
}

/** A tensor's data as plain comparable values: the bytes of numeric arrays (so -0 and NaN bits count), the strings of BYTES. */
export function rawData(tensor: Tensor): unknown {
  const d = tensor.data;
  if (Array.isArray(d)) return { class: 'Array', values: [...d] };
  return { class: d.constructor.name, bytes: [...new Uint8Array(d.buffer, d.byteOffset, d.byteLength)] };
}
