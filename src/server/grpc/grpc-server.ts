/**
 * @module server/grpc/grpc-server
 * Kiln's gRPC endpoint: `inference.GRPCInferenceService` (the Open Inference Protocol, what
 * Triton's and KServe's gRPC clients call) and `grpc.health.v1.Health`, over the same data plane
 * as REST. Plaintext (h2c), like Triton's default; put TLS in front where it is needed.
 *
 * Lifecycle: `startGrpcServer` resolves once the port is bound (port 0 picks a free one, reported
 * back); `close()` is idempotent: it ends health Watch streams, stops accepting calls, lets
 * in-flight calls finish for up to `shutdownGraceMs`, then cancels what is left.
 */
import { type handleUnaryCall, Server, ServerCredentials, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from '../../serve/protocol/infer-types.js';
import type { Authenticate } from './grpc-access.js';
import { toGrpcFailure } from './grpc-errors.js';
import { createHealthService } from './grpc-health.js';
import { type GrpcDataPlane, inferenceHandlers, type RpcHandler } from './grpc-inference-service.js';
import { serviceDefinitions } from './grpc-protos.js';

/** The logging the server does: bound address, calls that failed on the server's side. */
export type GrpcLogger = Pick<Logger, 'info' | 'error'>;

/** 64 MiB: an FP32 tensor of the default protocol limit (2^24 elements) fits in one message. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface GrpcServerOptions {
  readonly dataPlane: GrpcDataPlane;
  /** Resolves a bearer token to its actor (TokenService.authenticate). */
  readonly authenticate: Authenticate;
  readonly host: string;
  /** 0 binds a free port. */
  readonly port: number;
  readonly logger: GrpcLogger;
  /** Per-tensor bounds; default {@link DEFAULT_PROTOCOL_LIMITS}. */
  readonly limits?: ProtocolLimits;
  /** Largest request message accepted (RESOURCE_EXHAUSTED above); default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** How long `close()` waits for in-flight calls before cancelling them; default 10 s. */
  readonly shutdownGraceMs?: number;
  /** How often health Watch streams look for a change of status; default 1 s. */
  readonly healthPollMs?: number;
}

export interface RunningGrpcServer {
  /** The port bound (the one chosen when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts serving. Rejects when the address cannot be bound (in use, bad host) or the protos fail
 * to load; nothing is left listening then.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { dataPlane, logger } = options;
  const definitions = serviceDefinitions();
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  });
  const handlers = inferenceHandlers({
    dataPlane,
    authenticate: options.authenticate,
    limits: options.limits ?? DEFAULT_PROTOCOL_LIMITS,
  });
  server.addService(
    definitions.inference,
    Object.fromEntries(Object.entries(handlers).map(([rpc, fn]) => [rpc, unary(rpc, fn, logger)])),
  );
  const health = createHealthService(() => dataPlane.ready(), options.healthPollMs);
  server.addService(definitions.health, health.implementation);

  const port = await bind(server, options.host, options.port);
  logger.info({ host: options.host, port }, 'kiln gRPC serving');
  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      closing ??= shutdown(server, health.close, options.shutdownGraceMs ?? 10_000);
      return closing;
    },
  };
}

/** Adapts an async handler to grpc-js: its value is the response, its rejection the status. */
function unary(rpc: string, fn: RpcHandler, logger: GrpcLogger): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    // grpc-js decoded the request with this method's own message type, the one `fn` declares.
    fn(call as ServerUnaryCall<never, unknown>).then(
      (value) => callback(null, value),
      (e: unknown) => {
        const failure = toGrpcFailure(e);
        // Only the server's own failures are logged; bad requests are the caller's to see.
        if (failure.serverFault) logger.error({ err: e, rpc, code: failure.code }, 'gRPC call failed');
        callback(failure.error);
      },
    );
  };
}

function bind(server: Server, host: string, port: number): Promise<number> {
  // An IPv6 literal needs brackets in a gRPC target (`[::1]:0`).
  const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => {
      if (error) {
        server.forceShutdown();
        reject(error);
      } else resolve(bound);
    });
  });
}

async function shutdown(server: Server, endWatches: () => void, graceMs: number): Promise<void> {
  endWatches();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    timer.unref();
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
