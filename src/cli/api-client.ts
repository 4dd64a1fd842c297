/**
 * @module cli/api-client
 * How the CLI reaches Kiln's API: in the same process (the Fastify app built on the local
 * workspace, called with `inject`) or over HTTP (`--url`). Both speak the same routes, so every
 * CLI command is also an API call, and local and remote behave alike.
 */
import { isErrorCode, KilnError } from '../core/errors.js';

export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly json?: unknown;
  readonly body?: Buffer;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface ApiClient {
  request(req: ApiRequest): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** Calls the API and returns the parsed JSON body, throwing the server's KilnError on failure. */
export async function callJson<T>(client: ApiClient, req: ApiRequest): Promise<T> {
  const res = await client.request(req);
  throwIfError(res);
  if (res.status === 204 || res.body.length === 0) return undefined as T;
  return JSON.parse(res.body.toString('utf8')) as T;
}

/** Calls the API and returns the raw body bytes. */
export async function callRaw(client: ApiClient, req: ApiRequest): Promise<ApiResponse> {
  const res = await client.request(req);
  throwIfError(res);
  return res;
}

export function throwIfError(res: ApiResponse): void {
  if (res.status < 400) return;
  let parsed: { code?: unknown; message?: unknown; details?: unknown; error?: unknown } = {};
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    // Not JSON: reported below with the status.
  }
  const code = isErrorCode(parsed.code)
    ? parsed.code
    : res.status >= 500
      ? 'REMOTE_ERROR'
      : 'INVALID_ARGUMENT';
  const message =
    typeof parsed.message === 'string'
      ? parsed.message
      : typeof parsed.error === 'string'
        ? parsed.error
        : `the server answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`;
  throw new KilnError(code, message, (parsed.details as Record<string, unknown>) ?? {});
}

export function buildPath(req: ApiRequest): string {
  const q = Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined);
  if (q.length === 0) return req.path;
  return `${req.path}?${new URLSearchParams(q.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** The API over HTTP. */
export class HttpApiClient implements ApiClient {
  readonly #base: string;
  readonly #token: string | undefined;

  constructor(baseUrl: string, token: string | undefined) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#token = token;
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let body: Buffer | string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.body) {
      headers['content-type'] = 'application/octet-stream';
      body = req.body;
    }
    let res: Response;
    try {
      res = await fetch(this.#base + buildPath(req), { method: req.method, headers, body });
    } catch (e) {
      throw new KilnError(
        'UNAVAILABLE',
        `cannot reach Kiln at ${this.#base}: ${(e as Error).cause ?? (e as Error).message}`,
        {
          url: this.#base,
        },
      );
    }
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
    return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
  }

  async close(): Promise<void> {}
}
