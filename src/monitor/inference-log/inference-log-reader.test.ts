import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { flattenRecord } from './flatten-record.js';
import { readInferenceLog } from './inference-log-reader.js';
import { ParquetLogWriter } from './parquet-log-writer.js';
import { inferenceLogDir } from './segment-paths.js';
import { fakeHash, logSettings, makeRecord } from './test-support/test-records.js';

const ws = mkdtempSync(join(tmpdir(), 'kiln-log-read-'));
let duck: DuckEngine;

/** Writes one request received at `at` in a segment stamped `writtenAt`. */
async function segment(at: string, writtenAt: string, over: Parameters<typeof makeRecord>[0] = {}) {
  const writer = new ParquetLogWriter(inferenceLogDir(ws), { clock: new ManualClock(writtenAt) });
  await writer.write([
    flattenRecord(
      makeRecord({ requestId: `at ${at}`, receivedAt: new Date(at), ...over }),
      logSettings(),
      fakeHash,
    ),
  ]);
  await writer.close();
}

beforeAll(async () => {
  duck = await DuckEngine.open();
  await segment('2026-03-01T23:59:59.500Z', '2026-03-02T00:00:00.400Z');
  await segment('2026-03-02T12:00:00.000Z', '2026-03-02T12:00:01.000Z');
  await segment('2026-03-03T08:00:00.000Z', '2026-03-03T08:00:01.000Z', { version: 4 });
  await segment('2026-03-03T09:00:00.000Z', '2026-03-03T09:00:01.000Z', { deployment: 'other' });
  // Not segments: an unfinished write and a stray file.
  const day = join(inferenceLogDir(ws), 'fraud', 'v3', '2026-03-02');
  writeFileSync(join(day, '.123-1-1.parquet.tmp'), 'partial');
  writeFileSync(join(day, 'notes.txt'), 'x');
  mkdirSync(join(inferenceLogDir(ws), 'fraud', 'tmp'));
});
afterAll(() => {
  duck.close();
  rmSync(ws, { recursive: true, force: true });
});

describe('readInferenceLog', () => {
  it("lists a deployment's segments oldest first, every version, ignoring what is not a segment", async () => {
    const r = await readInferenceLog(ws, { deployment: 'fraud' });
    expect(r.files.map((f) => f.slice(inferenceLogDir(ws).length + 1))).toEqual([
      'fraud/v3/2026-03-02/20260302T000000.400Z-000001.parquet',
      'fraud/v3/2026-03-02/20260302T120001.000Z-000001.parquet',
      'fraud/v4/2026-03-03/20260303T080001.000Z-000001.parquet',
    ]);
    const rows = await duck.queryJson(`SELECT DISTINCT request_id, version FROM ${r.relation} ORDER BY 1`);
    expect(rows.rows).toEqual([
      { request_id: 'at 2026-03-01T23:59:59.500Z', version: 3 },
      { request_id: 'at 2026-03-02T12:00:00.000Z', version: 3 },
      { request_id: 'at 2026-03-03T08:00:00.000Z', version: 4 },
    ]);
  });

  it('selects rows by received_at (from inclusive, to exclusive) and skips segments written before from', async () => {
    const r = await readInferenceLog(ws, {
      deployment: 'fraud',
      from: new Date('2026-03-01T23:59:59.500Z'),
      to: new Date('2026-03-03T08:00:00.000Z'),
    });
    expect(r.files).toHaveLength(3);
    const rows = await duck.queryJson(`SELECT DISTINCT request_id FROM ${r.relation} ORDER BY 1`);
    expect(rows.rows).toEqual([
      { request_id: 'at 2026-03-01T23:59:59.500Z' },
      { request_id: 'at 2026-03-02T12:00:00.000Z' },
    ]);
    const later = await readInferenceLog(ws, { deployment: 'fraud', from: new Date('2026-03-02T06:00:00Z') });
    expect(later.files).toHaveLength(2);
  });

  it('filters by version', async () => {
    const r = await readInferenceLog(ws, { deployment: 'fraud', version: 4 });
    expect(r.files).toHaveLength(1);
  });

  it('gives no files and a null relation for a deployment without a log', async () => {
    expect(await readInferenceLog(ws, { deployment: 'nothing' })).toEqual({ files: [], relation: null });
  });

  it('refuses a bad deployment name, date or version', async () => {
    await expect(readInferenceLog(ws, { deployment: '../x' })).rejects.toMatchObject({
      code: 'INVALID_NAME',
    });
    await expect(readInferenceLog(ws, { deployment: 'fraud', from: new Date('nope') })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
        details: { field: 'from' },
      },
    );
    await expect(readInferenceLog(ws, { deployment: 'fraud', version: 0 })).rejects.toMatchObject({
      details: { field: 'version' },
    });
  });
});
