/**
 * @module registry/version-registration
 * Registering an ONNX file as a new model version:
 *
 * 1. metadata is validated and the file's size checked before anything is written;
 * 2. a PENDING version is recorded (creating the model if needed) — the version number is taken;
 * 3. the bytes are copied into the artifact store (atomic, content-addressed), and the stored copy
 *    — which can no longer change — is inspected in a child process (a corrupt protobuf can abort
 *    native code; it must not take the caller down);
 * 4. the version becomes READY with its signature and feature schema, or FAILED with the reason.
 *
 * A process killed midway leaves a PENDING (later FAILED) version and never a READY one; the
 * artifact store only ever shows whole blobs.
 */
import { stat } from 'node:fs/promises';
import { invalid, isKilnError, KilnError } from '../core/errors.js';
import { assertName } from '../core/names.js';
import type { Actor } from '../govern/auth/roles.js';
import { resolveFeatureSchema } from './feature-schema.js';
import { parseLineage, parseMetrics, parseParams, parseTags } from './metadata-input.js';
import { inspectModelFile, type ModelInspection } from './onnx/inspect-model.js';
import type { RegistryService } from './registry-service.js';
import type { ModelVersion, NewVersionInput, OnnxSummary, SignatureView } from './registry-types.js';

export interface RegistrationLimits {
  readonly maxModelBytes: number;
  readonly inspectTimeoutMs: number;
}

/** Inspects a model file; replaceable in tests. */
export type ModelInspector = (
  path: string,
  limits: { maxBytes: number; timeoutMs: number },
) => Promise<ModelInspection>;

export async function registerModelVersion(
  registry: RegistryService,
  actor: Actor,
  name: string,
  filePath: string,
  input: NewVersionInput,
  limits: RegistrationLimits,
  inspect: ModelInspector = inspectModelFile,
): Promise<ModelVersion> {
  assertName(name, 'name');
  const tags = parseTags(input.tags);
  const metrics = parseMetrics(input.metrics);
  const params = parseParams(input.params);
  const lineage = parseLineage(input.lineage);
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > 10_000) {
    throw invalid('description', 'a string of at most 10000 characters', description);
  }
  const size = await fileSize(filePath);
  if (size > limits.maxModelBytes) {
    throw new KilnError(
      'PAYLOAD_TOO_LARGE',
      `the model file is ${size} bytes; the limit (registry.max_model_bytes) is ${limits.maxModelBytes}`,
      {
        size,
        limit: limits.maxModelBytes,
      },
    );
  }
  if (size === 0)
    throw new KilnError('INVALID_MODEL', 'the model file is empty; expected an ONNX ModelProto', { size });

  const version = await reservePendingVersion(registry, actor, name, input, {
    description,
    tags,
    metrics,
    params,
    lineage,
  });
  const { store, artifacts, audit, events } = registry.deps;
  try {
    const stored = await artifacts.putFile(filePath, { maxBytes: limits.maxModelBytes });
    await store.db
      .updateTable('model_versions')
      .set({ artifact_digest: stored.digest, size_bytes: stored.sizeBytes, updated_at: registry.now() })
      .where('model_name', '=', name)
      .where('version', '=', version)
      .execute();
    const inspection = await inspect(await artifacts.localPath(stored.digest), {
      maxBytes: limits.maxModelBytes,
      timeoutMs: limits.inspectTimeoutMs,
    });
    const signature: SignatureView = {
      inputs: inspection.signature.inputs.map(({ name: n, datatype, shape }) => ({
        name: n,
        datatype,
        shape: [...shape],
      })),
      outputs: inspection.signature.outputs.map(({ name: n, datatype, shape }) => ({
        name: n,
        datatype,
        shape: [...shape],
      })),
    };
    const featureSchema =
      input.features === undefined ? null : resolveFeatureSchema(input.features, signature);
    const onnx: OnnxSummary = {
      irVersion: inspection.info.irVersion,
      opsets: inspection.info.opsets.map((o) => ({ domain: o.domain, version: o.version })),
      producerName: inspection.info.producerName,
      producerVersion: inspection.info.producerVersion,
    };
    await store.transaction(async (trx) => {
      await registry.lockModel(trx, name);
      await trx
        .updateTable('model_versions')
        .set({
          status: 'READY',
          status_message: '',
          signature_json: JSON.stringify(signature),
          onnx_json: JSON.stringify(onnx),
          feature_schema_json: featureSchema ? JSON.stringify(featureSchema) : null,
          updated_at: registry.now(),
        })
        .where('model_name', '=', name)
        .where('version', '=', version)
        .execute();
      await registry.bumpRevision(trx);
      await audit.append(trx, {
        actor: actor.name,
        action: 'model_version.ready',
        resource: `model/${name}/${version}`,
        details: { digest: stored.digest, size: stored.sizeBytes },
      });
      await events.emit(trx, {
        type: 'model_version.created',
        model: name,
        data: { version, digest: stored.digest, status: 'READY', created_by: actor.name },
      });
    });
  } catch (e) {
    await markFailed(registry, actor, name, version, e);
    throw e;
  }
  return registry.getVersion(name, version);
}

async function reservePendingVersion(
  registry: RegistryService,
  actor: Actor,
  name: string,
  input: NewVersionInput,
  meta: { description: string; tags: object; metrics: object; params: object; lineage: object },
): Promise<number> {
  const { store, audit } = registry.deps;
  return store.transaction(async (trx) => {
    await registry.lockModel(trx, name);
    const model = await trx.selectFrom('models').select('name').where('name', '=', name).executeTakeFirst();
    if (!model) {
      await registry.insertModel(trx, actor, {
        name,
        description: input.modelDescription,
        owner: input.owner,
        tags: {},
      });
    }
    const max = await trx
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('model_name', '=', name)
      .executeTakeFirst();
    const version = (max?.v ?? 0) + 1;
    const now = registry.now();
    await trx
      .insertInto('model_versions')
      .values({
        model_name: name,
        version,
        status: 'PENDING',
        status_message: 'registering',
        description: meta.description,
        artifact_digest: null,
        size_bytes: null,
        signature_json: null,
        onnx_json: null,
        feature_schema_json: null,
        metrics_json: JSON.stringify(meta.metrics),
        params_json: JSON.stringify(meta.params),
        lineage_json: JSON.stringify(meta.lineage),
        tags_json: JSON.stringify(meta.tags),
        card_json: '{}',
        created_by: actor.name,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await audit.append(trx, {
      actor: actor.name,
      action: 'model_version.register',
      resource: `model/${name}/${version}`,
      details: meta,
    });
    return version;
  });
}

async function markFailed(
  registry: RegistryService,
  actor: Actor,
  name: string,
  version: number,
  e: unknown,
): Promise<void> {
  const reason = isKilnError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
  try {
    const row = await registry.versionRow(name, version);
    await registry.deps.store.transaction(async (trx) => {
      await trx
        .updateTable('model_versions')
        .set({
          status: 'FAILED',
          status_message: reason.slice(0, 2000),
          artifact_digest: null,
          updated_at: registry.now(),
        })
        .where('model_name', '=', name)
        .where('version', '=', version)
        .execute();
      await registry.deps.audit.append(trx, {
        actor: actor.name,
        action: 'model_version.fail',
        resource: `model/${name}/${version}`,
        details: { reason },
      });
    });
    // A refused file is not kept: its bytes are deleted unless another version shares them.
    if (row.artifact_digest) await registry.releaseArtifact(row.artifact_digest);
  } catch {
    // The original error matters more; the version stays PENDING and is failed at the next start.
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw invalid('file', 'a regular file', path);
    return s.size;
  } catch (e) {
    if (isKilnError(e)) throw e;
    throw new KilnError(
      'INVALID_ARGUMENT',
      `cannot read the model file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        field: 'file',
      },
    );
  }
}
