import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fromWireError, packTensors, toWireError } from './worker-messages.js';

describe('packTensors', () => {
  it('copy: leaves the caller arrays attached and copies only the bytes a view covers', () => {
    const backing = new Float32Array(1000).map((_, i) => i);
    const view = new Float32Array(backing.buffer, 40, 4);
    const whole = new Int32Array([1, 2, 3]);
    const tensors: Tensor[] = [
      { name: 'a', datatype: 'FP32', shape: [4], data: view },
      { name: 'b', datatype: 'INT32', shape: [3], data: whole },
      { name: 'c', datatype: 'BYTES', shape: [1], data: ['x'] },
    ];
    const { tensors: packed, transfer } = packTensors(tensors, true);
    expect(transfer).toHaveLength(2);
    expect(transfer.map((b) => b.byteLength)).toEqual([16, 12]);
    expect(packed[0].data).toEqual(new Float32Array([10, 11, 12, 13]));
    expect(packed[0].data).not.toBe(view);
    expect(packed[2]).toBe(tensors[2]);
    // Posting with the transfer list detaches the copies, never the caller's buffers.
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packed, transfer);
    port1.close();
    port2.close();
    expect(transfer.every((b) => b.byteLength === 0)).toBe(true);
    expect(backing.buffer.byteLength).toBe(4000);
    expect(whole).toEqual(new Int32Array([1, 2, 3]));
  });

  it('no copy: transfers arrays that own their whole buffer, copies views', () => {
    const owned = new Float64Array([1, 2]);
    const view = new Uint8Array(new ArrayBuffer(8), 2, 3);
    const { tensors, transfer } = packTensors(
      [
        { name: 'o', datatype: 'FP64', shape: [2], data: owned },
        { name: 'v', datatype: 'UINT8', shape: [3], data: view },
      ],
      false,
    );
    expect(tensors[0].data).toBe(owned);
    expect(tensors[1].data).not.toBe(view);
    expect(transfer).toEqual([owned.buffer, (tensors[1].data as Uint8Array).buffer]);
  });

  it('copies the second of two tensors sharing a buffer instead of listing it twice', () => {
    const shared = new Int8Array([1, 2]);
    const { tensors, transfer } = packTensors(
      [
        { name: 'a', datatype: 'INT8', shape: [2], data: shared },
        { name: 'b', datatype: 'INT8', shape: [2], data: shared },
      ],
      false,
    );
    expect(transfer).toHaveLength(2);
    expect(tensors[1].data).toEqual(shared);
    expect(tensors[1].data).not.toBe(shared);
  });
});

describe('packTensors with Node Buffers', () => {
  it('copies a Buffer in both modes, so its memory (perhaps in the shared pool) is never detached', () => {
    const pooled = Buffer.from([1, 0, 1]);
    const neighbour = Buffer.from([9, 9]);
    for (const copy of [true, false]) {
      const { tensors, transfer } = packTensors(
        [{ name: 'b', datatype: 'BOOL', shape: [3], data: pooled }],
        copy,
      );
      expect(tensors[0].data).not.toBe(pooled);
      expect(tensors[0].data.constructor).toBe(Uint8Array);
      expect(transfer[0]).not.toBe(pooled.buffer);
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(tensors, transfer);
      port1.close();
      port2.close();
    }
    expect([...pooled]).toEqual([1, 0, 1]);
    expect([...neighbour]).toEqual([9, 9]);
  });

  it("refuses an array of another class than the datatype's", () => {
    expect(() =>
      packTensors([{ name: 'f', datatype: 'FP32', shape: [1], data: new Int32Array(1) }], true),
    ).toThrow(/tensor "f": datatype FP32 needs a Float32Array, got a Int32Array/);
  });
});

describe('wire errors', () => {
  it('round-trips a KilnError and turns anything else into INTERNAL', () => {
    const back = fromWireError(
      structuredClone(toWireError(new KilnError('INVALID_ARGUMENT', 'bad', { f: 1 }))),
    );
    expect(back).toBeInstanceOf(KilnError);
    expect(back.toJSON()).toEqual({ code: 'INVALID_ARGUMENT', message: 'bad', details: { f: 1 } });
    expect(fromWireError(toWireError(new TypeError('boom'))).code).toBe('INTERNAL');
    expect(fromWireError({ code: 'NOT_A_CODE', message: 'm', details: {} }).code).toBe('INTERNAL');
  });
});
