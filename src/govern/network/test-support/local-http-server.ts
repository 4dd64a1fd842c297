/**
 * @module govern/network/test-support/local-http-server
 * A real HTTP server on 127.0.0.1 (port 0) for tests of outbound calls: it records every request
 * (method, path, headers, body) and answers with whatever the test's responder says.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Writes the answer to one request; may leave it unanswered (to test timeouts). */
export type Responder = (req: ReceivedRequest, res: ServerResponse) => void;

export interface LocalHttpServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly received: ReceivedRequest[];
  /** Replaces the responder (default: 200 with body `ok`). */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startLocalHttpServer(): Promise<LocalHttpServer> {
  const received: ReceivedRequest[] = [];
  let responder: Responder = (_req, res) => res.end('ok');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(r);
      responder(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    received,
    respond(r) {
      responder = r;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
