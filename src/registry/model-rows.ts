/**
 * @module registry/model-rows
 * Converts registry rows to entities. JSON columns are parsed here and nowhere else.
 */
import type { ModelsTable, ModelVersionsTable } from '../store/schema.js';
import type { FeatureSchema } from './feature-schema.js';
import type { ModelCard } from './model-card.js';
import type {
  Lineage,
  ModelVersion,
  OnnxSummary,
  RegisteredModel,
  SignatureView,
  VersionStatus,
} from './registry-types.js';

export function toRegisteredModel(
  row: ModelsTable,
  aliases: Readonly<Record<string, number>>,
  latestVersion: number | null,
): RegisteredModel {
  return {
    name: row.name,
    description: row.description,
    owner: row.owner,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    aliases,
    latestVersion,
  };
}

export function toModelVersion(row: ModelVersionsTable, aliases: readonly string[]): ModelVersion {
  return {
    model: row.model_name,
    version: row.version,
    status: row.status as VersionStatus,
    statusMessage: row.status_message,
    description: row.description,
    digest: row.artifact_digest,
    sizeBytes: row.size_bytes,
    signature: parseOrNull<SignatureView>(row.signature_json),
    onnx: parseOrNull<OnnxSummary>(row.onnx_json),
    featureSchema: parseOrNull<FeatureSchema>(row.feature_schema_json),
    metrics: JSON.parse(row.metrics_json) as Record<string, number>,
    params: JSON.parse(row.params_json) as Record<string, string>,
    lineage: JSON.parse(row.lineage_json) as Lineage,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    aliases: [...aliases].sort(),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toCard(row: ModelVersionsTable): ModelCard {
  return JSON.parse(row.card_json) as ModelCard;
}

function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
