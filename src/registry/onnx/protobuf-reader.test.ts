import { describe, expect, it } from 'vitest';
import { ProtobufError, ProtobufReader, WireType } from './protobuf-reader.js';

const reader = (...bytes: number[]) => new ProtobufReader(Uint8Array.from(bytes));

describe('ProtobufReader', () => {
  it('reads varints, including the multi-byte examples of the protobuf encoding guide', () => {
    expect(reader(0x01).readVarint()).toBe(1);
    expect(reader(0x96, 0x01).readVarint()).toBe(150);
    expect(reader(0xac, 0x02).readVarint()).toBe(300);
    // 2^53 - 1 takes 8 bytes: past the 7-byte fast path
    expect(reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f).readVarint()).toBe(Number.MAX_SAFE_INTEGER);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).readVarintBigInt()).toBe(
      2n ** 64n - 1n,
    );
  });

  it('reads negative int64 from its ten-byte two’s-complement varint', () => {
    const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(reader(...minusOne).readInt64()).toBe(-1);
    expect(() => reader(...minusOne).readVarint()).toThrow(/larger than 2\^53 - 1/);
  });

  it('reads a tag, a string and a nested message (the guide’s test message 3)', () => {
    // field 3 (LEN) holding a message whose field 1 is the varint 150
    const r = reader(0x1a, 0x03, 0x08, 0x96, 0x01);
    const tag = r.readTag();
    expect(tag).toEqual({ field: 3, wireType: WireType.LEN });
    const inner = r.readMessage();
    expect(inner.readTag()).toEqual({ field: 1, wireType: WireType.VARINT });
    expect(inner.readVarint()).toBe(150);
    expect(inner.hasMore()).toBe(false);
    expect(r.hasMore()).toBe(false);

    const s = reader(0x12, 0x07, ...new TextEncoder().encode('testing'));
    s.readTag();
    expect(s.readString()).toBe('testing');
  });

  it('reads fixed 32- and 64-bit values little-endian', () => {
    expect(reader(0x78, 0x56, 0x34, 0x12).readFixed32()).toBe(0x12345678);
    expect(reader(0, 0, 0x80, 0x3f).readFloat()).toBe(1);
    expect(reader(1, 0, 0, 0, 0, 0, 0, 0x80).readFixed64()).toBe(2n ** 63n + 1n);
    expect(reader(0, 0, 0, 0, 0, 0, 0xf0, 0x3f).readDouble()).toBe(1);
  });

  it('reads inside a sub-range of a larger buffer without touching the rest', () => {
    const buffer = Uint8Array.from([0xee, 0xee, 0x08, 0x2a, 0xee]);
    const view = buffer.subarray(1, 5);
    const r = new ProtobufReader(view, 1, 3);
    expect(r.readTag()).toEqual({ field: 1, wireType: WireType.VARINT });
    expect(r.readVarint()).toBe(42);
    expect(r.hasMore()).toBe(false);
    const fixed = new ProtobufReader(Uint8Array.from([0xee, 0xee, 1, 0, 0, 0]).subarray(2));
    expect(fixed.readFixed32()).toBe(1);
  });

  it('skips every supported wire type and lands on the next field', () => {
    // biome-ignore format: one field per line
    const r = reader(
      0x08, 0x96, 0x01, // 1: varint
      0x11, 1, 2, 3, 4, 5, 6, 7, 8, // 2: 64-bit
      0x1a, 0x02, 0xaa, 0xbb, // 3: length-delimited
      0x25, 1, 2, 3, 4, // 4: 32-bit
      0x28, 0x07, // 5: varint 7
    );
    for (let i = 0; i < 4; i++) r.skip(r.readTag().wireType);
    expect(r.readTag().field).toBe(5);
    expect(r.readVarint()).toBe(7);
  });

  it('refuses truncated input with the offset where it broke', () => {
    expect(() => reader(0x96).readVarint()).toThrow(ProtobufError);
    expect(() => reader(0x96).readVarint()).toThrow(/truncated varint \(at byte 0\)/);
    expect(() => reader(0x05, 1, 2).skip(WireType.LEN)).toThrow(ProtobufError);
    const r = reader(0x0a, 0x05, 1, 2);
    r.readTag();
    expect(() => r.readBytes()).toThrow(/length-delimited field of 5 bytes but only 2 left \(at byte 1\)/);
    expect(() => reader(1, 2, 3).readFixed32()).toThrow(/truncated 32-bit value: needs 4 bytes, 3 left/);
    expect(() => reader(1, 2, 3, 4, 5, 6, 7).readDouble()).toThrow(/truncated double/);
  });

  it('keeps a nested message inside its parent’s bounds', () => {
    // outer field 1 says 2 bytes; the inner message claims 3
    const r = reader(0x0a, 0x02, 0x0a, 0x03, 0x01, 0x02, 0x03);
    r.readTag();
    const inner = r.readMessage();
    inner.readTag();
    expect(() => inner.readBytes()).toThrow(/only 0 left/);
  });

  it('refuses garbage: over-long varints, field 0, groups and undefined wire types', () => {
    expect(() => reader(...Array(11).fill(0xff)).readVarintBigInt()).toThrow(/longer than 64 bits/);
    expect(() => reader(...Array(9).fill(0x80), 0x02).readVarintBigInt()).toThrow(/longer than 64 bits/);
    expect(() => reader(0x00).readTag()).toThrow(/invalid field number 0/);
    expect(() => reader(0x0b).readTag()).toThrow(/wire type 3 \(start-group\)/);
    expect(() => reader(0x0c).readTag()).toThrow(/wire type 4 \(end-group\)/);
    expect(() => reader(0x0e).readTag()).toThrow(/wire type 6/);
    expect(() => reader(0x0f).readTag()).toThrow(/wire type 7/);
  });

  it('checks a field’s wire type against the schema', () => {
    const r = reader(0x38, 0x01);
    const tag = r.readTag();
    expect(() => r.expect(tag, WireType.LEN)).toThrow(
      /field 7: expected wire type 2 \(length-delimited\), got 0 \(varint\)/,
    );
    expect(() => r.expect(tag, WireType.VARINT)).not.toThrow();
  });

  it('always ends on random bytes: each loop either advances or throws', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed & 0xff;
    };
    for (let round = 0; round < 300; round++) {
      const bytes = Uint8Array.from({ length: 64 }, next);
      const r = new ProtobufReader(bytes);
      let steps = 0;
      try {
        while (r.hasMore()) {
          const before = r.pos;
          r.skip(r.readTag().wireType);
          expect(r.pos).toBeGreaterThan(before);
          steps++;
        }
      } catch (e) {
        expect(e).toBeInstanceOf(ProtobufError);
      }
      expect(steps).toBeLessThanOrEqual(32);
    }
  });

  it('refuses bounds outside the buffer', () => {
    expect(() => new ProtobufReader(new Uint8Array(4), 0, 5)).toThrow(RangeError);
    expect(() => new ProtobufReader(new Uint8Array(4), 3, 2)).toThrow(RangeError);
  });
});
