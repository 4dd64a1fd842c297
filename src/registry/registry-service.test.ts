/**
 * RegistryService on a real Kiln (SQLite, and PostgreSQL when reachable): models, names, aliases,
 * deletion, the audit trail and model cards, with versions registered from real ONNX fixtures.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsDigest } from '../govern/audit/audit-event.js';
import type { Actor } from '../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../server/test-support/test-kiln.js';
import { testPostgresUrl } from '../store/test-support/test-databases.js';
import { MODEL_CARD_SECTIONS } from './model-card.js';
import type { RegistryService } from './registry-service.js';
import type { NewVersionInput } from './registry-types.js';
import { registerModelVersion } from './version-registration.js';

const ALICE: Actor = { name: 'alice', role: 'engineer' };
const BOB: Actor = { name: 'bob', role: 'deployer' };
const LIMITS = { maxModelBytes: 16 * 1024 * 1024, inspectTimeoutMs: 30_000 };
const fixture = (file: string) =>
  fileURLToPath(new URL(`../../test/fixtures/models/${file}`, import.meta.url));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const BACKENDS = [null, testPostgresUrl()]
  .filter((url, i) => i === 0 || url)
  .map((url) => [url ? 'PostgreSQL' : 'SQLite', url] as const);

describe.each(BACKENDS)('RegistryService on %s', (_store, url) => {
  let t: TestKiln;
  let registry: RegistryService;
  let tmp: string;
  const register = (name: string, file: string, input: NewVersionInput = {}, actor = ALICE) =>
    registerModelVersion(registry, actor, name, file, input, LIMITS);
  /** Events appended after `afterSeq`, as `actor action resource`. */
  const auditSince = async (afterSeq: number) =>
    (await t.kiln.audit.list({ afterSeq, limit: 1000 })).map((e) => `${e.actor} ${e.action} ${e.resource}`);
  const lastSeq = async () => (await t.kiln.audit.latestCheckpoint())?.tree_size ?? 0;

  beforeAll(async () => {
    t = await createTestKiln({ postgresAdminUrl: url });
    registry = t.kiln.registry;
    tmp = mkdtempSync(join(tmpdir(), 'kiln-registry-'));
    // `aliased`: versions 1-3 READY, version 4 FAILED.
    for (let i = 0; i < 3; i++) await register('aliased', fixture('simple.onnx'));
    const text = join(tmp, 'notes.onnx');
    writeFileSync(text, 'this is a text file, not a model\n'.repeat(20));
    await expect(register('aliased', text)).rejects.toMatchObject({ code: 'INVALID_MODEL' });
  });
  afterAll(async () => {
    await t?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('models and names', () => {
    it('creates a model with its owner, tags and an audit event by the actor', async () => {
      const seq = await lastSeq();
      const model = await registry.createModel(ALICE, {
        name: 'churn',
        description: 'who leaves',
        tags: { team: 'growth' },
      });
      expect(model).toMatchObject({
        name: 'churn',
        description: 'who leaves',
        owner: 'alice',
        tags: { team: 'growth' },
      });
      expect(model.aliases).toEqual({});
      expect(model.latestVersion).toBeNull();
      expect(await registry.getModel('churn')).toEqual(model);
      expect(await auditSince(seq)).toEqual(['alice model.create model/churn']);
    });

    it('refuses a taken name with MODEL_EXISTS and leaves the first model unchanged', async () => {
      const first = await registry.createModel(ALICE, {
        name: 'dupe',
        description: 'first',
        tags: { a: '1' },
      });
      const seq = await lastSeq();
      await expect(
        registry.createModel(BOB, { name: 'dupe', description: 'second', owner: 'bob' }),
      ).rejects.toMatchObject({
        code: 'MODEL_EXISTS',
        message: 'a model named "dupe" already exists',
      });
      expect(await registry.getModel('dupe')).toEqual(first);
      expect(await auditSince(seq)).toEqual([]);
    });

    it.each([
      ['a path separator', 'team/model', /path separators/],
      ['a backslash', 'team\\model', /path separators/],
      ['".."', 'a..b', /must not contain "\.\."/],
      ['".." alone', '..', /must not contain "\.\."/],
      ['a NUL', 'a\u0000b', /control characters/],
      ['a newline', 'a\nb', /control characters/],
      ['129 characters', 'm'.repeat(129), /at most 128 characters \(has 129\)/],
      ['no characters', '', /must not be empty/],
      ['a leading digit', '9lives', /must start with a letter/],
      ['a space', 'a b', /may contain only/],
    ])('refuses a name with %s as INVALID_NAME and stores nothing', async (_what, name, reason) => {
      const before = await t.kiln.store.db.selectFrom('models').select('name').execute();
      const e = await registry.createModel(ALICE, { name }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'INVALID_NAME', details: { field: 'name' } });
      expect((e as Error).message).toMatch(reason);
      expect(await t.kiln.store.db.selectFrom('models').select('name').execute()).toEqual(before);
    });

    it('accepts a name of exactly 128 characters', async () => {
      const name = `m${'x'.repeat(127)}`;
      expect((await registry.createModel(ALICE, { name })).name).toBe(name);
    });

    it('refuses an all-digit alias, which would read as a version number', async () => {
      await expect(registry.setAlias(BOB, 'aliased', '123', 1)).rejects.toMatchObject({
        code: 'INVALID_NAME',
        message: expect.stringContaining('must not be all digits'),
      });
      expect((await registry.getModel('aliased')).aliases).not.toHaveProperty('123');
    });

    it('names what is missing: model, version or alias', async () => {
      await registry.createModel(ALICE, { name: 'empty' });
      await expect(registry.getModel('nope')).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
        details: { model: 'nope' },
      });
      await expect(registry.getVersion('nope', 1)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await expect(registry.resolve('nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await expect(registry.resolve('nope@champion')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await expect(registry.getVersion('aliased', 99)).rejects.toMatchObject({
        code: 'MODEL_VERSION_NOT_FOUND',
        message: 'model "aliased" has no version 99',
      });
      await expect(registry.resolve('aliased@99')).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
      await expect(registry.resolve('empty')).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
      await expect(registry.resolve('aliased@staging')).rejects.toMatchObject({
        code: 'ALIAS_NOT_FOUND',
        message: 'model "aliased" has no alias "staging"',
      });
      await expect(registry.deleteAlias(BOB, 'aliased', 'staging')).rejects.toMatchObject({
        code: 'ALIAS_NOT_FOUND',
      });
      await expect(registry.getVersion('aliased', 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });

  describe('aliases', () => {
    it('sets an alias, moves it and returns the version it pointed at before', async () => {
      expect(await registry.setAlias(BOB, 'aliased', 'champion', 1)).toEqual({ previous: null });
      expect(await registry.setAlias(BOB, 'aliased', 'champion', 2)).toEqual({ previous: 1 });
      expect((await registry.getModel('aliased')).aliases).toEqual({ champion: 2 });
      expect((await registry.getVersion('aliased', 2)).aliases).toEqual(['champion']);
      expect((await registry.getVersion('aliased', 1)).aliases).toEqual([]);
    });

    it('resolves name@alias, name@N, and a bare name to the newest READY version', async () => {
      expect((await registry.resolve('aliased@champion')).version).toBe(2);
      expect((await registry.resolve('aliased@3')).version).toBe(3);
      // Version 4 exists but FAILED: a bare name skips it.
      expect((await registry.getModel('aliased')).latestVersion).toBe(4);
      expect(await registry.resolve('aliased')).toMatchObject({ version: 3, status: 'READY' });
      expect((await registry.resolve({ name: 'aliased', kind: 'version', version: 1 })).version).toBe(1);
    });

    it('refuses to point an alias at a FAILED version', async () => {
      expect((await registry.getVersion('aliased', 4)).status).toBe('FAILED');
      await expect(registry.setAlias(BOB, 'aliased', 'champion', 4)).rejects.toMatchObject({
        code: 'MODEL_VERSION_NOT_READY',
        message: 'aliased@4 is FAILED; only READY versions take aliases',
      });
      expect((await registry.getModel('aliased')).aliases).toEqual({ champion: 2 });
    });

    it('serialises two concurrent moves of one alias: it ends on one, and both are audited in commit order', async () => {
      await registry.setAlias(BOB, 'aliased', 'race', 1);
      const [toTwo, toThree] = await Promise.all([
        registry.setAlias(ALICE, 'aliased', 'race', 2),
        registry.setAlias(BOB, 'aliased', 'race', 3),
      ]);
      // Whichever committed first saw version 1; the second saw the first's version.
      const order = toTwo.previous === 1 ? [2, 3] : [3, 2];
      expect([toTwo.previous, toThree.previous]).toEqual(order[0] === 2 ? [1, 2] : [3, 1]);
      const final = (await registry.getModel('aliased')).aliases.race;
      expect(final).toBe(order[1]);
      const moves = await t.kiln.audit.list({ action: 'alias.move', resource: 'model/aliased/alias/race' });
      expect(moves.map((e) => e.details_digest)).toEqual([
        detailsDigest({ version: 1, previous: null }),
        detailsDigest({ version: order[0], previous: 1 }),
        detailsDigest({ version: order[1], previous: order[0] }),
      ]);
      expect(moves.at(-1)?.actor).toBe(final === 2 ? 'alice' : 'bob');
    });
  });

  describe('deletion', () => {
    it('refuses to delete an aliased version unless forced; forcing removes the alias and then the blob', async () => {
      const v1 = await register('del-version', fixture('mlp_small.onnx'));
      await register('del-version', fixture('mlp_small.onnx'));
      await registry.setAlias(BOB, 'del-version', 'prod', 1);
      await expect(registry.deleteVersion(ALICE, 'del-version', 1)).rejects.toMatchObject({
        code: 'MODEL_VERSION_IN_USE',
        details: { aliases: ['prod'] },
      });
      expect((await registry.getVersion('del-version', 1)).status).toBe('READY');

      await registry.deleteVersion(ALICE, 'del-version', 2);
      await expect(registry.getVersion('del-version', 2)).rejects.toMatchObject({
        code: 'MODEL_VERSION_NOT_FOUND',
      });
      // Version 1 still holds the same bytes.
      expect(await t.kiln.artifacts.has(v1.digest!)).toBe(true);

      await registry.deleteVersion(ALICE, 'del-version', 1, { force: true });
      expect((await registry.getModel('del-version')).aliases).toEqual({});
      await expect(registry.resolve('del-version@prod')).rejects.toMatchObject({ code: 'ALIAS_NOT_FOUND' });
      expect(await t.kiln.artifacts.has(v1.digest!)).toBe(false);
    });

    it('refuses to delete a model with aliases unless forced; forcing removes versions, aliases and blobs', async () => {
      const v1 = await register('del-model', fixture('fixed_batch.onnx'));
      await registry.setAlias(BOB, 'del-model', 'prod', 1);
      await expect(registry.deleteModel(ALICE, 'del-model')).rejects.toMatchObject({
        code: 'MODEL_VERSION_IN_USE',
        details: { aliases: ['prod'] },
      });
      expect((await registry.getModel('del-model')).aliases).toEqual({ prod: 1 });

      const revision = async () =>
        (
          await t.kiln.store.db
            .selectFrom('revisions')
            .select('revision')
            .where('name', '=', 'registry')
            .executeTakeFirst()
        )?.revision ?? 0;
      const before = await revision();
      await registry.deleteModel(ALICE, 'del-model', { force: true });
      await expect(registry.getModel('del-model')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await expect(registry.resolve('del-model@prod')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      const db = t.kiln.store.db;
      expect(
        await db
          .selectFrom('model_versions')
          .select('version')
          .where('model_name', '=', 'del-model')
          .execute(),
      ).toEqual([]);
      expect(
        await db.selectFrom('model_aliases').select('alias').where('model_name', '=', 'del-model').execute(),
      ).toEqual([]);
      // Serving replicas learn of alias changes from the revision; the orphaned blob is released.
      expect(await revision()).toBeGreaterThan(before);
      expect(await t.kiln.artifacts.has(v1.digest!)).toBe(false);
      expect(sha256(fixture('fixed_batch.onnx'))).toBe(v1.digest);
    });

    it('deletes a model without aliases and without force', async () => {
      await registry.createModel(ALICE, { name: 'del-plain' });
      await registry.deleteModel(ALICE, 'del-plain');
      await expect(registry.getModel('del-plain')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await expect(registry.deleteModel(ALICE, 'del-plain')).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
      });
    });
  });

  it("records every state change in the audit log, in order, with the actor's name", async () => {
    const seq = await lastSeq();
    await registry.createModel(ALICE, { name: 'audited' });
    await registry.updateModel(BOB, 'audited', { description: 'now described' });
    await register('audited', fixture('simple.onnx'));
    await registry.setAlias(BOB, 'audited', 'prod', 1);
    await registry.editCard(ALICE, 'audited', 1, { intended_use: 'tests' });
    await registry.deleteAlias(BOB, 'audited', 'prod');
    await registry.deleteVersion(ALICE, 'audited', 1);
    await registry.deleteModel(BOB, 'audited');
    expect(await auditSince(seq)).toEqual([
      'alice model.create model/audited',
      'bob model.update model/audited',
      'alice model_version.register model/audited/1',
      'alice model_version.ready model/audited/1',
      'bob alias.move model/audited/alias/prod',
      'alice model_card.edit model/audited/1/card',
      'bob alias.delete model/audited/alias/prod',
      'alice model_version.delete model/audited/1',
      'bob model.delete model/audited',
    ]);
    expect((await t.kiln.audit.verify()).ok).toBe(true);
  });

  describe('model cards', () => {
    it('composes a card from what the registry recorded', async () => {
      const v = await register('carded', fixture('simple.onnx'), {
        description: 'sums and differences',
        metrics: { auc: 0.91 },
        params: { depth: '3' },
        lineage: { datasets: ['transactions@2'], run: 'run-7' },
      });
      const card = await registry.getCard('carded', 1);
      expect(card.title).toBe('carded version 1');
      expect(card.sections.map((s) => s.key)).toEqual([...MODEL_CARD_SECTIONS]);
      expect(card.sections.every((s) => s.text === null)).toBe(true);
      const details = card.sections[0]!.facts;
      expect(details[0]).toMatchObject({ kind: 'fields' });
      const rows = details[0]!.kind === 'fields' ? details[0]!.rows : [];
      expect(rows).toContainEqual({ label: 'Artifact digest', value: `sha256:${v.digest}` });
      expect(rows).toContainEqual({ label: 'Version description', value: 'sums and differences' });
      expect(rows).toContainEqual({ label: 'ONNX producer', value: 'kiln-fixtures 1' });
      expect(details).toContainEqual({
        kind: 'table',
        caption: 'Inputs',
        columns: ['Name', 'Datatype', 'Shape'],
        rows: [
          ['INPUT0', 'INT32', '[-1, 16]'],
          ['INPUT1', 'INT32', '[-1, 16]'],
        ],
      });
      expect(details).toContainEqual(
        expect.objectContaining({ caption: 'Parameters', rows: [['depth', '3']] }),
      );
      const section = (key: string) => card.sections.find((s) => s.key === key)!;
      expect(section('metrics').facts).toEqual([
        { kind: 'table', caption: 'Recorded metrics', columns: ['Metric', 'Value'], rows: [['auc', '0.91']] },
      ]);
      expect(section('training_data').facts[0]).toEqual({
        kind: 'fields',
        rows: [{ label: 'Training run', value: 'run-7' }],
      });
      expect(section('evaluation_data').facts[0]).toMatchObject({
        caption: 'Datasets in lineage',
        rows: [['transactions', '2']],
      });
    });

    it('editCard sets and clears authored sections and refuses an unknown one', async () => {
      let card = await registry.editCard(ALICE, 'carded', 1, { intended_use: 'Ranking', factors: 'Region' });
      const text = (key: string) => card.sections.find((s) => s.key === key)?.text;
      expect([text('intended_use'), text('factors')]).toEqual(['Ranking', 'Region']);
      card = await registry.editCard(ALICE, 'carded', 1, { intended_use: null });
      expect([text('intended_use'), text('factors')]).toEqual([null, 'Region']);
      expect(await registry.getCard('carded', 1)).toEqual(card);

      await expect(registry.editCard(ALICE, 'carded', 1, { purpose: 'x' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('unknown section "purpose"'),
      });
      await expect(registry.editCard(ALICE, 'carded', 1, { factors: 42 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      expect(await registry.getCard('carded', 1)).toEqual(card);
      await expect(registry.editCard(ALICE, 'carded', 9, { factors: 'x' })).rejects.toMatchObject({
        code: 'MODEL_VERSION_NOT_FOUND',
      });
    });
  });
});
