/**
 * registerModelVersion on a real Kiln (SQLite, and PostgreSQL when reachable) with the ONNX
 * fixtures: what a READY version records, what each kind of bad file leaves behind (a FAILED row and
 * no blob), metadata checks, webhook deliveries, and the recovery of interrupted registrations.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../server/test-support/test-kiln.js';
import { testPostgresUrl } from '../store/test-support/test-databases.js';
import type { FeatureSchema } from './feature-schema.js';
import type { RegistryService } from './registry-service.js';
import type { NewVersionInput } from './registry-types.js';
import { type RegistrationLimits, registerModelVersion } from './version-registration.js';

const ALICE: Actor = { name: 'alice', role: 'engineer' };
const LIMITS: RegistrationLimits = { maxModelBytes: 16 * 1024 * 1024, inspectTimeoutMs: 30_000 };
const fixture = (file: string) =>
  fileURLToPath(new URL(`../../test/fixtures/models/${file}`, import.meta.url));
const FRAUD_MODEL = fileURLToPath(new URL('../../examples/fraud/model.onnx', import.meta.url));
const FRAUD_FEATURES = JSON.parse(
  readFileSync(new URL('../../examples/fraud/features.json', import.meta.url), 'utf8'),
) as FeatureSchema;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const BACKENDS = [null, testPostgresUrl()]
  .filter((url, i) => i === 0 || url)
  .map((url) => [url ? 'PostgreSQL' : 'SQLite', url] as const);

describe.each(BACKENDS)('registerModelVersion on %s', (_store, url) => {
  let t: TestKiln;
  let registry: RegistryService;
  let tmp: string;
  const register = (name: string, file: string, input: NewVersionInput = {}, limits = LIMITS) =>
    registerModelVersion(registry, ALICE, name, file, input, limits);
  const temp = (file: string, bytes: Uint8Array | string) => {
    const path = join(tmp, file);
    writeFileSync(path, bytes);
    return path;
  };
  const versionRows = (model: string) =>
    t.kiln.store.db
      .selectFrom('model_versions')
      .selectAll()
      .where('model_name', '=', model)
      .orderBy('version')
      .execute();
  const deliveries = () => t.kiln.jobs.list({ type: 'webhook.deliver', limit: 1000 });

  beforeAll(async () => {
    t = await createTestKiln({ postgresAdminUrl: url, env: { KILN_NETWORK_ALLOW: 'http://127.0.0.1:*' } });
    registry = t.kiln.registry;
    tmp = mkdtempSync(join(tmpdir(), 'kiln-registration-'));
  });
  afterAll(async () => {
    await t?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('a valid model', () => {
    it('numbers versions 1, 2, 3 and records status, signature, ONNX summary, digest and bytes', async () => {
      const bytes = readFileSync(fixture('simple.onnx'));
      const versions = [];
      for (let i = 0; i < 3; i++) versions.push(await register('simple', fixture('simple.onnx')));
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
      const v1 = versions[0]!;
      expect(v1).toMatchObject({ model: 'simple', status: 'READY', statusMessage: '', createdBy: 'alice' });
      expect(v1.signature).toEqual({
        inputs: [
          { name: 'INPUT0', datatype: 'INT32', shape: [-1, 16] },
          { name: 'INPUT1', datatype: 'INT32', shape: [-1, 16] },
        ],
        outputs: [
          { name: 'OUTPUT0', datatype: 'INT32', shape: [-1, 16] },
          { name: 'OUTPUT1', datatype: 'INT32', shape: [-1, 16] },
        ],
      });
      expect(v1.onnx).toEqual({
        irVersion: 7,
        opsets: [{ domain: '', version: 13 }],
        producerName: 'kiln-fixtures',
        producerVersion: '1',
      });
      expect(v1.digest).toBe(sha256(bytes));
      expect(v1.sizeBytes).toBe(bytes.length);
      expect(v1.featureSchema).toBeNull();
      expect(await registry.getVersion('simple', 1)).toEqual(v1);

      const read = await registry.readModelBytes('simple@2');
      expect(read.version.version).toBe(2);
      expect(Buffer.compare(read.bytes, bytes)).toBe(0);
      expect((await registry.readModelBytes('simple')).version.version).toBe(3);
      // The model was created by the first registration, owned by the registering actor.
      expect(await registry.getModel('simple')).toMatchObject({ owner: 'alice', latestVersion: 3 });
    });

    it('registers a real PyTorch export', async () => {
      const v = await register('torch', fixture('torch_mlp.onnx'));
      expect(v.status).toBe('READY');
      expect(v.onnx).toMatchObject({
        producerName: 'pytorch',
        irVersion: 8,
        opsets: [{ domain: '', version: 15 }],
      });
      expect(v.signature).toEqual({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 8] }],
        outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 2] }],
      });
    });

    it('types a feature schema given as column names from the signature', async () => {
      const v = await register('fixed', fixture('fixed_batch.onnx'), { features: ['a', 'b', 'c', 'd'] });
      expect(v.featureSchema).toEqual({
        input: 'input',
        columns: ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'float32' })),
      });
    });

    it('stores the fraud example with its features.json', async () => {
      const v = await register('fraud', FRAUD_MODEL, { features: FRAUD_FEATURES });
      expect(v.status).toBe('READY');
      expect(v.featureSchema).toEqual(FRAUD_FEATURES);
      expect(v.signature?.inputs).toEqual([
        { name: 'features', datatype: 'FP32', shape: [-1, FRAUD_FEATURES.columns.length] },
      ]);
    });
  });

  describe('a feature schema that does not fit', () => {
    const wrongType = () => ({
      input: 'features',
      columns: FRAUD_FEATURES.columns.map((c, i) => (i === 1 ? { ...c, type: 'int64' } : c)),
    });
    it.each([
      [
        'the wrong column count',
        'schema-count',
        fixture('fixed_batch.onnx'),
        () => ['a', 'b', 'c'],
        'has 4 columns, the schema names 3',
      ],
      [
        'a wrong type',
        'schema-type',
        FRAUD_MODEL,
        wrongType,
        'has type int64 but input "features" holds float32',
      ],
      [
        'an unknown input',
        'schema-input',
        fixture('simple.onnx'),
        () => ({ input: 'NOPE', columns: ['a'] }),
        'no input "NOPE"',
      ],
    ])(
      'refuses %s with INVALID_FEATURE_SCHEMA and leaves no READY version',
      async (_what, name, file, features, reason) => {
        const e = await register(name, file, { features: features() as NewVersionInput['features'] }).catch(
          (x) => x,
        );
        expect(e).toMatchObject({ code: 'INVALID_FEATURE_SCHEMA', message: expect.stringContaining(reason) });
        const rows = await versionRows(name);
        expect(rows.map((r) => [r.version, r.status])).toEqual([[1, 'FAILED']]);
        expect(rows[0]!.status_message).toContain(`INVALID_FEATURE_SCHEMA: feature schema: `);
        await expect(registry.resolve(name)).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
      },
    );
  });

  describe('a file Kiln refuses', () => {
    const random = () =>
      Buffer.concat(Array.from({ length: 64 }, () => createHash('sha512').update('kiln').digest()));
    const half = (file: string) => {
      const bytes = readFileSync(fixture(file));
      return bytes.subarray(0, Math.floor(bytes.length / 2));
    };
    it.each([
      [
        'random bytes',
        'bad-random',
        () => temp('random.onnx', random()),
        /^not (a valid ONNX file|an ONNX model)/,
      ],
      [
        'a text file',
        'bad-text',
        () => temp('readme.onnx', 'This is not a model.\n'.repeat(40)),
        /^not (a valid ONNX file|an ONNX model)/,
      ],
      [
        'a truncated model',
        'bad-truncated',
        () => temp('truncated.onnx', half('mlp_small.onnx')),
        /^not a valid ONNX file/,
      ],
      ['a model without inputs', 'bad-no-inputs', () => fixture('no_inputs.onnx'), /has no inputs/],
      [
        'external data',
        'bad-external',
        () => fixture('external_data.onnx'),
        /as external data in external_data\.onnx\.data/,
      ],
      ['a ZipMap output', 'bad-zipmap', () => fixture('zipmap.onnx'), /made by a ZipMap operator/],
      [
        'an operator ONNX Runtime lacks',
        'bad-op',
        () => fixture('unknown_op.onnx'),
        /^ONNX Runtime cannot load the model: .*Frobnicate/,
      ],
    ])(
      'refuses %s: FAILED row with the reason, no blob, next registration works',
      async (_what, name, file, reason) => {
        const path = file();
        const digest = sha256(readFileSync(path));
        const e = await register(name, path).catch((x) => x);
        expect(e).toMatchObject({ code: 'INVALID_MODEL' });
        expect((e as Error).message).toMatch(reason);

        const [failed] = await versionRows(name);
        expect(failed).toMatchObject({ version: 1, status: 'FAILED', artifact_digest: null });
        expect(failed!.status_message).toBe(`INVALID_MODEL: ${(e as Error).message}`.slice(0, 2000));
        expect(await t.kiln.artifacts.has(digest)).toBe(false);
        const fails = await t.kiln.audit.list({ action: 'model_version.fail', resource: `model/${name}/1` });
        expect(fails.map((f) => f.actor)).toEqual(['alice']);

        const next = await register(name, fixture('simple.onnx'));
        expect(next).toMatchObject({ version: 2, status: 'READY' });
        expect((await registry.resolve(name)).version).toBe(2);
      },
    );

    it('refuses an empty file as INVALID_MODEL before writing anything', async () => {
      await expect(register('bad-empty', temp('empty.onnx', ''))).rejects.toMatchObject({
        code: 'INVALID_MODEL',
        message: 'the model file is empty; expected an ONNX ModelProto',
      });
      await expect(registry.getModel('bad-empty')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    });

    it('refuses a file over the size limit as PAYLOAD_TOO_LARGE before writing anything', async () => {
      const path = fixture('mlp_small.onnx');
      const size = readFileSync(path).length;
      const e = await register('bad-large', path, {}, { ...LIMITS, maxModelBytes: size - 1 }).catch((x) => x);
      expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { size, limit: size - 1 } });
      expect((e as Error).message).toContain(`the limit (registry.max_model_bytes) is ${size - 1}`);
      await expect(registry.getModel('bad-large')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      expect(await t.kiln.artifacts.has(sha256(readFileSync(path)))).toBe(false);
    });

    it('refuses a missing file as INVALID_ARGUMENT', async () => {
      await expect(register('bad-missing', join(tmp, 'nope.onnx'))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('ENOENT'),
      });
    });
  });

  describe('metadata', () => {
    it('stores metrics, params, lineage, tags and description and returns them', async () => {
      const input = {
        description: 'first try',
        metrics: { auc: 0.93, loss: 0.125 },
        params: { lr: '0.01', depth: '6' },
        lineage: { datasets: ['transactions@3'], run: 'run-42' },
        tags: { stage: 'dev' },
      };
      const v = await register('meta', fixture('simple.onnx'), input);
      expect(v).toMatchObject(input);
      expect(await registry.getVersion('meta', 1)).toMatchObject(input);
    });

    it.each([
      ['a NaN metric', { metrics: { auc: Number.NaN } }, 'metrics.auc'],
      ['a string metric', { metrics: { auc: '0.9' } }, 'metrics.auc'],
      ['an infinite metric', { metrics: { loss: Number.POSITIVE_INFINITY } }, 'metrics.loss'],
      ['an object param', { params: { layers: { n: 2 } } }, 'params.layers'],
      ['a dataset without a version', { lineage: { datasets: ['transactions'] } }, 'lineage.datasets[0]'],
      ['a non-string tag', { tags: { stage: 3 } }, 'tags.stage'],
    ])('refuses %s with INVALID_ARGUMENT naming the field, before writing', async (_what, input, field) => {
      const e = await register('meta-bad', fixture('simple.onnx'), input as NewVersionInput).catch((x) => x);
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field } });
      expect((e as Error).message).toMatch(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: expected`));
      await expect(registry.getModel('meta-bad')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    });
  });

  describe('webhooks', () => {
    it('enqueues deliveries for a registration and an alias move, none for a failed registration', async () => {
      await t.kiln.webhooks.create(ALICE, {
        url: 'http://127.0.0.1:9/hook',
        events: ['model.created', 'model_version.created', 'alias.moved'],
        model: null,
      });
      const before = (await deliveries()).length;
      await register('hooked', fixture('simple.onnx'));
      await registry.setAlias(ALICE, 'hooked', 'champion', 1);
      const jobs = (await deliveries()).slice(0, (await deliveries()).length - before);
      const bodies = jobs.map((j) => JSON.parse((j.payload as { body: string }).body));
      expect(bodies.map((b) => b.type).sort()).toEqual([
        'alias.moved',
        'model.created',
        'model_version.created',
      ]);
      expect(bodies.every((b) => b.model === 'hooked')).toBe(true);
      expect(bodies.find((b) => b.type === 'model_version.created').data).toMatchObject({
        version: 1,
        status: 'READY',
      });
      expect(bodies.find((b) => b.type === 'alias.moved').data).toEqual({
        alias: 'champion',
        version: 1,
        previous: null,
      });

      const count = (await deliveries()).length;
      await expect(
        register('hooked', temp('hooked-text.onnx', 'not a model\n'.repeat(50))),
      ).rejects.toMatchObject({
        code: 'INVALID_MODEL',
      });
      expect((await versionRows('hooked')).map((r) => r.status)).toEqual(['READY', 'FAILED']);
      expect((await deliveries()).length).toBe(count);
    });
  });

  it('failInterruptedRegistrations fails old PENDING versions and leaves recent ones', async () => {
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const row = (version: number, createdAt: string) => ({
      model_name: 'stale',
      version,
      status: 'PENDING',
      status_message: 'registering',
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
      created_at: createdAt,
      updated_at: createdAt,
    });
    await registry.createModel(ALICE, { name: 'stale' });
    await t.kiln.store.db
      .insertInto('model_versions')
      .values([row(1, at(2 * 60 * 60 * 1000)), row(2, at(60 * 1000))])
      .execute();

    expect(await registry.failInterruptedRegistrations(60 * 60 * 1000)).toBe(1);
    expect((await versionRows('stale')).map((r) => [r.version, r.status, r.status_message])).toEqual([
      [1, 'FAILED', 'registration interrupted before it completed'],
      [2, 'PENDING', 'registering'],
    ]);
    const events = await t.kiln.audit.list({ action: 'model_version.fail', resource: 'model/stale/1' });
    expect(events.map((e) => e.actor)).toEqual(['system']);
    expect(await registry.failInterruptedRegistrations(60 * 60 * 1000)).toBe(0);
  });
});
