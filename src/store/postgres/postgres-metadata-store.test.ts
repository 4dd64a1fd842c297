import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { runMetadataStoreSuite } from '../metadata-store.conformance.js';
import { postgresFactory, testPostgresUrl } from '../test-support/test-databases.js';
import { PostgresMetadataStore } from './postgres-metadata-store.js';

const url = testPostgresUrl();
if (url) runMetadataStoreSuite(postgresFactory(url));

describe('PostgresMetadataStore', () => {
  it('reports an unreachable server as UNAVAILABLE without leaking the password', async () => {
    const err = await PostgresMetadataStore.open('postgres://kiln:secret@127.0.0.1:1/none').catch((e) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).not.toContain('secret');
  });
});
