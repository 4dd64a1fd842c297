/**
 * @module server/http/routes/drift
 * `POST /api/v1/drift/compare` (viewer): the drift report of `current` against `reference`, each a
 * dataset version (`name@N`) or a data file on the server. File paths are resolved against the
 * workspace folder and must lie inside `data.roots` after symlinks (PATH_NOT_ALLOWED otherwise).
 * The comparison runs in the server process: large exact comparisons keep it busy for seconds per
 * million rows, so prefer `mode: 'sketch'` or the CLI on the data's machine for big inputs.
 */
import { Type } from 'typebox';
import { DRIFT_TEST_NAMES } from '../../../monitor/drift/drift-stats.js';
import type { DriftTestName, PValueCorrection } from '../../../monitor/drift/drift-stats.js';
import { compareSides } from '../../../monitor/drift-compare.js';
import type { RouteModule } from '../http-app.js';

const NameList = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 10_000 });

const CompareBody = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 4096 }),
    current: Type.String({ minLength: 1, maxLength: 4096 }),
    options: Type.Optional(
      Type.Object(
        {
          columns: Type.Optional(NameList),
          categorical: Type.Optional(NameList),
          numeric: Type.Optional(NameList),
          drift_share: Type.Optional(Type.Number()),
          correction: Type.Optional(
            Type.Union([
              Type.Literal('none'),
              Type.Literal('bonferroni'),
              Type.Literal('benjamini-hochberg'),
            ]),
          ),
          tests: Type.Optional(
            Type.Record(Type.String(), Type.Union(DRIFT_TEST_NAMES.map((t) => Type.Literal(t)))),
          ),
          thresholds: Type.Optional(Type.Record(Type.String(), Type.Number())),
          mode: Type.Optional(Type.Union([Type.Literal('exact'), Type.Literal('sketch')])),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const driftRoutes: RouteModule = (app, services) => {
  app.post(
    '/api/v1/drift/compare',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['drift'],
        summary: 'Compare current data with a reference: per-column drift and the dataset verdict',
        body: CompareBody,
      },
    },
    async (request) => {
      const { reference, current, options = {} } = request.body;
      return compareSides(
        reference,
        current,
        {
          columns: options.columns,
          categorical: options.categorical,
          numeric: options.numeric,
          driftShare: options.drift_share,
          correction: options.correction as PValueCorrection | undefined,
          tests: options.tests as Record<string, DriftTestName> | undefined,
          thresholds: options.thresholds,
          mode: options.mode,
        },
        {
          datasets: services.datasets,
          allowedRoots: services.config.data.roots,
          baseDir: services.workspaceDir,
          memoryLimit: services.config.data.duckdb_memory_limit || undefined,
        },
      );
    },
  );
};
