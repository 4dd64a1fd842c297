/**
 * The cases `rest.e2e.test.ts` sends through `all_types` (one Identity per V2 datatype): values at
 * the edges of each datatype's range, in JSON and in the binary layout, and what must come back.
 * Expected values are written out by hand from IEEE 754 and the datatypes' ranges — FP16 rounding
 * included — never computed by Kiln's codecs.
 */
import { expect } from 'vitest';
import { bytesElements, dataLiterals, type InferAnswer, leBytes } from './v2-http.js';

export type Datatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';
export const DATATYPES: readonly Datatype[] = [
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

/** A JSON integer literal written into the request text as is (past 2^53, JSON.stringify cannot). */
export const big = (literal: string) => `@@${literal}@@`;
export const withLiterals = (body: unknown) => JSON.stringify(body).replace(/"@@(-?\d+)@@"/g, '$1');

export const TEXTS = [
  '',
  'plain ascii',
  'héllo wörld — naïve café',
  '日本語のテキスト',
  'emoji 🎉🚀 and 𝄞 (outside the BMP)',
  'quote " backslash \\ newline \n tab \t',
  'Ωmega ∑ ∞ ≠ ≤',
];

/** What each datatype sends as JSON and the literal texts the response must carry back. */
export const JSON_EDGES: Record<
  Datatype,
  { send: unknown[]; expect: string[] | number[] | boolean[] | string[] }
> = {
  BOOL: { send: [true, false, true], expect: [true, false, true] },
  UINT8: { send: [0, 1, 255], expect: ['0', '1', '255'] },
  UINT16: { send: [0, 65535], expect: ['0', '65535'] },
  UINT32: { send: [0, 4294967295], expect: ['0', '4294967295'] },
  // Past 2^53 as exact literals and as a decimal string; all come back as exact literals.
  UINT64: {
    send: [0, big('9007199254740993'), big('18446744073709551615'), '18446744073709551614'],
    expect: ['0', '9007199254740993', '18446744073709551615', '18446744073709551614'],
  },
  INT8: { send: [-128, 0, 127], expect: ['-128', '0', '127'] },
  INT16: { send: [-32768, 32767], expect: ['-32768', '32767'] },
  INT32: { send: [-2147483648, 2147483647], expect: ['-2147483648', '2147483647'] },
  INT64: {
    send: [big('-9223372036854775808'), big('9223372036854775807'), big('-9007199254740993'), '-42'],
    expect: ['-9223372036854775808', '9223372036854775807', '-9007199254740993', '-42'],
  },
  // Numbers rounded to half precision, to nearest even; too large → Infinity.
  FP16: {
    send: [
      0,
      big('-0'),
      1,
      -2,
      65504,
      -65504,
      6.103515625e-5,
      2 ** -24, // the smallest subnormal half
      0.1,
      2049,
      2051,
      65520,
      'NaN',
      '-Infinity',
    ],
    expect: [
      0,
      -0,
      1,
      -2,
      65504,
      -65504,
      6.103515625e-5,
      2 ** -24, // the smallest subnormal half
      0.0999755859375,
      2048,
      2052,
      'Infinity',
      'NaN',
      '-Infinity',
    ] as unknown as number[],
  },
  FP32: {
    send: [
      3.4028234663852886e38,
      -3.4028234663852886e38,
      1.401298464324817e-45,
      1.1754943508222875e-38,
      0.1,
      'Infinity',
      -1e39,
    ],
    expect: [
      3.4028234663852886e38,
      -3.4028234663852886e38,
      1.401298464324817e-45,
      1.1754943508222875e-38,
      Math.fround(0.1),
      'Infinity',
      '-Infinity',
    ] as unknown as number[],
  },
  FP64: {
    send: [
      1.7976931348623157e308,
      -1.7976931348623157e308,
      5e-324,
      2.2250738585072014e-308,
      0.1,
      big('-0'),
      '-Infinity',
      'NaN',
    ],
    expect: [
      1.7976931348623157e308,
      -1.7976931348623157e308,
      5e-324,
      2.2250738585072014e-308,
      0.1,
      -0,
      '-Infinity',
      'NaN',
    ] as unknown as number[],
  },
  BYTES: { send: TEXTS, expect: TEXTS },
};

export function allTypesJsonObject(extra: Record<string, unknown> = {}): {
  inputs: { name: string; data: unknown[] }[];
} {
  return {
    ...extra,
    inputs: DATATYPES.map((dt) => ({
      name: `in_${dt}`,
      datatype: dt,
      shape: [JSON_EDGES[dt].send.length],
      data: JSON_EDGES[dt].send,
    })),
  };
}

export function allTypesJsonRequest(extra: Record<string, unknown> = {}): string {
  return withLiterals(allTypesJsonObject(extra));
}

/** Checks output `out_<dt>` of a JSON response against the edges (64-bit integers exactly, from the text). */
export function expectJsonOutput(text: string, body: InferAnswer, dt: Datatype): void {
  const out = body.outputs.find((o) => o.name === `out_${dt}`);
  expect(out, `out_${dt}`).toBeDefined();
  expect(out).toMatchObject({ datatype: dt, shape: [JSON_EDGES[dt].send.length] });
  if (dt.startsWith('UINT') || dt.startsWith('INT')) {
    expect(dataLiterals(text, `out_${dt}`), dt).toEqual(JSON_EDGES[dt].expect);
  } else {
    // Object.is semantics: -0 must come back as -0, not 0.
    const signed = (xs: readonly unknown[]) => xs.map((v) => (Object.is(v, -0) ? '-0' : v));
    expect(signed(out!.data!), dt).toEqual(signed(JSON_EDGES[dt].expect));
  }
}

/** Edges sent in binary, per datatype: values for leBytes (FP16 as bit patterns). */
const BINARY_EDGES: Record<Exclude<Datatype, 'BYTES'>, (number | bigint | boolean)[]> = {
  BOOL: [true, false, false, true],
  UINT8: [0, 255, 128],
  UINT16: [0, 65535, 256],
  UINT32: [0, 4294967295, 65536],
  UINT64: [0n, 18446744073709551615n, 9007199254740993n],
  INT8: [-128, 127, -1],
  INT16: [-32768, 32767, -1],
  INT32: [-2147483648, 2147483647, -1],
  INT64: [-9223372036854775808n, 9223372036854775807n, -9007199254740993n],
  // +0, -0, 1, 65504, -65504, smallest subnormal, smallest normal, +Inf, -Inf, NaN
  FP16: [0x0000, 0x8000, 0x3c00, 0x7bff, 0xfbff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x7e00],
  FP32: [3.4028234663852886e38, -1.401298464324817e-45, 0.1, Number.POSITIVE_INFINITY, Number.NaN, -0],
  FP64: [Number.MAX_VALUE, -5e-324, 0.1, Number.NEGATIVE_INFINITY, Number.NaN, -0],
};

export function binaryInput(dt: Datatype): { count: number; bytes: Buffer } {
  if (dt === 'BYTES') return { count: TEXTS.length, bytes: bytesElements(TEXTS) };
  const values = BINARY_EDGES[dt];
  return { count: values.length, bytes: leBytes(dt, values) };
}
