/**
 * @module store/open-metadata-store
 * Chooses the metadata store implementation from its URL: `sqlite:<path>` or `postgres://…`.
 */
import { isAbsolute, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import type { MetadataStore, OpenStoreOptions } from './metadata-store.js';
import { PostgresMetadataStore } from './postgres/postgres-metadata-store.js';
import { SqliteMetadataStore } from './sqlite/sqlite-metadata-store.js';

export async function openMetadataStore(url: string, options: OpenStoreOptions): Promise<MetadataStore> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path)
      throw new KilnError('CONFIG_INVALID', 'store.url: expected sqlite:<path>, got an empty path', {
        key: 'store.url',
      });
    return SqliteMetadataStore.open(isAbsolute(path) ? path : resolve(options.baseDir, path));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return PostgresMetadataStore.open(url);
  throw new KilnError('CONFIG_INVALID', `store.url: expected sqlite:<path> or postgres://…, got "${url}"`, {
    key: 'store.url',
    got: url,
  });
}
