/**
 * @module registry/registry-types
 * The registry's entities as services and transports see them (rows stay in store/schema.ts).
 */

import type { FeatureSchema } from './feature-schema.js';
import type { ModelCard } from './model-card.js';

export type VersionStatus = 'PENDING' | 'READY' | 'FAILED';

export interface RegisteredModel {
  readonly name: string;
  readonly description: string;
  readonly owner: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** alias → version */
  readonly aliases: Readonly<Record<string, number>>;
  readonly latestVersion: number | null;
}

export interface TensorSpecView {
  readonly name: string;
  readonly datatype: string;
  readonly shape: number[];
}

export interface SignatureView {
  readonly inputs: TensorSpecView[];
  readonly outputs: TensorSpecView[];
}

export interface OnnxSummary {
  readonly irVersion: number;
  readonly opsets: { domain: string; version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
}

export interface Lineage {
  /** Dataset versions the model was trained or evaluated on, as `name@version`. */
  readonly datasets?: string[];
  /** Training run id. */
  readonly run?: string;
}

export interface ModelVersion {
  readonly model: string;
  readonly version: number;
  readonly status: VersionStatus;
  readonly statusMessage: string;
  readonly description: string;
  readonly digest: string | null;
  readonly sizeBytes: number | null;
  readonly signature: SignatureView | null;
  readonly onnx: OnnxSummary | null;
  readonly featureSchema: FeatureSchema | null;
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, string>>;
  readonly lineage: Lineage;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ModelVersionWithCard extends ModelVersion {
  readonly card: ModelCard;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass back to get the next page; absent on the last page. */
  readonly nextPageToken?: string;
}

/** Metadata given with a new version. */
export interface NewVersionInput {
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly params?: Readonly<Record<string, string>>;
  readonly lineage?: Lineage;
  /** Column names (typed from the signature), or a full schema. */
  readonly features?: readonly string[] | FeatureSchema;
  /** Model-level fields, used when the model does not exist yet. */
  readonly modelDescription?: string;
  readonly owner?: string;
}
