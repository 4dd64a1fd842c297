/** The scaled-mode writer and retention against a real PostgreSQL (a fresh database per run). */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { Deployment } from '../../deploy/deployment-service.js';
import { resolveSettings } from '../../deploy/deployment-settings.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import {
  postgresFactory,
  type TestStoreFactory,
  testPostgresUrl,
} from '../../store/test-support/test-databases.js';
import { flattenRecord } from './flatten-record.js';
import { PostgresLogWriter } from './postgres-log-writer.js';
import { enforceRetention } from './retention.js';
import { fakeHash, logSettings, makeRecord, textTensor } from './test-support/test-records.js';

const pgUrl = testPostgresUrl();

describe.runIf(pgUrl)('PostgresLogWriter', () => {
  let factory: TestStoreFactory;
  let store: MetadataStore;

  beforeAll(async () => {
    factory = postgresFactory(pgUrl as string);
    store = await factory.create();
  });
  afterAll(async () => {
    await factory?.cleanup();
  });

  const rows = async () =>
    (
      await sql<{
        deployment: string;
        version: number;
        request_id: string;
        row: number;
        received_at: Date;
        latency_ms: number;
        subject_id: string | null;
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
      }>`select deployment, version, request_id, "row", received_at, latency_ms, subject_id, inputs, outputs
         from inference_log order by id`.execute(store.db)
    ).rows;

  it('creates the table on first use and writes one row per batch row, tensors as JSONB', async () => {
    const writer = new PostgresLogWriter(store);
    const settings = logSettings({ featureNames: { features: ['amount', 'hour', 'risk'] } });
    await writer.write([
      flattenRecord(makeRecord({ requestId: 'r1' }), settings, fakeHash),
      flattenRecord(
        makeRecord({
          requestId: 'r2',
          deployment: 'chat',
          inputs: [textTensor('email', ['alice@example.com']), textTensor('note', ['nul\u0000here'])],
          outputs: [{ name: 'big', datatype: 'INT64', shape: [1], data: new BigInt64Array([2n ** 60n]) }],
        }),
        logSettings({ pii: ['email'], subjectKey: 'email' }),
        fakeHash,
      ),
    ]);
    // A second writer (another replica) finds the table there.
    await new PostgresLogWriter(store).write([
      flattenRecord(makeRecord({ requestId: 'r3' }), settings, fakeHash),
    ]);
    await writer.close();
    const got = await rows();
    expect(got.map((r) => [r.deployment, r.request_id, r.row])).toEqual([
      ['fraud', 'r1', 0],
      ['fraud', 'r1', 1],
      ['chat', 'r2', 0],
      ['fraud', 'r3', 0],
      ['fraud', 'r3', 1],
    ]);
    expect(got[1]).toMatchObject({
      version: 3,
      latency_ms: 4,
      subject_id: null,
      inputs: { amount: 4, hour: 5, risk: 6.25 },
      outputs: { probability: 0.75 },
    });
    expect(got[1]?.received_at.toISOString()).toBe('2026-03-01T10:00:00.250Z');
    expect(got[2]).toMatchObject({
      subject_id: 'h(alice@example.com)',
      inputs: { email: 'h(alice@example.com)', note: 'nul\uFFFDhere' },
      outputs: { big: String(2n ** 60n) },
    });
  });

  it("deletes rows received before now − each deployment's retention", async () => {
    await sql`delete from inference_log`.execute(store.db);
    const writer = new PostgresLogWriter(store);
    const at = (dep: string, iso: string) =>
      flattenRecord(
        makeRecord({ deployment: dep, receivedAt: new Date(iso), requestId: `${dep} ${iso}` }),
        logSettings(),
        fakeHash,
      );
    await writer.write([
      at('fraud', '2026-03-01T00:00:00Z'),
      at('fraud', '2026-03-09T12:00:00Z'),
      at('forever', '2025-01-01T00:00:00Z'),
      at('gone', '2026-01-01T00:00:00Z'),
      at('gone', '2026-03-01T00:00:00Z'),
    ]);
    const dep = (name: string, retention: string): Deployment => ({
      name,
      model: `${name}@1`,
      settings: resolveSettings({ retention }),
      public: false,
      createdBy: 'a',
      createdAt: '',
      updatedAt: '',
    });
    const r = await enforceRetention({
      workspaceDir: '/nonexistent-kiln-workspace',
      store,
      clock: new ManualClock('2026-03-10T00:00:00Z'),
      deployments: { list: async () => [dep('fraud', '2d'), dep('forever', '0')] },
    });
    expect(r.rowsDeleted).toBe(4); // fraud's old request (2 rows) and gone's 70-day-old one (2 rows)
    const left = [...new Set((await rows()).map((x) => x.request_id))].sort();
    expect(left).toEqual([
      'forever 2025-01-01T00:00:00Z',
      'fraud 2026-03-09T12:00:00Z',
      'gone 2026-03-01T00:00:00Z',
    ]);
  });
});
