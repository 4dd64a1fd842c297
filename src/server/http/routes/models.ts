/**
 * @module server/http/routes/models
 * Registry routes under `/api/v1`: models, uploads, versions, aliases, model cards, search and
 * model download. Each handler decodes, calls the registry, encodes.
 */
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { KilnError } from '../../../core/errors.js';
import { renderModelCardHtml, renderModelCardMarkdown } from '../../../registry/model-card-render.js';
import { searchModels, searchVersions } from '../../../registry/registry-search.js';
import { registerModelVersion } from '../../../registry/version-registration.js';
import type { RouteModule } from '../http-app.js';
import { ModelVersionSchema, PageQuery, pageOf, RegisteredModelSchema } from '../registry-schemas.js';
import { actorOf, versionParam } from './route-helpers.js';

const NameParams = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), version: Type.String() });
const ForceQuery = Type.Object({ force: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const modelRoutes: RouteModule = (app, services) => {
  const { registry } = services;

  app.post(
    '/api/v1/models',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['registry'],
        summary: 'Create a registered model',
        body: Type.Object(
          {
            name: Type.String(),
            description: Type.Optional(Type.String()),
            owner: Type.Optional(Type.String()),
            tags: Type.Optional(Type.Record(Type.String(), Type.String())),
          },
          { additionalProperties: false },
        ),
        response: { 201: RegisteredModelSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await registry.createModel(actorOf(request), request.body)),
  );

  app.get(
    '/api/v1/models',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: 'List or search models (see docs/registry-search.md)',
        querystring: PageQuery,
        response: { 200: pageOf(RegisteredModelSchema) },
      },
    },
    async (request) => searchModels(registry, request.query),
  );

  app.get(
    '/api/v1/models/:name',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: 'Show a model',
        params: NameParams,
        response: { 200: RegisteredModelSchema },
      },
    },
    async (request) => registry.getModel(request.params.name),
  );

  app.patch(
    '/api/v1/models/:name',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['registry'],
        summary: "Edit a model's description, owner or tags",
        params: NameParams,
        body: Type.Object(
          {
            description: Type.Optional(Type.String()),
            owner: Type.Optional(Type.String()),
            tags: Type.Optional(Type.Record(Type.String(), Type.String())),
          },
          { additionalProperties: false },
        ),
        response: { 200: RegisteredModelSchema },
      },
    },
    async (request) => registry.updateModel(actorOf(request), request.params.name, request.body),
  );

  app.delete(
    '/api/v1/models/:name',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['registry'],
        summary: 'Delete a model and its versions (refused while aliased unless force)',
        params: NameParams,
        querystring: ForceQuery,
      },
    },
    async (request, reply) => {
      await registry.deleteModel(actorOf(request), request.params.name, {
        force: request.query.force === true,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/uploads',
    {
      config: { minRole: 'engineer' },
      bodyLimit: services.config.registry.max_model_bytes,
      schema: {
        tags: ['registry'],
        summary:
          'Upload the bytes of an ONNX file (application/octet-stream); register it with POST …/versions',
        response: {
          201: Type.Object({ upload_id: Type.String(), sha256: Type.String(), size_bytes: Type.Integer() }),
        },
      },
    },
    async (request, reply) => {
      // Only the octet-stream parser hands over a stream; any other body was parsed already.
      if (!(request.body instanceof Readable)) {
        throw new KilnError(
          'INVALID_ARGUMENT',
          `content-type: expected application/octet-stream (the bytes of the ONNX file), got ${request.headers['content-type'] ?? 'none'}`,
          { field: 'content-type' },
        );
      }
      const staged = await services.uploads.receive(request.body, services.config.registry.max_model_bytes);
      return reply
        .status(201)
        .send({ upload_id: staged.uploadId, sha256: staged.sha256, size_bytes: staged.sizeBytes });
    },
  );

  app.post(
    '/api/v1/models/:name/versions',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['registry'],
        summary: 'Register an uploaded ONNX file as a new version (the model is created if needed)',
        params: NameParams,
        body: Type.Object(
          {
            upload_id: Type.String(),
            description: Type.Optional(Type.String()),
            model_description: Type.Optional(Type.String()),
            owner: Type.Optional(Type.String()),
            tags: Type.Optional(Type.Record(Type.String(), Type.String())),
            metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
            params: Type.Optional(
              Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
            ),
            lineage: Type.Optional(
              Type.Object(
                { datasets: Type.Optional(Type.Array(Type.String())), run: Type.Optional(Type.String()) },
                { additionalProperties: false },
              ),
            ),
            features: Type.Optional(
              Type.Union([Type.Array(Type.String()), Type.Object({}, { additionalProperties: true })]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ModelVersionSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { path, release } = await services.uploads.claim(b.upload_id);
      let version: Awaited<ReturnType<typeof registerModelVersion>>;
      try {
        version = await registerModelVersion(
          registry,
          actorOf(request),
          request.params.name,
          path,
          {
            description: b.description,
            modelDescription: b.model_description,
            owner: b.owner,
            tags: b.tags,
            metrics: b.metrics,
            params: b.params as Record<string, string> | undefined,
            lineage: b.lineage,
            features: b.features as string[] | undefined,
          },
          {
            maxModelBytes: services.config.registry.max_model_bytes,
            inspectTimeoutMs: services.config.registry.inspect_timeout_ms,
          },
        );
      } finally {
        // The claim moved the upload out of reach at once; this deletes the claimed file.
        await release();
      }
      return reply.status(201).send(version);
    },
  );

  app.get(
    '/api/v1/models/:name/versions',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: "List a model's versions",
        params: NameParams,
        querystring: PageQuery,
        response: { 200: pageOf(ModelVersionSchema) },
      },
    },
    async (request) => {
      await registry.getModel(request.params.name);
      return searchVersions(registry, request.query, [
        { field: 'name', op: '=', value: request.params.name },
      ]);
    },
  );

  app.get(
    '/api/v1/model-versions',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: 'Search versions of all models (see docs/registry-search.md)',
        querystring: PageQuery,
        response: { 200: pageOf(ModelVersionSchema) },
      },
    },
    async (request) => searchVersions(registry, request.query),
  );

  app.get(
    '/api/v1/resolve',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: 'Resolve name, name@version or name@alias to a version',
        querystring: Type.Object({ ref: Type.String() }, { additionalProperties: false }),
        response: { 200: ModelVersionSchema },
      },
    },
    async (request) => registry.resolve(request.query.ref),
  );

  app.get(
    '/api/v1/models/:name/versions/:version',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: 'Show a version',
        params: VersionParams,
        response: { 200: ModelVersionSchema },
      },
    },
    async (request) => registry.getVersion(request.params.name, versionParam(request.params.version)),
  );

  app.delete(
    '/api/v1/models/:name/versions/:version',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['registry'],
        summary: 'Delete a version (refused while an alias points at it unless force)',
        params: VersionParams,
        querystring: ForceQuery,
      },
    },
    async (request, reply) => {
      await registry.deleteVersion(
        actorOf(request),
        request.params.name,
        versionParam(request.params.version),
        {
          force: request.query.force === true,
        },
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/models/:name/versions/:version/content',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['registry'],
        summary: 'Download the ONNX file of a READY version (digest-verified)',
        params: VersionParams,
      },
    },
    async (request, reply) => {
      const { version, bytes } = await registry.readModelBytes(
        `${request.params.name}@${versionParam(request.params.version)}`,
      );
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${version.model}-${version.version}.onnx"`)
        .header('x-kiln-sha256', version.digest ?? '')
        .send(bytes);
    },
  );

  app.put(
    '/api/v1/models/:name/aliases/:alias',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['registry'],
        summary: 'Point an alias at a version (atomic move)',
        params: Type.Object({ name: Type.String(), alias: Type.String() }),
        body: Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            model: Type.String(),
            alias: Type.String(),
            version: Type.Integer(),
            previous: Type.Union([Type.Integer(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { name, alias } = request.params;
      const { previous } = await registry.setAlias(actorOf(request), name, alias, request.body.version);
      return { model: name, alias, version: request.body.version, previous };
    },
  );

  app.delete(
    '/api/v1/models/:name/aliases/:alias',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['registry'],
        summary: 'Remove an alias',
        params: Type.Object({ name: Type.String(), alias: Type.String() }),
      },
    },
    async (request, reply) => {
      await registry.deleteAlias(actorOf(request), request.params.name, request.params.alias);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/models/:name/versions/:version/card',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['registry'],
        summary: 'The model card, as JSON, Markdown or HTML',
        params: VersionParams,
        querystring: Type.Object(
          {
            format: Type.Optional(
              Type.Union([Type.Literal('json'), Type.Literal('markdown'), Type.Literal('html')]),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const card = await registry.getCard(request.params.name, versionParam(request.params.version));
      switch (request.query.format ?? 'json') {
        case 'markdown':
          return reply
            .header('content-type', 'text/markdown; charset=utf-8')
            .send(renderModelCardMarkdown(card));
        case 'html':
          return reply.header('content-type', 'text/html; charset=utf-8').send(renderModelCardHtml(card));
        default:
          return card;
      }
    },
  );

  app.patch(
    '/api/v1/models/:name/versions/:version/card',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['registry'],
        summary: 'Edit sections of the model card (null clears a section)',
        params: VersionParams,
        body: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
      },
    },
    async (request) => {
      if (typeof request.body !== 'object' || request.body === null)
        throw new KilnError('INVALID_ARGUMENT', 'body: expected an object of sections');
      return registry.editCard(
        actorOf(request),
        request.params.name,
        versionParam(request.params.version),
        request.body,
      );
    },
  );
};
