/**
 * @module server/http/routes/data
 * Datasets, pipeline runs, validation, profiling and suggestion (`/api/v1`). Reading needs
 * `viewer`; running a pipeline or a validation needs `engineer`. Every file path arriving here
 * must resolve, after symlinks, inside `data.roots` (relative paths resolve against the workspace).
 */
import { Type } from 'typebox';
import { KilnError } from '../../../core/errors.js';
import { diffVersions } from '../../../ingest/datasets/dataset-diff.js';
import { renderSuggestionYaml } from '../../../validate/profile/suggestion-yaml.js';
import { renderProfileHtml } from '../../../validate/reports/profile-report.js';
import { renderValidationHtml } from '../../../validate/reports/validation-report.js';
import { parseSuite } from '../../../validate/suite-file.js';
import type { ResultFormat } from '../../../validate/suite-types.js';
import type { RouteModule } from '../http-app.js';
import { runToWire, versionToWire } from './data-wire.js';
import { actorOf } from './route-helpers.js';

const RefParams = Type.Object({ ref: Type.String() });
const NameParams = Type.Object({ name: Type.String() });
const ResultFormats = Type.Union([
  Type.Literal('BOOLEAN_ONLY'),
  Type.Literal('BASIC'),
  Type.Literal('SUMMARY'),
  Type.Literal('COMPLETE'),
]);

export const dataRoutes: RouteModule = (app, services) => {
  const { datasets, pipelineRuns, pipelines, dataChecks } = services;
  const targetOptions = () => ({ baseDir: services.workspaceDir, allowedRoots: services.config.data.roots });

  app.get(
    '/api/v1/datasets',
    { config: { minRole: 'viewer' }, schema: { tags: ['data'], summary: 'List datasets' } },
    async () => ({ datasets: await datasets.list() }),
  );
  app.get(
    '/api/v1/datasets/:name/versions',
    {
      config: { minRole: 'viewer' },
      schema: { tags: ['data'], summary: "List a dataset's versions", params: NameParams },
    },
    async (request) => ({
      versions: (await datasets.versions(request.params.name)).map((v) => versionToWire(v)),
    }),
  );
  app.get(
    '/api/v1/datasets/:ref',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['data'],
        summary: 'Show a dataset version (`name@N`, or `name` for the latest)',
        params: RefParams,
        querystring: Type.Object({ profile: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request) =>
      versionToWire(await datasets.getVersion(request.params.ref), request.query.profile === true),
  );
  app.get(
    '/api/v1/datasets/:ref/head',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['data'],
        summary: 'The first rows of a dataset version',
        params: RefParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => datasets.head(request.params.ref, request.query.limit ?? 10),
  );
  app.get(
    '/api/v1/datasets/:ref/diff',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['data'],
        summary: 'Schema and statistics changes from this version to another',
        params: RefParams,
        querystring: Type.Object({ to: Type.String(), all: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request) => {
      const [a, b] = await Promise.all([
        datasets.getVersion(request.params.ref),
        datasets.getVersion(request.query.to),
      ]);
      return diffVersions(a, b, { all: request.query.all === true });
    },
  );
  app.post(
    '/api/v1/data/profile',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['data'],
        summary: 'Profile a dataset version (stored profile) or a data file; JSON or self-contained HTML',
        body: Type.Object(
          {
            target: Type.String(),
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { label, profile } = await dataChecks.profile(request.body.target, targetOptions());
      if (request.body.format === 'html') {
        return reply
          .type('text/html; charset=utf-8')
          .send(renderProfileHtml(profile, { title: `Profile of ${label}` }));
      }
      return { target: label, profile };
    },
  );
  app.post(
    '/api/v1/data/suggest',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['data'],
        summary: "Suggest an expectation suite from a target's profile (Deequ's rules); JSON and YAML",
        body: Type.Object(
          { target: Type.String(), name: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const target = request.body.target;
      const name = request.body.name ?? defaultSuiteName(target);
      const suite = await dataChecks.suggest(target, name, targetOptions());
      return { suite, yaml: renderSuggestionYaml(suite, { source: target }) };
    },
  );
  app.post(
    '/api/v1/data/validate',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['data'],
        summary:
          'Validate a data file or dataset version against a Great-Expectations suite (success false is not an HTTP error)',
        body: Type.Object(
          {
            target: Type.String(),
            suite: Type.Optional(Type.Unknown()),
            suite_text: Type.Optional(Type.String()),
            result_format: Type.Optional(ResultFormats),
            key_columns: Type.Optional(Type.Array(Type.String())),
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      if ((b.suite === undefined) === (b.suite_text === undefined)) {
        throw new KilnError(
          'INVALID_ARGUMENT',
          'body: give exactly one of "suite" (an object) or "suite_text"',
          {
            field: 'suite',
          },
        );
      }
      const suite =
        b.suite_text !== undefined
          ? parseSuite(b.suite_text, 'suite_text')
          : parseSuite(JSON.stringify(b.suite), 'suite');
      const result = await dataChecks.validate(b.target, suite, {
        ...targetOptions(),
        ...(b.result_format ? { resultFormat: b.result_format as ResultFormat } : {}),
        ...(b.key_columns ? { keyColumns: b.key_columns } : {}),
      });
      if (b.format === 'html') {
        return reply
          .type('text/html; charset=utf-8')
          .send(renderValidationHtml(result, { title: `Validation of ${result.meta.data}` }));
      }
      return result;
    },
  );

  app.post(
    '/api/v1/pipelines/runs',
    {
      config: { minRole: 'engineer' },
      schema: {
        tags: ['data'],
        summary:
          'Run a pipeline spec (a path inside data.roots); answers when the run ends with the run and its dataset version',
        body: Type.Object(
          { spec: Type.String(), force: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { resolveDataPath } = await import('../../../ingest/paths/resolve-data-path.js');
      const [spec] = await resolveDataPath(request.body.spec, { ...targetOptions(), field: 'spec' });
      const r = await pipelines.run(actorOf(request), {
        specPath: spec!.path,
        allowedRoots: services.config.data.roots,
        env: {},
        force: request.body.force === true,
      });
      return reply.status(201).send({
        run: runToWire(r.run),
        dataset: r.dataset ? versionToWire(r.dataset) : null,
        reused: r.reused,
        quarantine: r.quarantine ? versionToWire(r.quarantine) : null,
        validation: r.validation,
      });
    },
  );
  app.get(
    '/api/v1/pipelines/runs',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['data'],
        summary: 'Pipeline runs, newest first',
        querystring: Type.Object({
          pipeline: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
      },
    },
    async (request) => ({
      runs: (
        await pipelineRuns.list({
          ...(request.query.pipeline ? { pipeline: request.query.pipeline } : {}),
          ...(request.query.limit ? { limit: request.query.limit } : {}),
        })
      ).map(runToWire),
    }),
  );
  app.get(
    '/api/v1/pipelines/runs/:id',
    {
      config: { minRole: 'viewer' },
      schema: { tags: ['data'], summary: 'One pipeline run', params: Type.Object({ id: Type.String() }) },
    },
    async (request) => runToWire(await pipelineRuns.get(request.params.id)),
  );
};

/** `transactions@3` → `transactions`; `data/new.csv` → `new`. */
export function defaultSuiteName(target: string): string {
  const base = target.split(/[\\/]/).at(-1) ?? target;
  const name = base.includes('@') ? base.slice(0, base.indexOf('@')) : base.replace(/\.[^.]*$/, '');
  return name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'suite';
}
