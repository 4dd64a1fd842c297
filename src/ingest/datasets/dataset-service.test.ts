import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../../server/test-support/test-kiln.js';
import { DuckEngine, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { testPostgresUrl } from '../../store/test-support/test-databases.js';
import type { NewDatasetVersion } from './dataset-types.js';

const profile = { row_count: 3, column_count: 2, columns: [], created_at: '2026-11-26T00:00:00.000Z' };

async function writeParquet(dir: string, file: string, rows: number): Promise<string> {
  const duck = await DuckEngine.open();
  const path = join(dir, file);
  try {
    await duck.run(
      `COPY (SELECT range AS id, 'r' || range AS label FROM range(${rows})) TO ${quoteLiteral(path)} (FORMAT parquet)`,
    );
  } finally {
    duck.close();
  }
  return path;
}

function input(parquetPath: string, key: string, rows: number): NewDatasetVersion {
  return {
    dataset: 'transactions',
    parquetPath,
    versionKey: key,
    schema: [
      { name: 'id', type: 'BIGINT' },
      { name: 'label', type: 'VARCHAR' },
    ],
    rowCount: rows,
    profile: { ...profile, row_count: rows },
    validation: null,
    lineage: { pipeline: 'transactions', specDigest: 'abc', pipelineRunId: null, sources: [], steps: [] },
    pipelineRunId: null,
  };
}

const targets: { name: string; postgres: string | null }[] = [{ name: 'sqlite', postgres: null }];
const pgUrl = testPostgresUrl();
if (pgUrl) targets.push({ name: 'postgres', postgres: pgUrl });

for (const target of targets) {
  describe(`DatasetService (${target.name})`, () => {
    let t: TestKiln;
    let dir: string;
    beforeAll(async () => {
      t = await createTestKiln({ postgresAdminUrl: target.postgres });
      dir = mkdtempSync(join(tmpdir(), 'kiln-ds-'));
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('numbers versions, stores the Parquet by digest and audits each one', async () => {
      const ds = t.kiln.datasets;
      const v1 = await ds.createVersion(
        SYSTEM_ACTOR,
        input(await writeParquet(dir, 'a.parquet', 3), 'k1', 3),
      );
      const v2 = await ds.createVersion(
        SYSTEM_ACTOR,
        input(await writeParquet(dir, 'b.parquet', 5), 'k2', 5),
      );
      expect([v1.ref, v2.ref]).toEqual(['transactions@1', 'transactions@2']);
      expect(v2.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(await t.kiln.artifacts.has(v2.digest)).toBe(true);
      expect((await ds.getVersion('transactions')).version).toBe(2);
      expect((await ds.getVersion('transactions@1')).rowCount).toBe(3);
      expect((await ds.findByVersionKey('transactions', 'k1'))?.version).toBe(1);
      expect(await ds.findByVersionKey('transactions', 'nope')).toBeNull();
      const list = await ds.list();
      expect(list).toMatchObject([{ name: 'transactions', latestVersion: 2, versions: 2, rowCount: 5 }]);
      const actions = (await t.kiln.audit.list()).map((e) => `${e.action} ${e.resource}`);
      expect(actions).toContain('dataset.create dataset/transactions');
      expect(actions).toContain('dataset.version.create dataset/transactions@2');
    });

    it('reads the head of a version as JSON-safe rows', async () => {
      const head = await t.kiln.datasets.head('transactions@2', 2);
      expect(head.rows).toEqual([
        { id: 0, label: 'r0' },
        { id: 1, label: 'r1' },
      ]);
      await expect(t.kiln.datasets.head('transactions@2', 0)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    });

    it('names what is missing', async () => {
      await expect(t.kiln.datasets.getVersion('transactions@9')).rejects.toMatchObject({
        code: 'DATASET_NOT_FOUND',
      });
      await expect(t.kiln.datasets.getVersion('nothing')).rejects.toMatchObject({
        code: 'DATASET_NOT_FOUND',
      });
      await expect(t.kiln.datasets.getVersion('transactions@x')).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    });

    it('records no version when the Parquet file cannot be stored', async () => {
      await expect(
        t.kiln.datasets.createVersion(SYSTEM_ACTOR, input(join(dir, 'missing.parquet'), 'k3', 1)),
      ).rejects.toThrow();
      expect((await t.kiln.datasets.versions('transactions')).map((v) => v.version)).toEqual([1, 2]);
    });
  });
}
