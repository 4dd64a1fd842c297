/**
 * @module registry/registry-service
 * The model registry: registered models, their numbered versions, aliases, model cards, search.
 * Every state change happens in one metadata-store transaction together with its audit event and
 * its registry event (webhooks), under a per-model lock so version numbers and alias moves are
 * serialised. Version registration lives in `version-registration.ts`; search in `registry-search.ts`.
 */
import type { Transaction } from 'kysely';
import type { Clock } from '../core/clock.js';
import { invalid, KilnError } from '../core/errors.js';
import { assertAlias, assertName, type ModelRef, parseModelRef } from '../core/names.js';
import type { AuditLog } from '../govern/audit/audit-log.js';
import type { Actor } from '../govern/auth/roles.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { bumpRevision } from '../store/revisions.js';
import type { Database, ModelVersionsTable } from '../store/schema.js';
import { parseTags } from './metadata-input.js';
import {
  applyModelCardEdit,
  type ComposedModelCard,
  composeModelCard,
  parseModelCardEdit,
} from './model-card.js';
import { toCard, toModelVersion, toRegisteredModel } from './model-rows.js';
import type { RegistryEventSink } from './registry-events.js';
import type { ModelVersion, RegisteredModel } from './registry-types.js';

export interface RegistryDeps {
  readonly store: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly audit: AuditLog;
  readonly events: RegistryEventSink;
  readonly clock: Clock;
}

export class RegistryService {
  readonly deps: RegistryDeps;

  constructor(deps: RegistryDeps) {
    this.deps = deps;
  }

  /** Creates a registered model; MODEL_EXISTS when the name is taken. */
  async createModel(
    actor: Actor,
    input: { name: string; description?: string; owner?: string; tags?: unknown },
  ): Promise<RegisteredModel> {
    const name = assertName(input.name, 'name');
    const tags = parseTags(input.tags);
    await this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      const exists = await trx
        .selectFrom('models')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (exists) throw new KilnError('MODEL_EXISTS', `a model named "${name}" already exists`, { name });
      await this.insertModel(trx, actor, { name, description: input.description, owner: input.owner, tags });
    });
    return this.getModel(name);
  }

  /** Inserts the model row with its audit event and registry event (caller holds the model lock). */
  async insertModel(
    trx: Transaction<Database>,
    actor: Actor,
    input: {
      name: string;
      description?: string | undefined;
      owner?: string | undefined;
      tags?: Record<string, string>;
    },
  ): Promise<void> {
    const now = this.now();
    const description = checkText(input.description ?? '', 'description', 10_000);
    const owner = checkText(input.owner ?? actor.name, 'owner', 256);
    await trx
      .insertInto('models')
      .values({
        name: input.name,
        description,
        owner,
        tags_json: JSON.stringify(input.tags ?? {}),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await this.deps.audit.append(trx, {
      actor: actor.name,
      action: 'model.create',
      resource: `model/${input.name}`,
      details: { description, owner, tags: input.tags ?? {} },
    });
    await this.deps.events.emit(trx, { type: 'model.created', model: input.name, data: { owner } });
  }

  async updateModel(
    actor: Actor,
    name: string,
    patch: { description?: string; owner?: string; tags?: unknown },
  ): Promise<RegisteredModel> {
    assertName(name, 'name');
    const set: { description?: string; owner?: string; tags_json?: string; updated_at: string } = {
      updated_at: this.now(),
    };
    if (patch.description !== undefined)
      set.description = checkText(patch.description, 'description', 10_000);
    if (patch.owner !== undefined) set.owner = checkText(patch.owner, 'owner', 256);
    if (patch.tags !== undefined) set.tags_json = JSON.stringify(parseTags(patch.tags));
    await this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      await this.requireModel(trx, name);
      await trx.updateTable('models').set(set).where('name', '=', name).execute();
      await this.deps.audit.append(trx, {
        actor: actor.name,
        action: 'model.update',
        resource: `model/${name}`,
        details: patch,
      });
    });
    return this.getModel(name);
  }

  async getModel(name: string): Promise<RegisteredModel> {
    assertName(name, 'name');
    const db = this.deps.store.db;
    const row = await db.selectFrom('models').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw modelNotFound(name);
    const aliases = await db
      .selectFrom('model_aliases')
      .select(['alias', 'version'])
      .where('model_name', '=', name)
      .execute();
    const latest = await db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('model_name', '=', name)
      .executeTakeFirst();
    return toRegisteredModel(
      row,
      Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
      latest?.v ?? null,
    );
  }

  /**
   * Deletes a model and all its versions, and then the artifacts no other version uses; refused
   * while it has aliases unless forced.
   */
  async deleteModel(actor: Actor, name: string, options: { force?: boolean } = {}): Promise<void> {
    assertName(name, 'name');
    let digests: string[] = [];
    await this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      await this.requireModel(trx, name);
      const aliases = await trx
        .selectFrom('model_aliases')
        .select('alias')
        .where('model_name', '=', name)
        .execute();
      if (aliases.length > 0 && !options.force) {
        throw new KilnError(
          'MODEL_VERSION_IN_USE',
          `model "${name}" still has aliases (${aliases.map((a) => a.alias).join(', ')}); remove them or pass force`,
          { aliases: aliases.map((a) => a.alias) },
        );
      }
      const versions = await trx
        .selectFrom('model_versions')
        .select('artifact_digest')
        .where('model_name', '=', name)
        .execute();
      digests = [...new Set(versions.flatMap((v) => (v.artifact_digest ? [v.artifact_digest] : [])))];
      await trx.deleteFrom('model_aliases').where('model_name', '=', name).execute();
      await trx.deleteFrom('model_versions').where('model_name', '=', name).execute();
      await trx.deleteFrom('models').where('name', '=', name).execute();
      if (aliases.length > 0) await this.bumpRevision(trx);
      await this.deps.audit.append(trx, {
        actor: actor.name,
        action: 'model.delete',
        resource: `model/${name}`,
        details: { force: options.force === true },
      });
    });
    for (const digest of digests) await this.releaseArtifact(digest);
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    const row = await this.versionRow(name, version);
    return toModelVersion(row, await this.aliasesOf(name, version));
  }

  /**
   * Resolves `name`, `name@3` or `name@alias`. A bare name means the newest READY version.
   * MODEL_NOT_FOUND / MODEL_VERSION_NOT_FOUND / ALIAS_NOT_FOUND.
   */
  async resolve(ref: string | ModelRef): Promise<ModelVersion> {
    const r = typeof ref === 'string' ? parseModelRef(ref) : ref;
    const db = this.deps.store.db;
    if (r.kind === 'version') return this.getVersion(r.name, r.version);
    if (r.kind === 'alias') {
      const row = await db
        .selectFrom('model_aliases')
        .select('version')
        .where('model_name', '=', r.name)
        .where('alias', '=', r.alias)
        .executeTakeFirst();
      if (!row) {
        await this.getModel(r.name);
        throw new KilnError('ALIAS_NOT_FOUND', `model "${r.name}" has no alias "${r.alias}"`, {
          model: r.name,
          alias: r.alias,
        });
      }
      return this.getVersion(r.name, row.version);
    }
    const latest = await db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('model_name', '=', r.name)
      .where('status', '=', 'READY')
      .executeTakeFirst();
    if (latest?.v === null || latest?.v === undefined) {
      await this.getModel(r.name);
      throw new KilnError('MODEL_VERSION_NOT_FOUND', `model "${r.name}" has no READY version`, {
        model: r.name,
      });
    }
    return this.getVersion(r.name, latest.v);
  }

  /** Points `alias` at `version`, atomically; returns the version it pointed at before, if any. */
  async setAlias(
    actor: Actor,
    name: string,
    alias: string,
    version: number,
  ): Promise<{ previous: number | null }> {
    assertName(name, 'name');
    assertAlias(alias, 'alias');
    return this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      const row = await this.versionRow(name, version, trx);
      if (row.status !== 'READY') {
        throw new KilnError(
          'MODEL_VERSION_NOT_READY',
          `${name}@${version} is ${row.status}; only READY versions take aliases`,
          {
            status: row.status,
          },
        );
      }
      const prev = await trx
        .selectFrom('model_aliases')
        .select('version')
        .where('model_name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      const now = this.now();
      if (prev) {
        await trx
          .updateTable('model_aliases')
          .set({ version, updated_by: actor.name, updated_at: now })
          .where('model_name', '=', name)
          .where('alias', '=', alias)
          .execute();
      } else {
        await trx
          .insertInto('model_aliases')
          .values({ model_name: name, alias, version, updated_by: actor.name, updated_at: now })
          .execute();
      }
      await this.bumpRevision(trx);
      const previous = prev?.version ?? null;
      await this.deps.audit.append(trx, {
        actor: actor.name,
        action: 'alias.move',
        resource: `model/${name}/alias/${alias}`,
        details: { version, previous },
      });
      await this.deps.events.emit(trx, {
        type: 'alias.moved',
        model: name,
        data: { alias, version, previous },
      });
      return { previous };
    });
  }

  async deleteAlias(actor: Actor, name: string, alias: string): Promise<void> {
    assertName(name, 'name');
    assertAlias(alias, 'alias');
    await this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      await this.requireModel(trx, name);
      const prev = await trx
        .selectFrom('model_aliases')
        .select('version')
        .where('model_name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      if (!prev)
        throw new KilnError('ALIAS_NOT_FOUND', `model "${name}" has no alias "${alias}"`, {
          model: name,
          alias,
        });
      await trx
        .deleteFrom('model_aliases')
        .where('model_name', '=', name)
        .where('alias', '=', alias)
        .execute();
      await this.bumpRevision(trx);
      await this.deps.audit.append(trx, {
        actor: actor.name,
        action: 'alias.delete',
        resource: `model/${name}/alias/${alias}`,
        details: { previous: prev.version },
      });
      await this.deps.events.emit(trx, {
        type: 'alias.deleted',
        model: name,
        data: { alias, previous: prev.version },
      });
    });
  }

  /** Deletes a version; refused (MODEL_VERSION_IN_USE) while an alias points at it, unless forced. */
  async deleteVersion(
    actor: Actor,
    name: string,
    version: number,
    options: { force?: boolean } = {},
  ): Promise<void> {
    let digest: string | null = null;
    await this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      const row = await this.versionRow(name, version, trx);
      digest = row.artifact_digest;
      const aliases = await trx
        .selectFrom('model_aliases')
        .select('alias')
        .where('model_name', '=', name)
        .where('version', '=', version)
        .execute();
      if (aliases.length > 0 && !options.force) {
        throw new KilnError(
          'MODEL_VERSION_IN_USE',
          `${name}@${version} is pointed at by ${aliases.map((a) => a.alias).join(', ')}; move the aliases or pass force`,
          { aliases: aliases.map((a) => a.alias) },
        );
      }
      await trx
        .deleteFrom('model_aliases')
        .where('model_name', '=', name)
        .where('version', '=', version)
        .execute();
      await trx
        .deleteFrom('model_versions')
        .where('model_name', '=', name)
        .where('version', '=', version)
        .execute();
      if (aliases.length > 0) await this.bumpRevision(trx);
      await this.deps.audit.append(trx, {
        actor: actor.name,
        action: 'model_version.delete',
        resource: `model/${name}/${version}`,
        details: { force: options.force === true, aliases: aliases.map((a) => a.alias) },
      });
      await this.deps.events.emit(trx, { type: 'model_version.deleted', model: name, data: { version } });
    });
    if (digest) await this.releaseArtifact(digest);
  }

  /** The model card with the facts Kiln fills in. */
  async getCard(name: string, version: number): Promise<ComposedModelCard> {
    const row = await this.versionRow(name, version);
    const model = await this.getModel(name);
    return composeModelCard(toModelVersion(row, await this.aliasesOf(name, version)), toCard(row), model);
  }

  /** Edits authored sections of the card (a null value clears one). */
  async editCard(actor: Actor, name: string, version: number, edit: unknown): Promise<ComposedModelCard> {
    const parsed = parseModelCardEdit(edit);
    await this.deps.store.transaction(async (trx) => {
      await this.lockModel(trx, name);
      const row = await this.versionRow(name, version, trx);
      const card = applyModelCardEdit(toCard(row), parsed);
      await trx
        .updateTable('model_versions')
        .set({ card_json: JSON.stringify(card), updated_at: this.now() })
        .where('model_name', '=', name)
        .where('version', '=', version)
        .execute();
      await this.deps.audit.append(trx, {
        actor: actor.name,
        action: 'model_card.edit',
        resource: `model/${name}/${version}/card`,
        details: parsed,
      });
    });
    return this.getCard(name, version);
  }

  /** The ONNX bytes of a READY version, verified against their digest. */
  async readModelBytes(ref: string): Promise<{ version: ModelVersion; bytes: Buffer }> {
    const version = await this.resolve(ref);
    if (version.status !== 'READY' || !version.digest) {
      throw new KilnError(
        'MODEL_VERSION_NOT_READY',
        `${version.model}@${version.version} is ${version.status}`,
        {
          status: version.status,
        },
      );
    }
    return { version, bytes: await this.deps.artifacts.get(version.digest) };
  }

  /**
   * Marks versions left PENDING by a registration that died (killed process) as FAILED. Called when
   * a server starts; only versions older than `olderThanMs` are touched, so live registrations
   * elsewhere are left alone.
   */
  async failInterruptedRegistrations(olderThanMs: number): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - olderThanMs).toISOString();
    return this.deps.store.transaction(async (trx) => {
      const stale = await trx
        .selectFrom('model_versions')
        .select(['model_name', 'version'])
        .where('status', '=', 'PENDING')
        .where('created_at', '<', cutoff)
        .execute();
      for (const v of stale) {
        await trx
          .updateTable('model_versions')
          .set({
            status: 'FAILED',
            status_message: 'registration interrupted before it completed',
            updated_at: this.now(),
          })
          .where('model_name', '=', v.model_name)
          .where('version', '=', v.version)
          .execute();
        await this.deps.audit.append(trx, {
          actor: 'system',
          action: 'model_version.fail',
          resource: `model/${v.model_name}/${v.version}`,
          details: { reason: 'interrupted' },
        });
      }
      return stale.length;
    });
  }

  // ---- shared helpers (used by version-registration.ts and registry-search.ts) ----

  now(): string {
    return this.deps.clock.now().toISOString();
  }

  async lockModel(trx: Transaction<Database>, name: string): Promise<void> {
    await this.deps.store.lock(trx, `model:${name}`);
  }

  async requireModel(trx: Transaction<Database>, name: string): Promise<void> {
    const row = await trx.selectFrom('models').select('name').where('name', '=', name).executeTakeFirst();
    if (!row) throw modelNotFound(name);
  }

  async versionRow(name: string, version: number, trx?: Transaction<Database>): Promise<ModelVersionsTable> {
    assertName(name, 'name');
    if (!Number.isSafeInteger(version) || version < 1)
      throw invalid('version', 'a positive integer', version);
    const db = trx ?? this.deps.store.db;
    const row = await db
      .selectFrom('model_versions')
      .selectAll()
      .where('model_name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    if (row) return row;
    const model = await db.selectFrom('models').select('name').where('name', '=', name).executeTakeFirst();
    if (!model) throw modelNotFound(name);
    throw new KilnError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version ${version}`, {
      model: name,
      version,
    });
  }

  async aliasesOf(name: string, version: number): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('model_aliases')
      .select('alias')
      .where('model_name', '=', name)
      .where('version', '=', version)
      .execute();
    return rows.map((r) => r.alias);
  }

  /** Serving replicas poll this counter to learn that aliases changed. */
  async bumpRevision(trx: Transaction<Database>): Promise<void> {
    await bumpRevision(trx, 'registry');
  }

  /** Deletes an artifact no version references any more. */
  async releaseArtifact(digest: string): Promise<void> {
    const users = await this.deps.store.db
      .selectFrom('model_versions')
      .select('model_name')
      .where('artifact_digest', '=', digest)
      .executeTakeFirst();
    if (!users) await this.deps.artifacts.delete(digest);
  }
}

export function modelNotFound(name: string): KilnError {
  return new KilnError('MODEL_NOT_FOUND', `no registered model named "${name}"`, { model: name });
}

function checkText(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length > max)
    throw invalid(field, `a string of at most ${max} characters`, v);
  return v;
}
