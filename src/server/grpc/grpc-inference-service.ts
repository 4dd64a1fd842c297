/**
 * @module server/grpc/grpc-inference-service
 * The six RPCs of `inference.GRPCInferenceService` over the protocol-neutral data plane: each
 * checks access, decodes, calls the data plane, encodes — nothing more.
 *
 * Access: ServerLive and ServerReady are open (they are probes). ServerMetadata, ModelReady and
 * ModelMetadata need `viewer`. ModelInfer needs `predictor` unless the deployment is public; for a
 * deployment that does not exist the token is checked first, so an unknown caller learns nothing
 * about which deployments exist (NOT_FOUND comes only after authentication).
 */
import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { DataPlane } from '../../serve/data-plane.js';
import type { ProtocolLimits } from '../../serve/protocol/infer-types.js';
import { type Authenticate, authorize, type RpcAccess } from './grpc-access.js';
import { decodeModelInferRequest, encodeModelInferResponse } from './grpc-infer-codec.js';
import type { ModelInferRequestMsg, ModelRefMsg } from './grpc-messages.js';

/** What the gRPC transport needs of the data plane. */
export type GrpcDataPlane = Pick<
  DataPlane,
  'live' | 'ready' | 'serverMetadata' | 'served' | 'modelReady' | 'modelMetadata' | 'infer'
>;

/**
 * An RPC body: gets the call, resolves to the response message or rejects with a KilnError.
 * (`never`: each handler names its own request type; grpc-js does not check them.)
 */
export type RpcHandler = (call: ServerUnaryCall<never, unknown>) => Promise<unknown>;

/** Dependencies of the inference service. */
export interface InferenceServiceDeps {
  readonly dataPlane: GrpcDataPlane;
  readonly authenticate: Authenticate;
  readonly limits: ProtocolLimits;
}

/** The handlers of `inference.GRPCInferenceService`, by RPC name. */
export function inferenceHandlers(deps: InferenceServiceDeps): Record<string, RpcHandler> {
  const { dataPlane, authenticate, limits } = deps;
  const access = (call: ServerUnaryCall<unknown, unknown>, need: RpcAccess, rpc: string) =>
    authorize(call.metadata, need, authenticate, rpc);
  const version = (v: string) => (v === '' ? undefined : v);

  return {
    async ServerLive() {
      return { live: dataPlane.live() };
    },
    async ServerReady() {
      return { ready: dataPlane.ready() };
    },
    async ServerMetadata(call) {
      await access(call, 'viewer', 'ServerMetadata');
      return dataPlane.serverMetadata();
    },
    async ModelReady(call: ServerUnaryCall<ModelRefMsg, unknown>) {
      await access(call, 'viewer', 'ModelReady');
      return { ready: dataPlane.modelReady(call.request.name, version(call.request.version)) };
    },
    async ModelMetadata(call: ServerUnaryCall<ModelRefMsg, unknown>) {
      await access(call, 'viewer', 'ModelMetadata');
      return dataPlane.modelMetadata(call.request.name, version(call.request.version));
    },
    async ModelInfer(call: ServerUnaryCall<ModelInferRequestMsg, unknown>) {
      const msg = call.request;
      await access(call, inferAccess(dataPlane, msg.model_name), 'ModelInfer');
      // Unknown model or version: NOT_FOUND before any decoding work, as REST does.
      dataPlane.served(msg.model_name, version(msg.model_version));
      const { request, rawOutputs } = decodeModelInferRequest(msg, limits);
      const response = await dataPlane.infer(msg.model_name, version(msg.model_version), request);
      return encodeModelInferResponse(response, rawOutputs);
    },
  };
}

/** `predictor`, or open for a public deployment; an unknown one needs a token before its 404. */
function inferAccess(dataPlane: GrpcDataPlane, name: string): RpcAccess {
  try {
    return dataPlane.served(name).public ? 'open' : 'predictor';
  } catch {
    return 'predictor';
  }
}
