/**
 * Starts a real Kiln gRPC server on 127.0.0.1:0 over the fake models, with a fake token check,
 * and calls it with a real @grpc/grpc-js client built from the same protos.
 *
 * Tokens: `viewer-token`, `predictor-token` and `admin-token` stand for actors of those roles;
 * `broken-token` makes authentication itself fail with a plain Error (an internal failure); any
 * other token is refused with UNAUTHENTICATED.
 */
import { Writable } from 'node:stream';
import {
  Client,
  credentials,
  Metadata,
  type ServiceDefinition,
  type ServiceError,
  type StatusObject,
} from '@grpc/grpc-js';
import pino from 'pino';
import { KilnError } from '../../../core/errors.js';
import type { Actor, Role } from '../../../govern/auth/roles.js';
import type { GrpcDataPlane } from '../grpc-inference-service.js';
import { loadKilnProtos, serviceDefinitions } from '../grpc-protos.js';
import { type RunningGrpcServer, startGrpcServer } from '../grpc-server.js';
import { fakeDataPlane } from './fake-models.js';

const ROLES_BY_TOKEN: Readonly<Record<string, Role>> = {
  'viewer-token': 'viewer',
  'predictor-token': 'predictor',
  'admin-token': 'admin',
};

/** The fake `authenticate`: see the module comment. */
export async function fakeAuthenticate(token: string): Promise<Actor> {
  if (token === 'broken-token') throw new Error(`database exploded while looking up ${token}`);
  const role = ROLES_BY_TOKEN[token];
  if (!role) throw new KilnError('UNAUTHENTICATED', 'authentication failed: the token is not known');
  return { name: role, role };
}

/** A running server and clients of both its services. */
export interface Harness {
  readonly server: RunningGrpcServer;
  /** Every line the server logged, as written (JSON). */
  readonly logLines: string[];
  /** Calls an `inference.GRPCInferenceService` method; `token` goes as a bearer token. */
  call<Res = Record<string, unknown>>(method: string, request: unknown, token?: string): Promise<Res>;
  /** Calls `grpc.health.v1.Health/Check`. */
  healthCheck(service: string): Promise<{ status: string }>;
  /** Opens `grpc.health.v1.Health/Watch`; resolves with the statuses received when the stream ends. */
  healthWatch(service: string, onStatus?: (status: string) => void): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { dataPlane?: GrpcDataPlane; healthPollMs?: number } = {},
): Promise<Harness> {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const server = await startGrpcServer({
    dataPlane: options.dataPlane ?? fakeDataPlane(),
    authenticate: fakeAuthenticate,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'info' }, sink),
    shutdownGraceMs: 2000,
    ...(options.healthPollMs !== undefined ? { healthPollMs: options.healthPollMs } : {}),
  });
  const defs = serviceDefinitions(loadKilnProtos());
  const client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());

  const unary = <Res>(def: ServiceDefinition, method: string, request: unknown, token?: string) => {
    const m = def[method];
    if (!m) throw new Error(`no method ${method}`);
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<Res>((resolve, reject) => {
      client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        request,
        metadata,
        (error, value) => (error ? reject(error) : resolve(value as Res)),
      );
    });
  };

  return {
    server,
    logLines,
    call: (method, request, token) => unary(defs.inference, method, request, token),
    healthCheck: (service) => unary(defs.health, 'Check', { service }),
    healthWatch(service, onStatus) {
      const m = defs.health.Watch!;
      const stream = client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, {
        service,
      });
      const seen: string[] = [];
      return new Promise((resolve, reject) => {
        stream.on('data', (msg: { status: string }) => {
          seen.push(msg.status);
          onStatus?.(msg.status);
        });
        stream.on('status', (s: StatusObject) => (s.code === 0 ? resolve(seen) : reject(s)));
        stream.on('error', () => {}); // the status event reports the outcome
      });
    },
    async close() {
      client.close();
      await server.close();
    },
  };
}

/** The error a call rejects with; fails the test when it resolves. */
export async function grpcErrorOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
