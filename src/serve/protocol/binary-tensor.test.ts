import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { V2Datatype } from '../../registry/onnx/model-signature.js';
import type { Tensor } from '../tensor.js';
import { decodeTensorBytes, encodeTensorBytes } from './binary-tensor.js';
import { decodeJsonTensor } from './json-tensor.js';
import { hex, kilnErrorOf } from './test-support/wire.js';

// numpy's little-endian bytes per datatype (fixtures/make-protocol-fixtures.py).
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/binary-reference.json', import.meta.url), 'utf8'),
) as {
  datatype: V2Datatype;
  shape: number[];
  values: unknown[][];
  hex: string;
}[];

const decode = (bytes: Uint8Array, datatype: V2Datatype, shape: number[]) =>
  decodeTensorBytes(
    bytes,
    datatype,
    shape,
    shape.reduce((a, b) => a * b, 1),
    'input "x"',
    'inputs[0]',
  );

describe('decodeTensorBytes and encodeTensorBytes', () => {
  for (const c of reference) {
    it(`${c.datatype}: reads numpy's bytes as the fixture values and writes them back`, () => {
      const values = c.values.flat().map((v) => (v === '-0' ? -0 : v));
      const expected = decodeJsonTensor(
        { name: 'x', datatype: c.datatype, shape: c.shape, data: values },
        0,
        {
          maxElements: 100,
        },
      ).tensor;
      const data = decode(hex(c.hex), c.datatype, c.shape);
      expect(data).toEqual(expected.data);
      const tensor: Tensor = { name: 'x', datatype: c.datatype, shape: c.shape, data };
      expect(Buffer.from(encodeTensorBytes(tensor)).toString('hex')).toBe(c.hex);
    });
  }

  it('copies out of unaligned input, so the source buffer may be reused', () => {
    const src = new Uint8Array(9);
    src.set([0, 0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0], 0); // FP32 [1, -2.5] at byte offset 1
    const data = decode(src.subarray(1), 'FP32', [2]) as Float32Array;
    src.fill(0);
    expect([...data]).toEqual([1, -2.5]);
  });

  it('passes FP16 NaN payloads through untouched', () => {
    const data = decode(hex('017e01fe'), 'FP16', [2]) as Uint16Array;
    expect([...data]).toEqual([0x7e01, 0xfe01]);
  });

  it('refuses a size that is not the shape times the element size', () => {
    const e = kilnErrorOf(() => decode(new Uint8Array(12), 'FP32', [2, 2]));
    expect(e.message).toBe('input "x": shape [2,2] of FP32 needs 16 bytes (4 × 4), got 12');
    expect(e.details).toMatchObject({ reason: 'binary_size_mismatch', expected: 16, got: 12 });
  });

  it('refuses BOOL bytes other than 0 and 1', () => {
    expect(kilnErrorOf(() => decode(hex('010002'), 'BOOL', [3])).message).toBe(
      'input "x": BOOL element 2 expected byte 0 or 1, got 2',
    );
  });

  it('refuses BYTES elements that run past the end, are not UTF-8, or leave bytes over', () => {
    expect(kilnErrorOf(() => decode(hex('0500000061626364'), 'BYTES', [1])).message).toBe(
      'input "x": BYTES element 0 declares 5 bytes, but only 4 remain',
    );
    expect(kilnErrorOf(() => decode(hex('01000000610100'), 'BYTES', [2])).details.reason).toBe(
      'binary_truncated',
    );
    expect(kilnErrorOf(() => decode(hex('0200000061'), 'BYTES', [2])).message).toContain(
      'need at least 8 bytes',
    );
    const e = kilnErrorOf(() => decode(hex('02000000c328'), 'BYTES', [1]));
    expect(e.message).toBe('input "x": BYTES element 0 is not valid UTF-8 (Kiln carries BYTES as text)');
    expect(e.details.reason).toBe('invalid_utf8');
    expect(kilnErrorOf(() => decode(hex('0100000061ff'), 'BYTES', [1])).message).toBe(
      'input "x": 1 bytes left over after the 1 BYTES elements shape [1] holds',
    );
  });

  it('refuses to encode a tensor whose data does not fit its datatype or shape, as an internal error', () => {
    const strings = { name: 'y', datatype: 'BYTES', shape: [2], data: ['a', 5] } as unknown as Tensor;
    expect(kilnErrorOf(() => encodeTensorBytes(strings)).code).toBe('INTERNAL');
    const unknown = {
      name: 'y',
      datatype: 'BF16',
      shape: [1],
      data: new Uint16Array(1),
    } as unknown as Tensor;
    expect(kilnErrorOf(() => encodeTensorBytes(unknown)).code).toBe('INTERNAL');
    const e = kilnErrorOf(() =>
      encodeTensorBytes({ name: 'y', datatype: 'FP32', shape: [3], data: new Float32Array(2) }),
    );
    expect(e.code).toBe('INTERNAL');
    expect(
      kilnErrorOf(() =>
        encodeTensorBytes({ name: 'y', datatype: 'FP32', shape: [2], data: new Float64Array(2) }),
      ).code,
    ).toBe('INTERNAL');
  });
});
