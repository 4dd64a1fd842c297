/**
 * A small Open Inference Protocol REST client for the conformance tests, written from the spec and
 * Triton's binary extension (not from Kiln's codecs): requests over node:http (so a test controls
 * every header, chunked transfer included), binary-extension bodies built and parsed by hand, and
 * little-endian tensor bytes written with Buffer's own writers.
 */
import { Agent, request } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON (throws with the text when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** Send the body with `Transfer-Encoding: chunked`, in pieces of this many bytes. */
  readonly chunkBytes?: number;
  readonly agent?: Agent;
}

/** One HTTP request; resolves with whatever the server answered, rejects on a socket error. */
export function send(url: string, options: SendOptions = {}): Promise<HttpAnswer> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined && options.chunkBytes === undefined) headers['content-length'] = String(body.length);
  if (options.chunkBytes !== undefined) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buf,
            text: () => buf.toString('utf8'),
            json<T>() {
              try {
                return JSON.parse(buf.toString('utf8')) as T;
              } catch {
                throw new Error(`expected a JSON body, got (${res.statusCode}): ${buf.toString('utf8')}`);
              }
            },
          });
        });
      },
    );
    // The server may answer (413) and close before it has read a large body: the answer is what counts.
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (options.chunkBytes === undefined) req.end(body);
    else {
      const step = options.chunkBytes;
      let at = 0;
      const pump = () => {
        while (at < body.length) {
          const piece = body.subarray(at, at + step);
          at += step;
          if (!req.write(piece)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    }
  });
}

export type JsonBody = Record<string, unknown>;

/** POST a JSON inference request to `/v2/models/{model}[/versions/{v}]/infer`. */
export function inferJson(
  base: string,
  path: string,
  body: JsonBody | string,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpAnswer> {
  return send(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A binary-extension body: JSON header, then the blobs, and the header's length in bytes. */
export function binaryBody(
  header: JsonBody,
  blobs: readonly Buffer[],
): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...blobs]), headerLength: json.length };
}

export interface OutputEntry {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  data?: unknown[];
}

export interface InferAnswer {
  model_name: string;
  model_version?: string;
  id: string;
  outputs: OutputEntry[];
}

/**
 * Splits a binary-extension response: the JSON header (`Inference-Header-Content-Length` bytes),
 * then one blob per output carrying `parameters.binary_data_size`, in the order of `outputs`.
 */
export function parseBinaryResponse(res: HttpAnswer): { header: InferAnswer; blobs: Map<string, Buffer> } {
  const raw = res.headers['inference-header-content-length'];
  if (typeof raw !== 'string') throw new Error(`no Inference-Header-Content-Length header: ${res.text()}`);
  const headerLength = Number(raw);
  const header = JSON.parse(res.body.subarray(0, headerLength).toString('utf8')) as InferAnswer;
  const blobs = new Map<string, Buffer>();
  let at = headerLength;
  for (const o of header.outputs) {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) continue;
    if (typeof size !== 'number') throw new Error(`binary_data_size of ${o.name} is ${String(size)}`);
    blobs.set(o.name, res.body.subarray(at, at + size));
    at += size;
  }
  if (at !== res.body.length) throw new Error(`${res.body.length - at} bytes after the last binary output`);
  return { header, blobs };
}

/** Little-endian bytes of numeric elements, written by Buffer (independent of Kiln's encoder). */
export function leBytes(datatype: string, values: readonly (number | bigint | boolean)[]): Buffer {
  const size: Record<string, number> = {
    BOOL: 1,
    UINT8: 1,
    INT8: 1,
    UINT16: 2,
    INT16: 2,
    FP16: 2,
    UINT32: 4,
    INT32: 4,
    FP32: 4,
    UINT64: 8,
    INT64: 8,
    FP64: 8,
  };
  const n = size[datatype];
  if (n === undefined) throw new Error(`no fixed size for ${datatype}`);
  const buf = Buffer.alloc(values.length * n);
  values.forEach((v, i) => {
    const at = i * n;
    switch (datatype) {
      case 'BOOL':
        buf.writeUInt8(v ? 1 : 0, at);
        break;
      case 'UINT8':
        buf.writeUInt8(Number(v), at);
        break;
      case 'INT8':
        buf.writeInt8(Number(v), at);
        break;
      case 'UINT16':
      case 'FP16': // FP16 values are given as their half-precision bit patterns
        buf.writeUInt16LE(Number(v), at);
        break;
      case 'INT16':
        buf.writeInt16LE(Number(v), at);
        break;
      case 'UINT32':
        buf.writeUInt32LE(Number(v), at);
        break;
      case 'INT32':
        buf.writeInt32LE(Number(v), at);
        break;
      case 'FP32':
        buf.writeFloatLE(Number(v), at);
        break;
      case 'FP64':
        buf.writeDoubleLE(Number(v), at);
        break;
      case 'UINT64':
        buf.writeBigUInt64LE(BigInt(v), at);
        break;
      case 'INT64':
        buf.writeBigInt64LE(BigInt(v), at);
        break;
    }
  });
  return buf;
}

/** BYTES elements in the binary layout: a 4-byte little-endian length, then the UTF-8 bytes. */
export function bytesElements(values: readonly string[]): Buffer {
  return Buffer.concat(
    values.flatMap((s) => {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      return [len, b];
    }),
  );
}

/**
 * The `data` array of output `name` in a JSON response, as the literal texts of its elements —
 * read from the text, so 64-bit integers past 2^53 are compared exactly (JSON.parse would round).
 */
export function dataLiterals(responseText: string, name: string): string[] {
  const re = new RegExp(`"name":${JSON.stringify(name)}[^{}]*?"data":\\[([^\\]]*)\\]`);
  const m = re.exec(responseText);
  if (!m) throw new Error(`no data for ${name} in ${responseText}`);
  return m[1] === '' ? [] : m[1].split(',');
}

/** A keep-alive agent for the many-request tests. */
export function keepAliveAgent(maxSockets = 32): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}
