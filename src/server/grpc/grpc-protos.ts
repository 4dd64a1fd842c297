/**
 * @module server/grpc/grpc-protos
 * Loads Kiln's two gRPC services from the `.proto` files that sit beside this module (the build
 * copies them from `src/` to `dist/`): `inference.GRPCInferenceService` (Open Inference Protocol)
 * and `grpc.health.v1.Health`. The server and test clients load them the same way, so both sides
 * see the message shapes described in `grpc-messages`.
 */
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/** The fully qualified names of the services Kiln serves. */
export const INFERENCE_SERVICE = 'inference.GRPCInferenceService';
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * `longs: String` keeps int64/uint64 exact (a JS number loses digits past 2^53); `defaults: true`
 * gives absent repeated fields as `[]` and absent messages as `null`; `oneofs: true` names the
 * member of `InferParameter` that is set, so `false`, `0` and `""` are told apart from "unset".
 */
export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

const PROTO_FILES = ['grpc_predict_v2.proto', 'health.proto'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);

/** The package definition of both services (parsed anew on each call; the server calls it once). */
export function loadKilnProtos(): PackageDefinition {
  return loadSync(PROTO_FILES, { ...PROTO_LOADER_OPTIONS });
}

/** The service definitions `grpc.Server.addService` takes. */
export function serviceDefinitions(definition: PackageDefinition = loadKilnProtos()): {
  inference: ServiceDefinition;
  health: ServiceDefinition;
} {
  return {
    inference: definition[INFERENCE_SERVICE] as ServiceDefinition,
    health: definition[HEALTH_SERVICE] as ServiceDefinition,
  };
}
