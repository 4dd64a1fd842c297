/**
 * gRPC clients for the conformance tests: `inference.GRPCInferenceService` and
 * `grpc.health.v1.Health`, loaded with @grpc/proto-loader from the protos the build copies into
 * `dist/server/grpc/` (keepCase, longs as String, defaults, oneofs — as Triton-style clients read
 * 64-bit values exactly). Calls are promisified; a failed call rejects with the grpc-js error
 * (`code`, `details`, `metadata`).
 */
import { join } from 'node:path';
import {
  type CallOptions,
  type Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { REPO_DIR } from '../support/run-kiln.js';

const PROTO_DIR = join(REPO_DIR, 'dist', 'server', 'grpc');

// biome-ignore lint/suspicious/noExplicitAny: messages are dynamic proto-loader objects; tests read them freely.
export type Message = Record<string, any>;
type UnaryMethod = (
  request: Message,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, response?: Message) => void,
) => void;

export interface GrpcClients {
  /** Calls `inference.GRPCInferenceService/<rpc>`; with the token unless `token` is null. */
  call(rpc: string, request: Message, token?: string | null): Promise<Message>;
  /** Calls `grpc.health.v1.Health/Check`. */
  health(service: string): Promise<Message>;
  /** Sends `bytes` as the serialized request of ModelInfer (with the token), whatever they are. */
  rawModelInfer(bytes: Buffer): Promise<Buffer>;
  close(): void;
}

export function connectGrpc(port: number, defaultToken: string): GrpcClients {
  const definition = loadSync([join(PROTO_DIR, 'grpc_predict_v2.proto'), join(PROTO_DIR, 'health.proto')], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  // biome-ignore lint/suspicious/noExplicitAny: the loaded package's shape is known only at run time.
  const pkg = loadPackageDefinition(definition) as any;
  const address = `127.0.0.1:${port}`;
  const inference: Client = new pkg.inference.GRPCInferenceService(address, credentials.createInsecure());
  const health: Client = new pkg.grpc.health.v1.Health(address, credentials.createInsecure());
  const unary = (client: Client, rpc: string, request: Message, token: string | null) => {
    const metadata = new Metadata();
    if (token !== null) metadata.set('authorization', `Bearer ${token}`);
    const method = (client as unknown as Record<string, UnaryMethod>)[rpc];
    if (typeof method !== 'function') throw new Error(`no RPC ${rpc}`);
    return new Promise<Message>((resolve, reject) => {
      method.call(client, request, metadata, { deadline: Date.now() + 20_000 }, (error, response) => {
        if (error) reject(error);
        else resolve(response!);
      });
    });
  };
  return {
    call: (rpc, request, token = defaultToken) => unary(inference, rpc, request, token),
    health: (service) => unary(health, 'Check', { service }, null),
    rawModelInfer(bytes) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${defaultToken}`);
      return new Promise((resolve, reject) => {
        inference.makeUnaryRequest<Buffer, Buffer>(
          '/inference.GRPCInferenceService/ModelInfer',
          (b) => b,
          (b) => b,
          bytes,
          metadata,
          { deadline: Date.now() + 20_000 },
          (error, response) => (error ? reject(error) : resolve(response!)),
        );
      });
    },
    close() {
      inference.close();
      health.close();
    },
  };
}

/** Resolves with the error of a call that must fail (rejects if it succeeded). */
export async function grpcError(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('the call succeeded, but it was expected to fail');
}
