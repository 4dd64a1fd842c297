/**
 * @module ingest/datasets/dataset-service
 * Dataset versions: immutable Parquet files in the artifact store, recorded in the metadata store
 * with their digest, schema, row count, profile, validation summary and lineage. The Parquet file
 * is stored first and the version row inserted after, in one audited transaction: a version is
 * visible only when complete, and a run that dies midway leaves no version.
 */
import type { Clock } from '../../core/clock.js';
import { KilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { Actor } from '../../govern/auth/roles.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { DuckEngine, quoteLiteral, toJsonValue } from '../../store/duckdb/duck-engine.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { DatasetVersionsTable } from '../../store/schema.js';
import { type DatasetRef, formatDatasetRef, parseDatasetRef } from './dataset-ref.js';
import type { DatasetSummary, DatasetVersion, NewDatasetVersion } from './dataset-types.js';

export interface DatasetHead {
  readonly ref: string;
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly Record<string, unknown>[];
}

export class DatasetService {
  readonly #store: MetadataStore;
  readonly #artifacts: ArtifactStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(store: MetadataStore, artifacts: ArtifactStore, audit: AuditLog, clock: Clock) {
    this.#store = store;
    this.#artifacts = artifacts;
    this.#audit = audit;
    this.#clock = clock;
  }

  /** Stores the Parquet file, then records version N+1 (creating the dataset on first use). */
  async createVersion(actor: Actor, input: NewDatasetVersion): Promise<DatasetVersion> {
    const name = assertName(input.dataset, 'dataset');
    const stored = await this.#artifacts.putFile(input.parquetPath);
    const now = this.#clock.now().toISOString();
    const version = await this.#store.transaction(async (trx) => {
      await this.#store.lock(trx, `dataset:${name}`);
      const existing = await trx
        .selectFrom('datasets')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing) {
        await trx.updateTable('datasets').set({ updated_at: now }).where('name', '=', name).execute();
      } else {
        await trx
          .insertInto('datasets')
          .values({
            name,
            description: input.description ?? null,
            created_by: actor.name,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await this.#audit.append(trx, {
          actor: actor.name,
          action: 'dataset.create',
          resource: `dataset/${name}`,
          details: {},
        });
      }
      const last = await trx
        .selectFrom('dataset_versions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('dataset', '=', name)
        .executeTakeFirst();
      const next = Number(last?.v ?? 0) + 1;
      await trx
        .insertInto('dataset_versions')
        .values({
          dataset: name,
          version: next,
          version_key: input.versionKey,
          artifact_digest: stored.digest,
          size_bytes: stored.sizeBytes,
          row_count: input.rowCount,
          schema_json: JSON.stringify(input.schema),
          profile_json: JSON.stringify(input.profile),
          validation_json: input.validation === null ? null : JSON.stringify(input.validation),
          lineage_json: JSON.stringify(input.lineage),
          pipeline_run_id: input.pipelineRunId,
          created_by: actor.name,
          created_at: now,
        })
        .execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'dataset.version.create',
        resource: `dataset/${name}@${next}`,
        details: {
          digest: stored.digest,
          rowCount: input.rowCount,
          versionKey: input.versionKey,
          pipelineRunId: input.pipelineRunId,
          validation: input.validation?.success ?? null,
        },
      });
      return next;
    });
    return this.getVersion({ name, version });
  }

  /** The version with this version key (an unchanged re-run), if any. */
  async findByVersionKey(dataset: string, versionKey: string): Promise<DatasetVersion | null> {
    const row = await this.#store.db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('dataset', '=', dataset)
      .where('version_key', '=', versionKey)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    return row ? toVersion(row) : null;
  }

  async list(): Promise<DatasetSummary[]> {
    const rows = await this.#store.db
      .selectFrom('datasets as d')
      .leftJoin('dataset_versions as v', 'v.dataset', 'd.name')
      .select((eb) => [
        'd.name',
        'd.description',
        'd.created_at',
        'd.updated_at',
        eb.fn.max('v.version').as('latest'),
        eb.fn.count('v.version').as('versions'),
      ])
      .groupBy(['d.name', 'd.description', 'd.created_at', 'd.updated_at'])
      .orderBy('d.name')
      .execute();
    const out: DatasetSummary[] = [];
    for (const r of rows) {
      const latest = r.latest === null ? null : Number(r.latest);
      const rowCount =
        latest === null ? null : (await this.getVersion({ name: r.name, version: latest })).rowCount;
      out.push({
        name: r.name,
        description: r.description,
        latestVersion: latest,
        versions: Number(r.versions),
        rowCount,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    }
    return out;
  }

  async versions(name: string): Promise<DatasetVersion[]> {
    await this.#requireDataset(assertName(name, 'dataset'));
    const rows = await this.#store.db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('dataset', '=', name)
      .orderBy('version', 'asc')
      .execute();
    return rows.map(toVersion);
  }

  /** `name@N`, or the latest version of `name`. DATASET_NOT_FOUND when absent. */
  async getVersion(ref: DatasetRef | string): Promise<DatasetVersion> {
    const r = typeof ref === 'string' ? parseDatasetRef(ref) : ref;
    let q = this.#store.db.selectFrom('dataset_versions').selectAll().where('dataset', '=', r.name);
    q = r.version === undefined ? q.orderBy('version', 'desc') : q.where('version', '=', r.version);
    const row = await q.executeTakeFirst();
    if (!row) {
      await this.#requireDataset(r.name);
      throw new KilnError(
        'DATASET_NOT_FOUND',
        `dataset "${r.name}" has no version ${r.version ?? ''}`.trim(),
        { dataset: r.name, version: r.version ?? null },
      );
    }
    return toVersion(row);
  }

  /** Local path of the version's verified Parquet file (for DuckDB). */
  async parquetPath(ref: DatasetRef | string): Promise<{ version: DatasetVersion; path: string }> {
    const version = await this.getVersion(ref);
    return { version, path: await this.#artifacts.localPath(version.digest) };
  }

  /** The first `limit` rows (default 10, at most 1,000), as JSON-safe values. */
  async head(ref: DatasetRef | string, limit = 10): Promise<DatasetHead> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new KilnError('INVALID_ARGUMENT', `limit: expected an integer from 1 to 1000, got ${limit}`, {
        field: 'limit',
      });
    }
    const { version, path } = await this.parquetPath(ref);
    const duck = await DuckEngine.open();
    try {
      const r = await duck.query(`SELECT * FROM read_parquet(${quoteLiteral(path)}) LIMIT ${limit}`);
      const rows = r.rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])),
      );
      return { ref: version.ref, columns: version.schema, rows };
    } finally {
      duck.close();
    }
  }

  async #requireDataset(name: string): Promise<void> {
    const row = await this.#store.db
      .selectFrom('datasets')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw new KilnError('DATASET_NOT_FOUND', `no dataset named "${name}"`, { dataset: name });
  }
}

function toVersion(row: DatasetVersionsTable): DatasetVersion {
  return {
    dataset: row.dataset,
    version: Number(row.version),
    ref: formatDatasetRef(row.dataset, Number(row.version)),
    versionKey: row.version_key,
    digest: row.artifact_digest,
    sizeBytes: Number(row.size_bytes),
    rowCount: Number(row.row_count),
    schema: JSON.parse(row.schema_json),
    profile: JSON.parse(row.profile_json),
    validation: row.validation_json === null ? null : JSON.parse(row.validation_json),
    lineage: JSON.parse(row.lineage_json),
    pipelineRunId: row.pipeline_run_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
