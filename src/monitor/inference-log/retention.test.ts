import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { Deployment } from '../../deploy/deployment-service.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../../deploy/deployment-settings.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { flattenRecord } from './flatten-record.js';
import { ParquetLogWriter } from './parquet-log-writer.js';
import { enforceRetention } from './retention.js';
import { inferenceLogDir } from './segment-paths.js';
import { fakeHash, logSettings, makeRecord } from './test-support/test-records.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;
const sqliteStore = { dialect: 'sqlite' } as MetadataStore;

function deployment(name: string, retention: string): Deployment {
  return {
    name,
    model: `${name}@1`,
    settings: resolveSettings({ logInputs: true, retention }),
    public: false,
    createdBy: 'alice',
    createdAt: '',
    updatedAt: '',
  };
}

function segments(ws: string): string[] {
  const root = inferenceLogDir(ws);
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(root)) walk(root, '');
  return out.sort();
}

describe('enforceRetention (segments)', () => {
  it("deletes only segments written before now − the deployment's retention, per deployment", async () => {
    const ws = mkdtempSync(join(tmpdir(), 'kiln-retention-'));
    dirs.push(ws);
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    const write = async (dep: string, daysAgoFromEnd: number) => {
      const writer = new ParquetLogWriter(inferenceLogDir(ws), {
        clock: new ManualClock(new Date(Date.parse('2026-03-11T00:00:00.000Z') - daysAgoFromEnd * DAY)),
      });
      await writer.write([flattenRecord(makeRecord({ deployment: dep }), logSettings(), fakeHash)]);
      await writer.close();
    };
    // fraud keeps 2 days, forever keeps everything, gone (deleted deployment) gets the default 30 days.
    for (const d of [10, 3, 1]) await write('fraud', d);
    for (const d of [40, 1]) await write('forever', d);
    for (const d of [40, 20]) await write('gone', d);
    const stale = join(inferenceLogDir(ws), 'fraud', 'v3', '2026-03-08', '.1-1-1.parquet.tmp');
    writeFileSync(stale, 'partial');
    utimesSync(stale, new Date('2026-03-08T00:00:00Z'), new Date('2026-03-08T00:00:00Z'));
    clock.set('2026-03-11T00:00:00.000Z');
    const deps = {
      workspaceDir: ws,
      store: sqliteStore,
      clock,
      deployments: { list: async () => [deployment('fraud', '2d'), deployment('forever', '0')] },
    };
    const before = segments(ws);
    expect(before).toHaveLength(8);
    const r = await enforceRetention(deps);
    expect(r).toEqual({ segmentsDeleted: 3, rowsDeleted: 0 });
    expect(segments(ws)).toEqual([
      'forever/v3/2026-01-30/20260130T000000.000Z-000001.parquet',
      'forever/v3/2026-03-10/20260310T000000.000Z-000001.parquet',
      'fraud/v3/2026-03-10/20260310T000000.000Z-000001.parquet',
      'gone/v3/2026-02-19/20260219T000000.000Z-000001.parquet',
    ]);
    // Emptied day folders are removed.
    expect(existsSync(join(inferenceLogDir(ws), 'fraud', 'v3', '2026-03-01'))).toBe(false);
    // Idempotent: nothing more to do at the same time; a day later the 2-day window moves on.
    expect((await enforceRetention(deps)).segmentsDeleted).toBe(0);
    clock.advance(2 * DAY);
    expect((await enforceRetention(deps)).segmentsDeleted).toBe(1);
    expect(segments(ws).filter((s) => s.startsWith('fraud/'))).toEqual([]);
  });

  it('does nothing when there is no log yet', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'kiln-retention-'));
    dirs.push(ws);
    const r = await enforceRetention({
      workspaceDir: ws,
      store: sqliteStore,
      clock: new ManualClock(),
      deployments: { list: async () => [] },
    });
    expect(r).toEqual({ segmentsDeleted: 0, rowsDeleted: 0 });
    expect(DEFAULT_SETTINGS.retention).toBe('30d');
  });
});
