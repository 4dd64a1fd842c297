/**
 * Registry search on a real Kiln (SQLite, and PostgreSQL when reachable): the filter grammar over
 * models and versions, keyset pagination over 1,000 versions, and refusal of bad tokens and sizes.
 * Version rows are inserted directly (status READY, minimal JSON): search never reads the ONNX.
 */
import type { Insertable, Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../server/test-support/test-kiln.js';
import type { Database, ModelVersionsTable } from '../store/schema.js';
import { testPostgresUrl } from '../store/test-support/test-databases.js';
import { type SearchQuery, searchModels, searchVersions } from './registry-search.js';
import type { RegistryService } from './registry-service.js';

const ALICE: Actor = { name: 'alice', role: 'engineer' };
const NOW = '2026-03-01T12:00:00.000Z';

const BACKENDS = [null, testPostgresUrl()]
  .filter((url, i) => i === 0 || url)
  .map((url) => [url ? 'PostgreSQL' : 'SQLite', url] as const);

function versionRow(
  model: string,
  version: number,
  extra: Partial<ModelVersionsTable> = {},
): Insertable<ModelVersionsTable> {
  return {
    model_name: model,
    version,
    status: 'READY',
    status_message: '',
    description: '',
    artifact_digest: null,
    size_bytes: null,
    signature_json: null,
    onnx_json: null,
    feature_schema_json: null,
    metrics_json: '{}',
    params_json: '{}',
    lineage_json: '{}',
    tags_json: '{}',
    card_json: '{}',
    created_by: 'alice',
    created_at: NOW,
    updated_at: NOW,
    ...extra,
  };
}

async function insertVersions(
  trx: Transaction<Database>,
  rows: Insertable<ModelVersionsTable>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 100)
    await trx
      .insertInto('model_versions')
      .values(rows.slice(i, i + 100))
      .execute();
}

describe.each(BACKENDS)('registry search on %s', (_store, url) => {
  let t: TestKiln;
  let registry: RegistryService;
  const versions = async (query: SearchQuery) =>
    (await searchVersions(registry, query)).items.map((v) => `${v.model}@${v.version}`);
  const models = async (query: SearchQuery) => (await searchModels(registry, query)).items.map((m) => m.name);

  beforeAll(async () => {
    t = await createTestKiln({ postgresAdminUrl: url });
    registry = t.kiln.registry;
    await registry.createModel(ALICE, { name: 'fraud-a', owner: 'risk', tags: { team: 'risk' } });
    await registry.createModel(ALICE, { name: 'fraud-b', owner: 'risk', tags: { team: 'risk', tier: '1' } });
    await registry.createModel(ALICE, { name: 'fraud_x', owner: 'growth' });
    await registry.createModel(ALICE, { name: 'fraudyx', owner: 'growth' });
    await registry.createModel(ALICE, { name: 'Fraudulent', owner: 'growth' });
    await registry.createModel(ALICE, { name: 'churn', owner: 'growth', tags: { team: 'growth' } });
    await t.kiln.store.transaction((trx) =>
      insertVersions(trx, [
        versionRow('fraud-a', 1, { tags_json: '{"stage":"dev"}' }),
        versionRow('fraud-a', 2, { tags_json: '{"stage":"prod"}' }),
        versionRow('fraud-a', 3, { status: 'FAILED', status_message: 'INVALID_MODEL: no' }),
        versionRow('fraud-a', 4),
        versionRow('fraud-b', 1, { tags_json: '{"stage":"prod","owner":"x"}' }),
        versionRow('fraud-b', 2, { status: 'PENDING' }),
        versionRow('churn', 1),
        versionRow('churn', 7, { tags_json: '{"stage":"prod"}' }),
      ]),
    );
    await registry.setAlias(ALICE, 'fraud-a', 'champion', 2);
    await registry.setAlias(ALICE, 'fraud-a', 'challenger', 4);
    await registry.setAlias(ALICE, 'churn', 'champion', 7);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('filters', () => {
    it('matches a name prefix literally and case-sensitively', async () => {
      expect(await models({ filter: 'name ^= fraud' })).toEqual(['fraud-a', 'fraud-b', 'fraud_x', 'fraudyx']);
      // "_" is not a wildcard, and case counts.
      expect(await models({ filter: 'name ^= "fraud_"' })).toEqual(['fraud_x']);
      expect(await models({ filter: 'name ^= Fraud' })).toEqual(['Fraudulent']);
      expect(await versions({ filter: 'name ^= "fraud-"' })).toEqual([
        'fraud-a@1',
        'fraud-a@2',
        'fraud-a@3',
        'fraud-a@4',
        'fraud-b@1',
        'fraud-b@2',
      ]);
      expect(await versions({ filter: 'name = churn' })).toEqual(['churn@1', 'churn@7']);
      expect(await models({ filter: 'name != churn AND name ^= f' })).toEqual([
        'fraud-a',
        'fraud-b',
        'fraud_x',
        'fraudyx',
      ]);
    });

    it('matches version tags with = and != (absent counts as different)', async () => {
      expect(await versions({ filter: 'tag.stage = prod' })).toEqual(['churn@7', 'fraud-a@2', 'fraud-b@1']);
      expect(await versions({ filter: 'tag.stage != prod AND name = fraud-a' })).toEqual([
        'fraud-a@1',
        'fraud-a@3',
        'fraud-a@4',
      ]);
      expect(await models({ filter: 'tag.team = risk' })).toEqual(['fraud-a', 'fraud-b']);
      expect(await models({ filter: 'tag.tier = "1"' })).toEqual(['fraud-b']);
    });

    it('matches aliases on versions and on models', async () => {
      expect(await versions({ filter: 'alias = champion' })).toEqual(['churn@7', 'fraud-a@2']);
      expect(await versions({ filter: 'alias = challenger' })).toEqual(['fraud-a@4']);
      expect(await models({ filter: 'alias = challenger' })).toEqual(['fraud-a']);
      const page = await searchVersions(registry, { filter: 'alias = champion AND name = fraud-a' });
      expect(page.items[0]?.aliases).toEqual(['champion']);
    });

    it('matches status (any letter case), version numbers and owner', async () => {
      expect(await versions({ filter: 'status = FAILED' })).toEqual(['fraud-a@3']);
      expect(await versions({ filter: 'status = pending' })).toEqual(['fraud-b@2']);
      expect(await versions({ filter: 'status != READY' })).toEqual(['fraud-a@3', 'fraud-b@2']);
      expect(await versions({ filter: 'version >= 3' })).toEqual(['churn@7', 'fraud-a@3', 'fraud-a@4']);
      expect(await versions({ filter: 'version < 2 AND owner = risk' })).toEqual(['fraud-a@1', 'fraud-b@1']);
      expect(await versions({ filter: 'owner = growth' })).toEqual(['churn@1', 'churn@7']);
      expect(await models({ filter: 'owner = risk' })).toEqual(['fraud-a', 'fraud-b']);
    });

    it('refuses fields that do not apply and filters that do not parse', async () => {
      await expect(searchModels(registry, { filter: 'status = READY' })).rejects.toMatchObject({
        code: 'INVALID_FILTER',
        message: expect.stringContaining('field "status" does not apply to models'),
      });
      await expect(searchVersions(registry, { filter: 'name = a OR name = b' })).rejects.toMatchObject({
        code: 'INVALID_FILTER',
      });
      await expect(searchVersions(registry, { filter: 'version >= three' })).rejects.toMatchObject({
        code: 'INVALID_FILTER',
      });
    });

    it('treats an injection-looking value as a literal: no match and no error', async () => {
      expect(await versions({ filter: `name = "x' OR 1=1 --"` })).toEqual([]);
      expect(await models({ filter: `name = "x' OR 1=1 --"` })).toEqual([]);
      expect(await versions({ filter: `tag.stage = "prod' OR '1'='1"` })).toEqual([]);
      expect(await models({ filter: `name ^= "'; DROP TABLE models; --"` })).toEqual([]);
      expect(await models({})).toHaveLength(6);
    });

    it('applies fixed scope clauses along with the filter', async () => {
      const page = await searchVersions(registry, { filter: 'status = READY' }, [
        { field: 'name', op: '=', value: 'fraud-a' },
      ]);
      expect(page.items.map((v) => v.version)).toEqual([1, 2, 4]);
    });
  });

  describe('pagination', () => {
    const PAGED = { 'page-a': 400, 'page-b': 300, 'page-c': 200, 'page-d': 100 };
    const FILTER = 'name ^= "page-"';
    const expected = Object.entries(PAGED).flatMap(([m, n]) =>
      Array.from({ length: n }, (_, i) => `${m}@${i + 1}`),
    );

    /** Every page of a query, checking that only the last lacks a token. */
    async function allPages(query: SearchQuery, onPage?: (n: number) => Promise<void>) {
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await searchVersions(registry, { ...query, page_token: token });
        pages.push(page.items.map((v) => `${v.model}@${v.version}`));
        token = page.nextPageToken;
        await onPage?.(pages.length);
      } while (token);
      return pages;
    }

    beforeAll(async () => {
      await t.kiln.store.transaction(async (trx) => {
        for (const name of Object.keys(PAGED)) {
          await trx
            .insertInto('models')
            .values({
              name,
              description: '',
              owner: 'pager',
              tags_json: '{}',
              created_at: NOW,
              updated_at: NOW,
            })
            .execute();
        }
        await insertVersions(
          trx,
          Object.entries(PAGED).flatMap(([m, n]) =>
            Array.from({ length: n }, (_, i) => versionRow(m, i + 1)),
          ),
        );
      });
    });

    it('pages through 1,000 versions 7 at a time in order, without gaps or repeats', async () => {
      const pages = await allPages({ filter: FILTER, page_size: 7 });
      expect(pages).toHaveLength(Math.ceil(1000 / 7));
      expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
      expect(pages.at(-1)).toHaveLength(1000 % 7);
      expect(pages.flat()).toEqual(expected);
    });

    it('pages 100 at a time and keeps its place while versions are added', async () => {
      const pages = await allPages({ filter: FILTER, page_size: '100' }, async (n) => {
        if (n !== 5) return;
        // After page 5 (at page-b@100): one version lands behind the cursor, one ahead of it.
        await t.kiln.store.db
          .insertInto('model_versions')
          .values([versionRow('page-a', 401), versionRow('page-d', 101)])
          .execute();
      });
      const seen = pages.flat();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...expected, 'page-d@101']);
      expect(pages.map((p) => p.length)).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 1]);
      await t.kiln.store.db.deleteFrom('model_versions').where('version', 'in', [401, 101]).execute();
    });

    it('pages models too', async () => {
      const first = await searchModels(registry, { filter: FILTER, page_size: 3 });
      expect(first.items.map((m) => m.name)).toEqual(['page-a', 'page-b', 'page-c']);
      expect(first.items[0]).toMatchObject({ owner: 'pager', latestVersion: 400 });
      const second = await searchModels(registry, {
        filter: FILTER,
        page_size: 3,
        page_token: first.nextPageToken,
      });
      expect(second.items.map((m) => m.name)).toEqual(['page-d']);
      expect(second.nextPageToken).toBeUndefined();
    });

    it('accepts a token under the same filter written differently, and refuses it under another filter', async () => {
      const { nextPageToken } = await searchVersions(registry, { filter: FILTER, page_size: 7 });
      const respaced = await searchVersions(registry, {
        filter: "  NAME ^= 'page-'  ",
        page_size: 7,
        page_token: nextPageToken,
      });
      expect(respaced.items[0]).toMatchObject({ model: 'page-a', version: 8 });
      await expect(
        searchVersions(registry, { filter: 'name ^= "page-b"', page_size: 7, page_token: nextPageToken }),
      ).rejects.toMatchObject({
        code: 'INVALID_PAGE_TOKEN',
        message: expect.stringContaining('different filter'),
      });
      await expect(
        searchVersions(registry, { page_size: 7, page_token: nextPageToken }),
      ).rejects.toMatchObject({
        code: 'INVALID_PAGE_TOKEN',
      });
    });

    it.each([
      ['garbage', 'not a token!'],
      ['base64url that is not JSON', Buffer.from('hello').toString('base64url')],
      ['JSON of another shape', Buffer.from('{"v":1,"k":{},"f":"0"}').toString('base64url')],
    ])('refuses a page token that is %s', async (_what, token) => {
      await expect(searchVersions(registry, { filter: FILTER, page_token: token })).rejects.toMatchObject({
        code: 'INVALID_PAGE_TOKEN',
        details: { field: 'page_token' },
      });
    });

    it('refuses a token of the other search (same filter) instead of misreading its key', async () => {
      const models = await searchModels(registry, { filter: FILTER, page_size: 1 });
      await expect(
        searchVersions(registry, { filter: FILTER, page_token: models.nextPageToken }),
      ).rejects.toMatchObject({
        code: 'INVALID_PAGE_TOKEN',
      });
      const versions = await searchVersions(registry, { filter: FILTER, page_size: 1 });
      await expect(
        searchModels(registry, { filter: FILTER, page_token: versions.nextPageToken }),
      ).rejects.toMatchObject({
        code: 'INVALID_PAGE_TOKEN',
      });
    });

    it.each([[0], [5000], ['x'], [-1], [1.5], ['7 ']])(
      'refuses page_size %j with INVALID_ARGUMENT',
      async (size) => {
        await expect(searchVersions(registry, { filter: FILTER, page_size: size })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
          details: { field: 'page_size' },
        });
        await expect(searchModels(registry, { page_size: size })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
      },
    );
  });
});
