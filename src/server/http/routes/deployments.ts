/**
 * @module server/http/routes/deployments
 * Deployments (control plane): create, list, show, update, delete. Reading needs `viewer`;
 * changing needs `deployer`. Settings use snake_case on the wire (Triton's names for batching);
 * `subject_key`, `score_output` and `threshold` take null to clear them.
 */
import { Type } from 'typebox';
import type { Deployment } from '../../../deploy/deployment-service.js';
import type { RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

const SettingsFields = {
  max_batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  max_queue_delay_microseconds: Type.Optional(Type.Integer({ minimum: 0 })),
  preferred_batch_size: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }))),
  max_queue_size: Type.Optional(Type.Integer({ minimum: 1 })),
  timeout_microseconds: Type.Optional(Type.Integer({ minimum: 0 })),
  workers: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 64 }), Type.Literal('auto')])),
  intra_op_threads: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 64 }), Type.Literal('auto')]),
  ),
  log_inputs: Type.Optional(Type.Boolean()),
  pii: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
  pii_mode: Type.Optional(Type.Union([Type.Literal('drop'), Type.Literal('hash')])),
  // Null first: with type coercion on, a null tried against String first would become "".
  subject_key: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  retention: Type.Optional(Type.String()),
  score_output: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  threshold: Type.Optional(Type.Union([Type.Null(), Type.Number()])),
  public: Type.Optional(Type.Boolean()),
};

export const DeploymentSchema = Type.Object({
  name: Type.String(),
  model: Type.String(),
  public: Type.Boolean(),
  settings: Type.Object({
    max_batch_size: Type.Integer(),
    max_queue_delay_microseconds: Type.Integer(),
    preferred_batch_size: Type.Array(Type.Integer()),
    max_queue_size: Type.Integer(),
    timeout_microseconds: Type.Integer(),
    workers: Type.Union([Type.Integer(), Type.String()]),
    intra_op_threads: Type.Union([Type.Integer(), Type.String()]),
    log_inputs: Type.Boolean(),
    pii: Type.Array(Type.String()),
    pii_mode: Type.String(),
    subject_key: Type.Union([Type.String(), Type.Null()]),
    retention: Type.String(),
    score_output: Type.Union([Type.String(), Type.Null()]),
    threshold: Type.Union([Type.Number(), Type.Null()]),
  }),
  created_by: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** The wire form uses Triton's snake_case names. */
export function deploymentToWire(d: Deployment) {
  return {
    name: d.name,
    model: d.model,
    public: d.public,
    settings: {
      max_batch_size: d.settings.maxBatchSize,
      max_queue_delay_microseconds: d.settings.maxQueueDelayMicros,
      preferred_batch_size: d.settings.preferredBatchSizes,
      max_queue_size: d.settings.maxQueueSize,
      timeout_microseconds: d.settings.timeoutMicros,
      workers: d.settings.workers,
      intra_op_threads: d.settings.intraOpThreads,
      log_inputs: d.settings.logInputs,
      pii: d.settings.pii,
      pii_mode: d.settings.piiMode,
      subject_key: d.settings.subjectKey,
      retention: d.settings.retention,
      score_output: d.settings.scoreOutput,
      threshold: d.settings.threshold,
    },
    created_by: d.createdBy,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

interface SettingsBody {
  max_batch_size?: number;
  max_queue_delay_microseconds?: number;
  preferred_batch_size?: number[];
  max_queue_size?: number;
  timeout_microseconds?: number;
  workers?: number | 'auto';
  intra_op_threads?: number | 'auto';
  log_inputs?: boolean;
  pii?: string[];
  pii_mode?: 'drop' | 'hash';
  subject_key?: string | null;
  retention?: string;
  score_output?: string | null;
  threshold?: number | null;
  public?: boolean;
}

function settingsFromWire(b: SettingsBody) {
  return {
    maxBatchSize: b.max_batch_size,
    maxQueueDelayMicros: b.max_queue_delay_microseconds,
    preferredBatchSizes: b.preferred_batch_size,
    maxQueueSize: b.max_queue_size,
    timeoutMicros: b.timeout_microseconds,
    workers: b.workers,
    intraOpThreads: b.intra_op_threads,
    logInputs: b.log_inputs,
    pii: b.pii,
    piiMode: b.pii_mode,
    subjectKey: b.subject_key,
    retention: b.retention,
    scoreOutput: b.score_output,
    threshold: b.threshold,
    public: b.public,
  };
}

export const deploymentRoutes: RouteModule = (app, services) => {
  const { deployments } = services;
  const NameParams = Type.Object({ name: Type.String() });

  app.post(
    '/api/v1/deployments',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['deployments'],
        summary: 'Create a deployment serving model@version or model@alias',
        body: Type.Object(
          { name: Type.String(), model: Type.String(), ...SettingsFields },
          { additionalProperties: false },
        ),
        response: { 201: DeploymentSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const d = await deployments.create(actorOf(request), {
        name: b.name,
        model: b.model,
        ...settingsFromWire(b),
      });
      return reply.status(201).send(deploymentToWire(d));
    },
  );
  app.get(
    '/api/v1/deployments',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['deployments'],
        summary: 'List deployments',
        response: { 200: Type.Object({ deployments: Type.Array(DeploymentSchema) }) },
      },
    },
    async () => ({ deployments: (await deployments.list()).map(deploymentToWire) }),
  );
  app.get(
    '/api/v1/deployments/:name',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['deployments'],
        summary: 'Show a deployment',
        params: NameParams,
        response: { 200: DeploymentSchema },
      },
    },
    async (request) => deploymentToWire(await deployments.get(request.params.name)),
  );
  app.patch(
    '/api/v1/deployments/:name',
    {
      config: { minRole: 'deployer' },
      schema: {
        tags: ['deployments'],
        summary:
          'Change what a deployment serves or how; running servers switch within a second without failing requests',
        params: NameParams,
        body: Type.Object(
          { model: Type.Optional(Type.String()), ...SettingsFields },
          { additionalProperties: false },
        ),
        response: { 200: DeploymentSchema },
      },
    },
    async (request) => {
      const b = request.body;
      return deploymentToWire(
        await deployments.update(actorOf(request), request.params.name, {
          model: b.model,
          ...settingsFromWire(b),
        }),
      );
    },
  );
  app.delete(
    '/api/v1/deployments/:name',
    {
      config: { minRole: 'deployer' },
      schema: { tags: ['deployments'], summary: 'Delete a deployment', params: NameParams },
    },
    async (request, reply) => {
      await deployments.delete(actorOf(request), request.params.name);
      return reply.status(204).send();
    },
  );
};
