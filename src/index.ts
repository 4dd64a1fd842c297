/**
 * @module kiln
 * Kiln's public programmatic API.
 */
export * from './core/errors.js';
export { resolveConfig, type KilnConfig } from './core/config.js';
export type { MetadataStore } from './store/metadata-store.js';
export { openMetadataStore } from './store/open-metadata-store.js';
export type { ArtifactStore } from './store/artifact-store.js';
