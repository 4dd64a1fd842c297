/**
 * Test helpers for the protocol codecs: build binary-extension request bodies, take response
 * bodies apart, and catch the error a call throws.
 */
import { KilnError } from '../../../core/errors.js';
import { parseLosslessJson } from '../json-body.js';
import type { EncodedResponse } from '../response-encoder.js';

/** A binary-extension request: JSON header then blobs, with the header that announces it. */
export function binaryRequest(
  header: unknown,
  blobs: readonly Uint8Array[] = [],
): { body: Buffer; headers: Record<string, string> } {
  // Bigints (from fuzzed values) go as plain numbers: JSON.stringify cannot write them exactly.
  const json = Buffer.from(
    JSON.stringify(header, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
    'utf8',
  );
  return {
    body: Buffer.concat([json, ...blobs]),
    headers: { 'inference-header-content-length': String(json.length) },
  };
}

/** The JSON header (parsed losslessly) and the bytes after it of an encoded response. */
/** An output as a response's JSON carries it. */
export interface JsonOutput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  data?: unknown[];
}

export function splitResponse(encoded: EncodedResponse): {
  json: { outputs: JsonOutput[]; [key: string]: unknown };
  rest: Buffer;
} {
  const n = Number(encoded.headers['Inference-Header-Content-Length'] ?? encoded.body.length);
  return {
    json: parseLosslessJson(encoded.body.subarray(0, n).toString('utf8')) as { outputs: JsonOutput[] },
    rest: encoded.body.subarray(n),
  };
}

/** The KilnError `fn` throws; fails the test when it throws something else or nothing. */
export function kilnErrorOf(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw new Error(`expected a KilnError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a KilnError, but nothing was thrown');
}

/** Bytes from a hex string. */
export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}
