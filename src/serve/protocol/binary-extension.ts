/**
 * @module serve/protocol/binary-extension
 * The framing of the binary tensor data extension (Triton `extension_binary_data.md`, advertised as
 * `binary_tensor_data`): a body is a JSON header of `Inference-Header-Content-Length` bytes,
 * followed by tensor blobs in the order their tensors appear in the JSON, each announced by the
 * tensor's `parameters.binary_data_size`. This file reads the header length, cuts request blobs and
 * builds response bodies; the blob layout itself lives in `binary-tensor`.
 */
import type { InferParameters } from '../tensor.js';
import { describeValue, protocolError } from './protocol-errors.js';

/** The header naming the JSON header's length in bytes, as the extension spells it. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

/** HTTP request headers as Node and Fastify give them (names in any case). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The value of header `name`, matched case-insensitively; undefined when absent. */
export function headerValue(headers: RequestHeaders, name: string): string | readonly string[] | undefined {
  const wanted = name.toLowerCase();
  // Node and Fastify give lower-case names: the common case is one lookup.
  const direct = headers[wanted];
  if (direct !== undefined) return direct;
  for (const key in headers) {
    if (key.length === wanted.length && key.toLowerCase() === wanted && headers[key] !== undefined)
      return headers[key];
  }
  return undefined;
}

/**
 * The JSON header length the request announces, or undefined when it sends no such header.
 * @throws KilnError INVALID_ARGUMENT when the value is not one non-negative decimal integer, or is
 *   larger than the body.
 */
export function readInferenceHeaderLength(headers: RequestHeaders, bodyLength: number): number | undefined {
  const raw = headerValue(headers, INFERENCE_HEADER_CONTENT_LENGTH);
  if (raw === undefined) return undefined;
  const field = INFERENCE_HEADER_CONTENT_LENGTH;
  const value = typeof raw === 'string' ? raw.trim() : raw.length === 1 ? raw[0].trim() : undefined;
  if (value === undefined || !/^\d{1,16}$/.test(value)) {
    const shown = typeof raw === 'string' ? describeValue(raw) : `${raw.length} values`;
    throw protocolError(
      `${field}: expected a non-negative integer (the JSON header's length in bytes), got ${shown}`,
      {
        field,
        reason: 'bad_header_length',
      },
    );
  }
  const length = Number(value);
  if (length > bodyLength) {
    throw protocolError(`${field}: ${length} is larger than the body (${bodyLength} bytes)`, {
      field,
      reason: 'header_length_beyond_body',
      expected: `at most ${bodyLength}`,
      got: length,
    });
  }
  return length;
}

/**
 * The `binary_data_size` an input announces in its parameters, or undefined when it has none.
 * @throws KilnError INVALID_ARGUMENT when it is not a non-negative integer.
 */
export function readBinaryDataSize(
  parameters: InferParameters,
  label: string,
  field: string,
): number | undefined {
  if (!Object.hasOwn(parameters, 'binary_data_size')) return undefined;
  const v = parameters.binary_data_size;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw protocolError(
    `${label}: parameters.binary_data_size expected a non-negative integer, got ${describeValue(v)}`,
    {
      field: `${field}.parameters.binary_data_size`,
      reason: 'bad_binary_data_size',
    },
  );
}

/** One input whose data is a blob after the JSON header. */
export interface BinarySlot {
  readonly label: string;
  readonly field: string;
  readonly size: number;
}

/**
 * Cuts `blobs` (the body after the JSON header) into one piece per slot, in order. The pieces are
 * views into `blobs`, not copies.
 * @throws KilnError INVALID_ARGUMENT when the announced sizes do not add up to the bytes there are
 *   (a truncated body, or bytes no input claims).
 */
export function sliceBinaryBlobs(blobs: Uint8Array, slots: readonly BinarySlot[]): Uint8Array[] {
  const total = slots.reduce((sum, s) => sum + s.size, 0);
  if (total !== blobs.length) {
    const announced = slots.map((s) => `${s.label} ${s.size}`).join(', ') || 'no input';
    throw protocolError(
      `binary body: the inputs announce ${total} bytes of binary data (${announced}), but ${blobs.length} bytes ` +
        `follow the JSON header${total > blobs.length ? ': the body is truncated' : ''}`,
      {
        field: 'body',
        reason: total > blobs.length ? 'binary_truncated' : 'binary_extra_bytes',
        expected: total,
        got: blobs.length,
      },
    );
  }
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const s of slots) {
    pieces.push(blobs.subarray(at, at + s.size));
    at += s.size;
  }
  return pieces;
}

/**
 * A binary-extension body: the JSON header followed by the blobs. The transport sends
 * `Inference-Header-Content-Length: headerLength`.
 */
export function buildBinaryBody(
  jsonHeader: string,
  blobs: readonly Uint8Array[],
): { body: Buffer; headerLength: number } {
  const header = Buffer.from(jsonHeader, 'utf8');
  return { body: Buffer.concat([header, ...blobs]), headerLength: header.length };
}
