/**
 * @module serve/protocol/datatype-layout
 * How each V2 datatype is laid out: its size on the wire (binary tensor extension, gRPC raw
 * contents) and the typed array Kiln keeps it in (see `serve/tensor`). One table, so the JSON and
 * binary codecs cannot disagree.
 */
import type { V2Datatype } from '../../registry/onnx/model-signature.js';
import type { Tensor, TensorData } from '../tensor.js';
import { elementCount } from '../tensor.js';
import { formatShape, protocolError } from './protocol-errors.js';

type NumericArrayCtor =
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** A datatype with a fixed element size: every one but BYTES. */
export type FixedDatatype = Exclude<V2Datatype, 'BYTES'>;

/** Bytes per element on the wire, little-endian, no padding (BOOL is one byte, 0 or 1). */
export const ELEMENT_BYTES: Readonly<Record<FixedDatatype, number>> = Object.freeze({
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
});

const ARRAY_OF: Readonly<Record<FixedDatatype, NumericArrayCtor>> = Object.freeze({
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
});

/** The typed array class holding a fixed-size datatype. */
export function arrayClassOf(datatype: FixedDatatype): NumericArrayCtor {
  return ARRAY_OF[datatype];
}

/**
 * A zero-filled data array of `count` elements for `datatype`. Small arrays (the rows of a typical
 * request) are views into a shared slab, as Node does for small Buffers: a new typed array with its
 * own backing store was a visible cost per request. A view never covers its whole slab, so code that
 * hands a whole buffer over (`postMessage` transfer lists check `byteOffset` and `byteLength`) never
 * takes a slab; each region is handed out once, so views never share elements.
 */
export function allocateData(datatype: V2Datatype, count: number): TensorData {
  if (datatype === 'BYTES') return new Array<string>(count).fill('');
  const Ctor = ARRAY_OF[datatype];
  const bytes = count * ELEMENT_BYTES[datatype];
  if (bytes === 0 || bytes > SLAB_MAX_VIEW_BYTES) return new Ctor(count);
  // Offsets stay multiples of 8, the largest element size.
  const size = (bytes + 7) & ~7;
  if (slabOffset + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const view = new Ctor(slab, slabOffset, count);
  slabOffset += size;
  return view;
}

const SLAB_BYTES = 64 * 1024;
/** Larger arrays get their own buffer (so a slab is never wholly one view). */
const SLAB_MAX_VIEW_BYTES = 2048;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

/**
 * Checks that a tensor produced inside Kiln (a model output) is coherent before it is encoded:
 * data of the datatype's array class, as many elements as the shape holds.
 * @throws KilnError INTERNAL: a mismatch here is a bug in the runtime, not a bad request.
 */
export function assertTensorCoherent(tensor: Tensor, label: string): void {
  const { datatype, data, shape } = tensor;
  const known = datatype === 'BYTES' || Object.hasOwn(ARRAY_OF, datatype);
  const container =
    datatype === 'BYTES' ? 'string array' : known ? ARRAY_OF[datatype as FixedDatatype].name : '?';
  const shapeOk = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  const classOk =
    known &&
    (datatype === 'BYTES'
      ? Array.isArray(data) && data.every((s) => typeof s === 'string')
      : data instanceof ARRAY_OF[datatype as FixedDatatype]);
  if (!shapeOk || !classOk || data.length !== elementCount(shape)) {
    const got = (data as { constructor?: { name?: string } } | null)?.constructor?.name ?? String(data);
    throw protocolError(
      `${label}: datatype ${String(datatype)} and shape ${shapeOk ? formatShape(shape) : 'given'} need ` +
        `${shapeOk ? elementCount(shape) : '?'} elements in a ${container}, got ${data?.length} in a ${got}`,
      { field: label, reason: 'incoherent_tensor' },
      'INTERNAL',
    );
  }
}

/** True on little-endian hosts, where typed arrays already have the wire's byte order. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element in place (only needed on big-endian hosts). */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
