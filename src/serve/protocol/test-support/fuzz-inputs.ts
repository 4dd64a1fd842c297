/**
 * Input generators for the protocol fuzz test: a seeded random source, random JSON values, nearly
 * valid requests with a few things broken, byte mutations and values nested 10,000 levels deep
 * (built and written without recursion).
 */
import type { TensorSpec, V2Datatype } from '../../../registry/onnx/model-signature.js';

export const DATATYPES: V2Datatype[] = [
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
const KEYS = [
  'name',
  'shape',
  'datatype',
  'data',
  'parameters',
  'inputs',
  'outputs',
  'id',
  'binary_data_size',
  'binary_data',
  'binary_data_output',
  '__proto__',
  'x',
];

/** mulberry32: a small seeded generator, so failures reproduce. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
export type Rng = ReturnType<typeof rng>;

export function randomScalar(r: Rng): unknown {
  return r.pick<() => unknown>([
    () => null,
    () => r.next() < 0.5,
    () => r.int(600) - 300,
    () => (r.next() - 0.5) * 10 ** r.int(40),
    () => r.pick([Number.NaN, Infinity, -Infinity, -0, 2 ** 53 + 2, 2 ** 64, -(2 ** 63), 1e308, 5e-324]),
    () => r.pick([2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 12345678901234567890n]),
    () => r.pick(DATATYPES),
    () =>
      r.pick(['NaN', 'Infinity', '-0', '18446744073709551615', '-1', 'BF16', '', '\uD800', 'héllo', '1e3']),
    () => String.fromCharCode(...Array.from({ length: r.int(8) }, () => r.int(0xffff))),
  ])();
}

export function randomValue(r: Rng, depth: number): unknown {
  const roll = r.next();
  if (depth <= 0 || roll < 0.45) return randomScalar(r);
  if (roll < 0.75) return Array.from({ length: r.int(6) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = r.int(6); i > 0; i--) {
    Object.defineProperty(o, r.pick(KEYS), {
      value: randomValue(r, depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return o;
}

export function randomShape(r: Rng): number[] {
  return Array.from({ length: r.int(4) }, () => r.int(5));
}

/** A request that is mostly valid, with a few random things broken. */
export function nearlyValidRequest(r: Rng): Record<string, unknown> {
  const inputs = Array.from({ length: 1 + r.int(3) }, (_, i) => {
    const shape = randomShape(r);
    const n = shape.reduce((a, b) => a * b, 1);
    const datatype = r.pick(DATATYPES);
    const data = Array.from({ length: n + (r.next() < 0.2 ? r.int(3) - 1 : 0) }, () =>
      r.next() < 0.9 ? sample(datatype, r) : randomScalar(r),
    );
    const entry: Record<string, unknown> = {
      name: r.next() < 0.9 ? `in${i}` : randomScalar(r),
      datatype,
      shape,
      data,
    };
    if (r.next() < 0.15) entry[r.pick(KEYS)] = randomValue(r, 2);
    return entry;
  });
  const req: Record<string, unknown> = { inputs };
  if (r.next() < 0.3) req.outputs = [{ name: 'out0', parameters: { binary_data: r.next() < 0.5 } }];
  if (r.next() < 0.3) req.parameters = { binary_data_output: r.next() < 0.5 ? true : randomScalar(r) };
  if (r.next() < 0.1) req[r.pick(KEYS)] = randomValue(r, 2);
  return req;
}

function sample(datatype: V2Datatype, r: Rng): unknown {
  if (datatype === 'BOOL') return r.next() < 0.5;
  if (datatype === 'BYTES') return r.pick(['a', 'héllo', '', '日本']);
  if (datatype.startsWith('FP')) return (r.next() - 0.5) * 100;
  return r.int(100);
}

export function deepArray(levels: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

export function deepObject(levels: number): unknown {
  let v: unknown = { name: 'x' };
  for (let i = 0; i < levels; i++) v = { parameters: v };
  return v;
}

export function spec(name: string, datatype: V2Datatype, shape: number[]): TensorSpec {
  return { name, datatype, shape, dimNames: shape.map(() => null) };
}

/** Flips, drops or inserts a few bytes, or truncates. */
export function mutate(bytes: Buffer, r: Rng): Buffer {
  const out = [...bytes];
  for (let k = 1 + r.int(4); k > 0; k--) {
    const at = r.int(out.length + 1);
    const op = r.int(4);
    if (op === 0) out[at] = r.int(256);
    else if (op === 1) out.splice(at, 1);
    else if (op === 2)
      out.splice(at, 0, r.pick([0x5b, 0x5d, 0x7b, 0x7d, 0x22, 0x2c, 0x3a, 0x30, 0xff, 0xc3]));
    else out.length = at;
  }
  return Buffer.from(out);
}

/** JSON text of a deeply nested value, written without recursion. */
export function deepText(v: unknown): string {
  let prefix = '';
  let suffix = '';
  let cur = v;
  for (;;) {
    if (Array.isArray(cur) && cur.length === 1) {
      prefix += '[';
      suffix = `]${suffix}`;
      cur = cur[0];
    } else if (
      cur !== null &&
      typeof cur === 'object' &&
      Object.keys(cur).length === 1 &&
      'parameters' in cur
    ) {
      prefix += '{"parameters":';
      suffix = `}${suffix}`;
      cur = (cur as { parameters: unknown }).parameters;
    } else break;
  }
  const inner = (() => {
    try {
      return JSON.stringify(cur) ?? 'null';
    } catch {
      return '[]'; // deeper structure inside an object: stand in with something small
    }
  })();
  return `${prefix}${inner}${suffix}`;
}
