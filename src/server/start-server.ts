/**
 * @module server/start-server
 * Runs Kiln as a server: the HTTP app on its port, the job workers, and start-up housekeeping
 * (registrations left PENDING by a dead process are failed, stale uploads removed). `stop()` stops
 * accepting, drains in-flight requests, then closes in reverse order.
 */

import { fastInfer } from './http/fast-infer.js';
import { buildHttpApp } from './http/http-app.js';
import { ALL_ROUTES } from './http/routes/index.js';
import { startGrpcServer } from './grpc/grpc-server.js';
import type { Kiln } from './open-kiln.js';
import { createServing, type Serving } from './serving.js';

/** A PENDING registration older than this is taken to be dead. */
const INTERRUPTED_AFTER_MS = 10 * 60 * 1000;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly grpcPort: number;
  readonly serving: Serving;
  stop(): Promise<void>;
}

export async function startServer(kiln: Kiln): Promise<RunningServer> {
  const serving = createServing(kiln);
  const { app } = await buildHttpApp({
    services: kiln,
    routes: [...ALL_ROUTES, ...serving.routes],
    logger: kiln.logger,
    // Inference skips Fastify's per-request pipeline on a listening server (same contract).
    fastPaths: [
      fastInfer({
        dataPlane: serving.dataPlane,
        authenticate: (token) => kiln.tokens.authenticate(token),
        bodyLimit: kiln.config.server.body_limit_bytes,
        logError: (fields, message) => kiln.logger.error(fields, message),
      }),
    ],
  });
  const failed = await kiln.registry.failInterruptedRegistrations(INTERRUPTED_AFTER_MS);
  if (failed > 0) kiln.logger.warn({ failed }, 'marked interrupted registrations FAILED');
  await kiln.uploads.sweep(kiln.clock.now().getTime());
  // Partial blobs of writes that died (a killed registration); live writes are far younger.
  await kiln.artifacts.sweepTemporary(kiln.clock.now().getTime(), INTERRUPTED_AFTER_MS);
  await app.listen({ host: kiln.config.server.host, port: kiln.config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : kiln.config.server.port;
  // Every deployment is loaded and warmed before the server reports itself ready.
  await serving.start();
  let grpc: Awaited<ReturnType<typeof startGrpcServer>>;
  try {
    grpc = await startGrpcServer({
      dataPlane: serving.dataPlane,
      authenticate: (token) => kiln.tokens.authenticate(token),
      host: kiln.config.server.host,
      port: kiln.config.server.grpc_port,
      logger: kiln.logger,
    });
  } catch (e) {
    await app.close();
    await serving.close();
    throw e;
  }
  await kiln.jobs.start();
  const url = `http://${kiln.config.server.host.includes(':') ? `[${kiln.config.server.host}]` : kiln.config.server.host}:${port}`;
  kiln.logger.info({ url, grpcPort: grpc.port }, 'kiln serving');
  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    grpcPort: grpc.port,
    serving,
    stop() {
      stopping ??= (async () => {
        // Order: refuse new inference, drain HTTP, drain batchers and release models, close stores.
        serving.stopAccepting();
        await grpc.close();
        // Fastify closes the connections that are idle when closing starts. A keep-alive
        // connection whose in-flight request finishes later would stay open for as long as its
        // client keeps it (up to the keep-alive timeout), holding up shutdown: close those too.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
        }
        await serving.close();
        await kiln.close();
      })();
      return stopping;
    },
  };
}

/** Stops the server on SIGTERM/SIGINT, once; a second signal exits at once. */
export function stopOnSignals(server: RunningServer, onStopped: () => void): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    process.stderr.write(`\n${signal}: draining and shutting down…\n`);
    server.stop().then(onStopped, (e) => {
      process.stderr.write(`shutdown failed: ${(e as Error).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
