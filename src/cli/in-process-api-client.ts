/**
 * @module cli/in-process-api-client
 * The API in the same process: the local workspace's services behind the real Fastify app, called
 * with `inject` (no port is opened). Access control applies exactly as over HTTP.
 */
import type { KilnHttpApp } from '../server/http/http-app.js';
import { type ApiClient, type ApiRequest, type ApiResponse, buildPath } from './api-client.js';

export class InProcessApiClient implements ApiClient {
  readonly #app: KilnHttpApp;
  readonly #token: string | undefined;
  readonly #onClose: () => Promise<void>;

  constructor(app: KilnHttpApp, token: string | undefined, onClose: () => Promise<void>) {
    this.#app = app;
    this.#token = token;
    this.#onClose = onClose;
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let payload: string | Buffer | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(req.json);
    } else if (req.body) {
      headers['content-type'] = 'application/octet-stream';
      payload = req.body;
    }
    const res = await this.#app.inject({
      method: req.method,
      url: buildPath(req),
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = String(v);
    return { status: res.statusCode, headers: out, body: res.rawPayload };
  }

  async close(): Promise<void> {
    await this.#app.close();
    await this.#onClose();
  }
}
