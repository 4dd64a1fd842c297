/**
 * @module server/grpc/grpc-health
 * The standard gRPC health service (`grpc.health.v1.Health`), which Kubernetes gRPC probes and
 * Triton clients call. It is open (no token), like REST's `/v2/health/*`. The server as a whole
 * (service `""`) and `inference.GRPCInferenceService` are SERVING while the data plane is ready
 * (`DataPlane.ready()`: every deployment attempted, shutdown not begun), NOT_SERVING otherwise.
 *
 * `Check` on any other service fails with NOT_FOUND, as the health protocol says. `Watch` sends the
 * status at once and again whenever it changes (checked every `pollMs`), and SERVICE_UNKNOWN for
 * other services; its streams end when the server closes.
 */
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { HealthCheckRequestMsg, ServingStatus } from './grpc-messages.js';
import { INFERENCE_SERVICE } from './grpc-protos.js';

/** The services whose health Kiln reports: the whole server and the inference service. */
export const HEALTH_SERVICES: ReadonlySet<string> = new Set(['', INFERENCE_SERVICE]);

type HealthResponse = { status: ServingStatus };

/** The health service's handlers, and `close()` to end open `Watch` streams. */
export interface HealthService {
  readonly implementation: UntypedServiceImplementation;
  /** Ends every open Watch stream; idempotent. */
  close(): void;
}

/** Builds the health service over `ready`; `pollMs` is how often Watch looks for changes. */
export function createHealthService(ready: () => boolean, pollMs = 1000): HealthService {
  const statusOf = (service: string): ServingStatus | null => {
    if (!HEALTH_SERVICES.has(service)) return null;
    return ready() ? 'SERVING' : 'NOT_SERVING';
  };
  const watches = new Set<() => void>();

  const Check: handleUnaryCall<HealthCheckRequestMsg, HealthResponse> = (call, callback) => {
    const s = statusOf(call.request.service);
    if (s === null) {
      callback({
        code: status.NOT_FOUND,
        details: `unknown service ${JSON.stringify(call.request.service)}`,
      });
      return;
    }
    callback(null, { status: s });
  };

  const Watch: handleServerStreamingCall<HealthCheckRequestMsg, HealthResponse> = (call) => {
    const service = call.request.service;
    let last: ServingStatus | undefined;
    const send = () => {
      const s = statusOf(service) ?? 'SERVICE_UNKNOWN';
      if (s !== last) {
        last = s;
        call.write({ status: s });
      }
    };
    const timer = setInterval(send, pollMs);
    // The timer must not keep the process alive on its own; the server does that.
    timer.unref();
    const finish = (end: boolean) => {
      clearInterval(timer);
      watches.delete(endWatch);
      if (end && !call.cancelled) call.end();
    };
    const endWatch = () => finish(true);
    watches.add(endWatch);
    call.on('cancelled', () => finish(false));
    send();
  };

  return {
    implementation: { Check, Watch } as UntypedServiceImplementation,
    close() {
      for (const end of [...watches]) end();
    },
  };
}
