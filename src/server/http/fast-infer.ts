/**
 * @module server/http/fast-infer
 * `POST /v2/models/{m}[/versions/{v}]/infer` answered straight from `node:http`, before Fastify's
 * router, hooks, content-type parsing and reply pipeline. On a small model those cost more server
 * CPU than the inference itself (docs/serving.md, "The inference hot path"), and this is the
 * route a production client calls thousands of times a second.
 *
 * The contract is the Fastify route's, kept here by sharing its parts: the same access rule
 * ({@link inferenceAccess}: open for a public deployment, else a `predictor` token, checked before
 * the body is read), the same body limit (413 PAYLOAD_TOO_LARGE, announced or streamed, after which
 * the connection is closed), the same decode–infer–encode core ({@link restInfer}) and the same
 * error shape `{"error", "code"}` with `Retry-After` on 503. Anything it does not recognise — other
 * methods, a query string, an undecodable or over-long path segment — falls through to Fastify,
 * which words the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf, type KilnError } from '../../core/errors.js';
import type { Actor } from '../../govern/auth/roles.js';
import type { DataPlane } from '../../serve/data-plane.js';
import { authenticateHeader, bodyTooLarge, checkRole, type FastPath, toHttpKilnError } from './http-app.js';
import { restInfer } from './rest-infer.js';
import { inferenceAccess } from './routes/inference-access.js';

export interface FastInferOptions {
  readonly dataPlane: DataPlane;
  readonly authenticate: (token: string) => Promise<Actor>;
  /** `server.body_limit_bytes`. */
  readonly bodyLimit: number;
  /** Where 5xx answers other than 503 are logged. */
  readonly logError: (fields: Record<string, unknown>, message: string) => void;
  /** The router's limit on one path segment; longer ones are left to Fastify to refuse. */
  readonly maxParamLength?: number;
}

/** The client closed the connection before its body was complete: nobody to answer, nothing to log. */
class ClientGone extends Error {}

const INFER_PATH = /^\/v2\/models\/([^/?#]+)(?:\/versions\/([^/?#]+))?\/infer$/;
const JSON_TYPE = 'application/json';

/** The fast path for inference; register it with `buildHttpApp({ fastPaths })`. */
export function fastInfer(options: FastInferOptions): FastPath {
  const maxParam = options.maxParamLength ?? 1024;
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith('/v2/models/')) return false;
    const m = INFER_PATH.exec(url);
    if (m === null) return false;
    const name = decodeSegment(m[1]!, maxParam);
    const version = m[2] === undefined ? undefined : decodeSegment(m[2], maxParam);
    if (name === null || version === null) return false;
    const route = m[2] === undefined ? '/v2/models/:name/infer' : '/v2/models/:name/versions/:version/infer';
    answer(options, req, res, name, version, route).catch((e: unknown) => sendError(options, res, e));
    return true;
  };
}

async function answer(
  options: FastInferOptions,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  version: string | undefined,
  route: string,
): Promise<void> {
  const need = inferenceAccess(options.dataPlane, name);
  if (need !== 'open') {
    const actor = await authenticateHeader(req.headers.authorization, options.authenticate);
    checkRole(actor, need, `POST ${route}`);
  }
  const body = await readBody(req, res, options.bodyLimit);
  const encoded = await restInfer(options.dataPlane, name, version, body, req.headers);
  const headers: Record<string, string | number> = {
    'content-type': encoded.contentType,
    'content-length': encoded.body.length,
  };
  for (const [k, v] of Object.entries(encoded.headers)) headers[k] = v;
  res.writeHead(200, headers);
  res.end(encoded.body);
}

/** The whole body, or PAYLOAD_TOO_LARGE as soon as it is known to be over the limit. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      // The rest of the body is not read: close the connection once the answer is out.
      res.shouldKeepAlive = false;
      req.removeAllListeners('data');
      reject(bodyTooLarge(limit));
    };
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', () => reject(new ClientGone('the client closed the connection mid-body')));
  });
}

function sendError(options: FastInferOptions, res: ServerResponse, e: unknown): void {
  if (e instanceof ClientGone) {
    res.destroy();
    return;
  }
  const kiln: KilnError = toHttpKilnError(e instanceof Error ? e : new Error(String(e)));
  const status = httpStatusOf(kiln.code);
  if (status >= 500 && status !== 503) options.logError({ err: e, code: kiln.code }, 'request failed');
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: kiln.message, code: kiln.code });
  const headers: Record<string, string | number> = {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  };
  if (status === 503) {
    const after = kiln.details.retryAfterSeconds;
    headers['retry-after'] = String(typeof after === 'number' ? Math.max(1, Math.ceil(after)) : 1);
  }
  res.writeHead(status, headers);
  res.end(body);
}

/** A percent-decoded path segment, or null (left to the router) when it cannot be decoded or is too long. */
function decodeSegment(raw: string, max: number): string | null {
  if (raw.length > max) return null;
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
