/**
 * @module server/http/routes/inference
 * The Open Inference Protocol over REST (`/v2`): server and model metadata, readiness, inference
 * with JSON or binary-extension bodies, and Triton's `stats`. Inference needs the `predictor` role
 * unless the deployment is public. Handlers decode, call the data plane, encode; errors take the
 * protocol's shape `{"error", "code"}` (see http-app.ts).
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { DataPlane } from '../../../serve/data-plane.js';
import { decodeInferRequest } from '../../../serve/protocol/request-decoder.js';
import { chooseBinaryOutputs } from '../../../serve/protocol/requested-outputs.js';
import { encodeInferResponse } from '../../../serve/protocol/response-encoder.js';
import type { KilnHttpApp, RouteAccess, RouteModule } from '../http-app.js';

const ModelParams = Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) });

/** `predictor`, or open for a public deployment (an unknown one is left to answer 404 after auth). */
function inferenceAccess(dataPlane: DataPlane): RouteAccess {
  return (request: FastifyRequest) => {
    const name = (request.params as { name?: string }).name;
    if (!name) return 'predictor';
    try {
      return dataPlane.served(name).public ? 'open' : 'predictor';
    } catch {
      return 'predictor';
    }
  };
}

export function inferenceRoutes(dataPlane: DataPlane): RouteModule {
  return (app: KilnHttpApp) => {
    app.get(
      '/v2',
      {
        config: { minRole: 'viewer' },
        schema: { tags: ['inference'], summary: 'Server metadata (Open Inference Protocol)' },
      },
      async () => dataPlane.serverMetadata(),
    );

    for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
      app.get(
        base,
        {
          config: { minRole: 'viewer' },
          schema: {
            tags: ['inference'],
            summary: 'Model metadata: inputs, outputs, versions',
            params: ModelParams,
          },
        },
        async (request) => dataPlane.modelMetadata(request.params.name, request.params.version),
      );
      app.get(
        `${base}/ready`,
        {
          config: { minRole: 'viewer' },
          schema: {
            tags: ['inference'],
            summary: 'Model readiness (200 ready, 503 not ready)',
            params: ModelParams,
          },
        },
        async (request, reply) => {
          const ready = dataPlane.modelReady(request.params.name, request.params.version);
          return reply.status(ready ? 200 : 503).send({ name: request.params.name, ready });
        },
      );
      app.get(
        `${base}/stats`,
        {
          config: { minRole: 'viewer' },
          schema: { tags: ['inference'], summary: 'Triton-style model statistics', params: ModelParams },
        },
        async (request) => dataPlane.stats(request.params.name, request.params.version),
      );
    }
    app.get(
      '/v2/models/stats',
      {
        config: { minRole: 'viewer' },
        schema: { tags: ['inference'], summary: 'Statistics of every served model' },
      },
      async () => dataPlane.stats(),
    );

    // Inference bodies are read as raw bytes: the binary extension needs them, and the decoder
    // parses JSON itself (keeping 64-bit integers exact).
    app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
        (scope as KilnHttpApp).post(
          `${base}/infer`,
          {
            config: { minRole: inferenceAccess(dataPlane) },
            schema: {
              tags: ['inference'],
              summary: 'Run inference (JSON, or the binary tensor data extension)',
              params: ModelParams,
            },
          },
          async (request, reply) => {
            const served = dataPlane.served(request.params.name, request.params.version);
            const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
            const decoded = decodeInferRequest(body, request.headers, {
              ...(served.signature ? { signature: served.signature } : {}),
            });
            const response = await dataPlane.infer(request.params.name, request.params.version, decoded);
            const encoded = encodeInferResponse(response, {
              binaryOutputs: chooseBinaryOutputs(
                decoded,
                response.outputs.map((o) => o.name),
              ),
            });
            reply.header('content-type', encoded.contentType);
            for (const [k, v] of Object.entries(encoded.headers)) reply.header(k, v);
            return reply.send(encoded.body);
          },
        );
      }
    });
  };
}
