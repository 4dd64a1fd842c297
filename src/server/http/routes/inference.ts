/**
 * @module server/http/routes/inference
 * The Open Inference Protocol over REST (`/v2`): server and model metadata, readiness, inference
 * with JSON or binary-extension bodies, and Triton's `stats`. Inference needs the `predictor` role
 * unless the deployment is public. Handlers decode, call the data plane, encode (rest-infer.ts);
 * errors take the protocol's shape `{"error", "code"}` (see http-app.ts). A listening server answers
 * `…/infer` on a raw `node:http` fast path with the same parts (fast-infer.ts); this route serves
 * `inject` and the API document, and anything the fast path leaves to Fastify.
 */
import { Type } from 'typebox';
import type { DataPlane } from '../../../serve/data-plane.js';
import type { KilnHttpApp, RouteModule } from '../http-app.js';
import { restInfer } from '../rest-infer.js';
import { inferenceAccess } from './inference-access.js';

const ModelParams = Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) });

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
            config: {
              minRole: (request) => inferenceAccess(dataPlane, (request.params as { name?: string }).name),
            },
            schema: {
              tags: ['inference'],
              summary: 'Run inference (JSON, or the binary tensor data extension)',
              params: ModelParams,
            },
          },
          async (request, reply) => {
            const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
            const { name, version } = request.params;
            const encoded = await restInfer(dataPlane, name, version, body, request.headers);
            reply.header('content-type', encoded.contentType);
            for (const [k, v] of Object.entries(encoded.headers)) reply.header(k, v);
            return reply.send(encoded.body);
          },
        );
      }
    });
  };
}
