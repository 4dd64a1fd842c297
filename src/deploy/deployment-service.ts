/**
 * @module deploy/deployment-service
 * Deployments: named inference endpoints, each serving a model version (`fraud@3`) or an alias
 * (`fraud@champion`, followed as it moves), with batching settings, a worker count and a `public`
 * flag. Stored in the metadata store and audited; every change bumps the `deployments` revision
 * that serving replicas poll, so a running server converges within a second.
 */
import type { Clock } from '../core/clock.js';
import { invalid, KilnError } from '../core/errors.js';
import { assertName, parseModelRef } from '../core/names.js';
import type { AuditLog } from '../govern/audit/audit-log.js';
import type { Actor } from '../govern/auth/roles.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { ModelVersion } from '../registry/registry-types.js';
import { isLoggedColumn, knownColumns } from '../monitor/inference-log/log-columns.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { bumpRevision } from '../store/revisions.js';
import type { DeploymentsTable } from '../store/schema.js';
import {
  DEFAULT_SETTINGS,
  type DeploymentSettings,
  type DeploymentSettingsInput,
  resolveSettings,
} from './deployment-settings.js';

export interface Deployment {
  readonly name: string;
  /** `model@version` or `model@alias`. */
  readonly model: string;
  readonly settings: DeploymentSettings;
  readonly public: boolean;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DeploymentInput extends DeploymentSettingsInput {
  readonly name: string;
  readonly model: string;
  readonly public?: boolean | undefined;
}

export interface DeploymentPatch extends DeploymentSettingsInput {
  readonly model?: string | undefined;
  readonly public?: boolean | undefined;
}

export const DEPLOYMENTS_REVISION = 'deployments';

export class DeploymentService {
  readonly #store: MetadataStore;
  readonly #audit: AuditLog;
  readonly #registry: RegistryService;
  readonly #clock: Clock;

  constructor(store: MetadataStore, audit: AuditLog, registry: RegistryService, clock: Clock) {
    this.#store = store;
    this.#audit = audit;
    this.#registry = registry;
    this.#clock = clock;
  }

  async create(actor: Actor, input: DeploymentInput): Promise<Deployment> {
    const name = assertName(input.name, 'name');
    const model = normaliseRef(input.model);
    const settings = resolveSettings(input);
    await this.#checkFits(model, settings);
    const now = this.#clock.now().toISOString();
    await this.#store.transaction(async (trx) => {
      await this.#store.lock(trx, `deployment:${name}`);
      const exists = await trx
        .selectFrom('deployments')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (exists)
        throw new KilnError('DEPLOYMENT_EXISTS', `a deployment named "${name}" already exists`, { name });
      await trx
        .insertInto('deployments')
        .values({
          name,
          model_ref: model,
          settings_json: JSON.stringify(settings),
          public: input.public ? 1 : 0,
          created_by: actor.name,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await bumpRevision(trx, DEPLOYMENTS_REVISION);
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'deployment.create',
        resource: `deployment/${name}`,
        details: { model, settings, public: input.public === true },
      });
    });
    return this.get(name);
  }

  async update(actor: Actor, name: string, patch: DeploymentPatch): Promise<Deployment> {
    assertName(name, 'name');
    const current = await this.get(name);
    const model = patch.model === undefined ? current.model : normaliseRef(patch.model);
    const settings = resolveSettings(patch, current.settings);
    const isPublic = patch.public ?? current.public;
    await this.#checkFits(model, settings);
    await this.#store.transaction(async (trx) => {
      await this.#store.lock(trx, `deployment:${name}`);
      await trx
        .updateTable('deployments')
        .set({
          model_ref: model,
          settings_json: JSON.stringify(settings),
          public: isPublic ? 1 : 0,
          updated_at: this.#clock.now().toISOString(),
        })
        .where('name', '=', name)
        .execute();
      await bumpRevision(trx, DEPLOYMENTS_REVISION);
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'deployment.update',
        resource: `deployment/${name}`,
        details: {
          model,
          settings,
          public: isPublic,
          previous: { model: current.model, public: current.public },
        },
      });
    });
    return this.get(name);
  }

  async delete(actor: Actor, name: string): Promise<void> {
    assertName(name, 'name');
    await this.#store.transaction(async (trx) => {
      const res = await trx.deleteFrom('deployments').where('name', '=', name).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw deploymentNotFound(name);
      await bumpRevision(trx, DEPLOYMENTS_REVISION);
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'deployment.delete',
        resource: `deployment/${name}`,
      });
    });
  }

  async get(name: string): Promise<Deployment> {
    assertName(name, 'name');
    const row = await this.#store.db
      .selectFrom('deployments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw deploymentNotFound(name);
    return toDeployment(row);
  }

  /** The deployment, or null: the data plane's hot path uses this (no exception for a miss). */
  async find(name: string): Promise<Deployment | null> {
    const row = await this.#store.db
      .selectFrom('deployments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toDeployment(row) : null;
  }

  async list(): Promise<Deployment[]> {
    const rows = await this.#store.db.selectFrom('deployments').selectAll().orderBy('name').execute();
    return rows.map(toDeployment);
  }

  /** The model version a deployment serves right now (its alias resolved). */
  async resolveVersion(deployment: Deployment): Promise<ModelVersion> {
    const version = await this.#registry.resolve(deployment.model);
    if (version.status !== 'READY') {
      throw new KilnError(
        'DEPLOYMENT_NOT_READY',
        `${deployment.model} resolves to ${version.model}@${version.version}, which is ${version.status}`,
        {
          deployment: deployment.name,
        },
      );
    }
    return version;
  }

  /** Sum of the revision counters serving replicas watch (registry aliases and deployments). */
  async revision(): Promise<number> {
    const rows = await this.#store.db.selectFrom('revisions').select(['name', 'revision']).execute();
    return rows
      .filter((r) => r.name === DEPLOYMENTS_REVISION || r.name === 'registry')
      .reduce((a, r) => a + r.revision, 0);
  }

  /**
   * A model whose first dimension is fixed cannot batch: max_batch_size > 1 on it is refused. The
   * PII columns, subject key and score output must name columns the version's inference log has
   * (a misspelt PII column would otherwise leave the real one unprotected).
   */
  async #checkFits(modelRef: string, settings: DeploymentSettings): Promise<void> {
    const version = await this.#registry.resolve(modelRef);
    if (version.status !== 'READY' || !version.signature) {
      throw new KilnError(
        'MODEL_VERSION_NOT_READY',
        `${version.model}@${version.version} is ${version.status}; only READY versions can be deployed`,
        {
          status: version.status,
        },
      );
    }
    if (settings.maxBatchSize > 1) {
      const fixed = version.signature.inputs.filter((i) => i.shape.length === 0 || i.shape[0] !== -1);
      if (fixed.length > 0) {
        throw new KilnError(
          'INVALID_DEPLOYMENT',
          `max_batch_size ${settings.maxBatchSize} needs a dynamic first dimension, but ${fixed
            .map((i) => `input "${i.name}" has shape [${i.shape.join(', ')}]`)
            .join('; ')}; deploy with --max-batch-size 1 or re-export the model with a dynamic batch axis`,
          { field: 'max_batch_size', inputs: fixed.map((i) => i.name) },
        );
      }
    }
    const sig = version.signature;
    const schema = version.featureSchema;
    const named: [string, string | null][] = [
      ...settings.pii.map((p, i): [string, string] => [`pii[${i}]`, p]),
      ['subject_key', settings.subjectKey],
    ];
    for (const [field, name] of named) {
      if (name !== null && !isLoggedColumn(name, sig, schema)) {
        throw invalid(
          field,
          `a column of ${version.model}@${version.version}'s inference log (${knownColumns(sig, schema).join(', ')})`,
          name,
        );
      }
    }
    const outputs = { inputs: [], outputs: sig.outputs };
    if (settings.scoreOutput !== null && !isLoggedColumn(settings.scoreOutput, outputs, null)) {
      throw invalid(
        'score_output',
        `an output column of ${version.model}@${version.version} (${knownColumns(outputs, null).join(', ')})`,
        settings.scoreOutput,
      );
    }
  }
}

export function deploymentNotFound(name: string): KilnError {
  return new KilnError('DEPLOYMENT_NOT_FOUND', `Request for unknown model: '${name}' is not found`, {
    deployment: name,
  });
}

function normaliseRef(ref: unknown): string {
  if (typeof ref !== 'string') throw invalid('model', 'name@version or name@alias', ref);
  const r = parseModelRef(ref, 'model');
  if (r.kind === 'latest') throw invalid('model', 'name@version or name@alias (e.g. fraud@champion)', ref);
  return r.kind === 'version' ? `${r.name}@${r.version}` : `${r.name}@${r.alias}`;
}

function toDeployment(row: DeploymentsTable): Deployment {
  return {
    name: row.name,
    model: row.model_ref,
    // Rows written before a setting existed get its default.
    settings: { ...DEFAULT_SETTINGS, ...(JSON.parse(row.settings_json) as Partial<DeploymentSettings>) },
    public: row.public === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
