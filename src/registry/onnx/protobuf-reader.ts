/**
 * @module registry/onnx/protobuf-reader
 * A minimal reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/),
 * enough to walk an ONNX file's structure without a schema compiler or protobufjs. It never trusts a
 * length: every read is checked against the end of its message, so truncated or garbage input raises
 * a {@link ProtobufError} naming the byte offset instead of reading past the buffer or looping.
 */

/** Wire types; groups (3 and 4) are deprecated, unused by ONNX, and refused. */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  I32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit'];

/** Human name of a wire type, for messages. */
export function wireTypeName(wireType: number): string {
  return WIRE_TYPE_NAMES[wireType] ?? `invalid (${wireType})`;
}

/** The input is not well-formed protobuf. `offset` is the absolute byte offset where reading failed. */
export class ProtobufError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'ProtobufError';
    this.offset = offset;
  }
}

/** A field key: the field number and how its value is encoded. */
export interface FieldTag {
  readonly field: number;
  readonly wireType: WireType;
}

const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const utf8 = new TextDecoder('utf-8');

/**
 * Reads one message (or a bounded slice of one) front to back. Values of length-delimited fields are
 * returned as views of the input, never copies, so walking a large model costs no allocation for the
 * tensor data it skips.
 */
export class ProtobufReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  #pos: number;

  /** Reads `bytes[start, end)`; the bounds must lie inside `bytes`. */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new RangeError(
        `ProtobufReader: bounds [${start}, ${end}) outside a buffer of ${bytes.length} bytes`,
      );
    }
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** The absolute offset of the next byte to read. */
  get pos(): number {
    return this.#pos;
  }

  /** True while unread bytes remain in this message. */
  hasMore(): boolean {
    return this.#pos < this.#end;
  }

  /** Reads a field key. Field 0, field numbers over 2^29-1 and wire types 3, 4, 6, 7 are refused. */
  readTag(): FieldTag {
    const at = this.#pos;
    const key = this.readVarint();
    const wireType = key % 8;
    const field = Math.floor(key / 8);
    if (field === 0 || field > MAX_FIELD_NUMBER) throw new ProtobufError(`invalid field number ${field}`, at);
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) {
      throw new ProtobufError(
        `unsupported wire type ${wireType} (${wireTypeName(wireType)}) in field ${field}`,
        at,
      );
    }
    return { field, wireType: wireType as WireType };
  }

  /**
   * Reads a varint as an unsigned 64-bit value. Varints are at most 10 bytes and the 10th may only
   * carry the 64th bit; anything longer is garbage, not a big number.
   */
  readVarintBigInt(): bigint {
    const start = this.#pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw new ProtobufError('truncated varint', start);
      const b = this.#bytes[this.#pos++];
      if (i === 9 && b > 1) throw new ProtobufError('varint longer than 64 bits', start);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return result;
    }
    throw new ProtobufError('varint longer than 10 bytes', start);
  }

  /**
   * Reads a varint as a non-negative number. Values above 2^53 - 1 (including negative int64/int32,
   * which are sign-extended to ten bytes) are refused: use {@link readInt64} for signed fields.
   */
  readVarint(): number {
    const start = this.#pos;
    // Fast path: up to 7 bytes (49 bits) is exact in a double; longer varints go through bigint.
    let result = 0;
    for (let i = 0; i < 7; i++) {
      if (this.#pos >= this.#end) throw new ProtobufError('truncated varint', start);
      const b = this.#bytes[this.#pos++];
      result += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return result;
    }
    this.#pos = start;
    const big = this.readVarintBigInt();
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProtobufError(`varint ${big} is larger than 2^53 - 1`, start);
    }
    return Number(big);
  }

  /** Reads an int64/int32 varint (two's complement); refuses values outside ±(2^53 - 1). */
  readInt64(): number {
    const start = this.#pos;
    const signed = BigInt.asIntN(64, this.readVarintBigInt());
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ProtobufError(`int64 ${signed} is outside the exact range of a JavaScript number`, start);
    }
    return Number(signed);
  }

  /** Reads a bool varint. */
  readBool(): boolean {
    return this.readVarintBigInt() !== 0n;
  }

  /** Reads a 64-bit little-endian fixed value as unsigned. */
  readFixed64(): bigint {
    const at = this.#take(8, '64-bit value');
    return this.#view.getBigUint64(at, true);
  }

  /** Reads a little-endian double. */
  readDouble(): number {
    const at = this.#take(8, 'double');
    return this.#view.getFloat64(at, true);
  }

  /** Reads a 32-bit little-endian fixed value as unsigned. */
  readFixed32(): number {
    const at = this.#take(4, '32-bit value');
    return this.#view.getUint32(at, true);
  }

  /** Reads a little-endian float. */
  readFloat(): number {
    const at = this.#take(4, 'float');
    return this.#view.getFloat32(at, true);
  }

  /** Reads a length-delimited value as a view of the input (no copy). */
  readBytes(): Uint8Array {
    const [start, end] = this.#lengthDelimited();
    return this.#bytes.subarray(start, end);
  }

  /** Reads a length-delimited value as UTF-8 text; invalid sequences become U+FFFD. */
  readString(): string {
    return utf8.decode(this.readBytes());
  }

  /** Reads a length-delimited value as an embedded message, returning a reader bounded to it. */
  readMessage(): ProtobufReader {
    const [start, end] = this.#lengthDelimited();
    return new ProtobufReader(this.#bytes, start, end);
  }

  /** Skips the value of a field of the given wire type. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.VARINT:
        this.readVarintBigInt();
        return;
      case WireType.I64:
        this.#take(8, '64-bit value');
        return;
      case WireType.LEN:
        this.#lengthDelimited();
        return;
      case WireType.I32:
        this.#take(4, '32-bit value');
        return;
      default:
        throw new ProtobufError(`cannot skip wire type ${wireType} (${wireTypeName(wireType)})`, this.#pos);
    }
  }

  /** Throws unless `tag` has the wire type the schema gives its field: garbage often parses as tags. */
  expect(tag: FieldTag, wireType: WireType): void {
    if (tag.wireType !== wireType) {
      throw new ProtobufError(
        `field ${tag.field}: expected wire type ${wireType} (${wireTypeName(wireType)}), ` +
          `got ${tag.wireType} (${wireTypeName(tag.wireType)})`,
        this.#pos,
      );
    }
  }

  /** Advances over `n` bytes and returns the offset where they start (the same in the bytes and the view). */
  #take(n: number, what: string): number {
    const start = this.#pos;
    if (this.#end - start < n) {
      throw new ProtobufError(`truncated ${what}: needs ${n} bytes, ${this.#end - start} left`, start);
    }
    this.#pos += n;
    return start;
  }

  #lengthDelimited(): [number, number] {
    const at = this.#pos;
    const length = this.readVarint();
    const left = this.#end - this.#pos;
    if (length > left) {
      throw new ProtobufError(`length-delimited field of ${length} bytes but only ${left} left`, at);
    }
    const start = this.#pos;
    this.#pos += length;
    return [start, this.#pos];
  }
}
