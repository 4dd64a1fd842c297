/**
 * @module server/http/rest-infer
 * One REST inference exchange, transport aside: body bytes and headers in, an encoded response out.
 * Both ways into `POST /v2/models/{m}[/versions/{v}]/infer` call it — the Fastify route (which
 * `inject`-based tests and the OpenAPI document see) and the raw `node:http` fast path that a
 * listening server answers with (fast-infer.ts) — so the two cannot drift apart.
 */
import type { DataPlane } from '../../serve/data-plane.js';
import { decodeInferRequest, type RequestHeaders } from '../../serve/protocol/request-decoder.js';
import { chooseBinaryOutputs } from '../../serve/protocol/requested-outputs.js';
import { type EncodedResponse, encodeInferResponse } from '../../serve/protocol/response-encoder.js';

/**
 * Decodes the body (JSON or the binary extension), runs it through the data plane, encodes the answer.
 * @throws KilnError from decoding (INVALID_JSON, INVALID_ARGUMENT, PAYLOAD_TOO_LARGE), from the data
 *   plane (DEPLOYMENT_NOT_FOUND, MODEL_VERSION_NOT_FOUND, DEPLOYMENT_NOT_READY, UNAVAILABLE, …).
 */
export async function restInfer(
  dataPlane: DataPlane,
  name: string,
  version: string | undefined,
  body: Uint8Array,
  headers: RequestHeaders,
): Promise<EncodedResponse> {
  const served = dataPlane.served(name, version);
  const decoded = decodeInferRequest(body, headers, served.signature ? { signature: served.signature } : {});
  const response = await dataPlane.infer(name, version, decoded);
  return encodeInferResponse(response, {
    binaryOutputs: chooseBinaryOutputs(
      decoded,
      response.outputs.map((o) => o.name),
    ),
  });
}
