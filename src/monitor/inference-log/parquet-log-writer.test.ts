import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { InferenceRecord } from '../../serve/inference-sink.js';
import { DuckEngine, quoteLiteral, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { flattenRecord } from './flatten-record.js';
import { ParquetLogWriter } from './parquet-log-writer.js';
import { fakeHash, logSettings, makeRecord, textTensor } from './test-support/test-records.js';

const root = mkdtempSync(join(tmpdir(), 'kiln-log-'));
let duck: DuckEngine;
beforeAll(async () => {
  duck = await DuckEngine.open();
});
afterAll(() => {
  duck.close();
  rmSync(root, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('ParquetLogWriter', () => {
  it('writes one segment per deployment and version, readable by DuckDB with the fixed and tensor columns', async () => {
    const clock = new ManualClock('2026-03-01T10:00:05.123Z');
    const writer = new ParquetLogWriter(join(root, 'a'), { clock });
    const settings = logSettings({ featureNames: { features: ['amount', 'hour', 'risk'] } });
    await writer.write([
      flattenRecord(makeRecord({ requestId: 'r1' }), settings, fakeHash),
      flattenRecord(makeRecord({ requestId: 'r2', version: 4 }), settings, fakeHash),
      flattenRecord(
        makeRecord({
          requestId: 'r3',
          deployment: 'chat',
          model: 'echo',
          version: 1,
          inputs: [textTensor('TEXT', ['hello', "it's"])],
          outputs: [textTensor('TEXT_OUT', ['HELLO', "IT'S"])],
        }),
        logSettings({ subjectKey: 'TEXT' }),
        fakeHash,
      ),
    ]);
    await writer.close();
    const files = walk(join(root, 'a'))
      .map((f) => relative(join(root, 'a'), f))
      .sort();
    expect(files).toEqual([
      'chat/v1/2026-03-01/20260301T100005.123Z-000003.parquet',
      'fraud/v3/2026-03-01/20260301T100005.123Z-000001.parquet',
      'fraud/v4/2026-03-01/20260301T100005.123Z-000002.parquet',
    ]);
    const fraud = join(root, 'a', files[1]!);
    const r = await duck.query(`SELECT * FROM read_parquet(${quoteLiteral(fraud)}) ORDER BY "row"`);
    expect(r.columns).toEqual([
      'request_id',
      'row',
      'deployment',
      'model',
      'version',
      'received_at',
      'latency_ms',
      'queue_ms',
      'compute_ms',
      'subject_id',
      'amount',
      'hour',
      'risk',
      'probability',
    ]);
    expect(r.types).toEqual([
      'VARCHAR',
      'INTEGER',
      'VARCHAR',
      'VARCHAR',
      'INTEGER',
      'TIMESTAMP',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
      'VARCHAR',
      'FLOAT',
      'FLOAT',
      'FLOAT',
      'FLOAT',
    ]);
    const rows = r.rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])),
    );
    expect(rows).toEqual([
      {
        request_id: 'r1',
        row: 0,
        deployment: 'fraud',
        model: 'fraud',
        version: 3,
        received_at: '2026-03-01T10:00:00.250Z',
        latency_ms: 4,
        queue_ms: 1,
        compute_ms: 2,
        subject_id: null,
        amount: 1.5,
        hour: 2,
        risk: 3,
        probability: 0.25,
      },
      {
        request_id: 'r1',
        row: 1,
        deployment: 'fraud',
        model: 'fraud',
        version: 3,
        received_at: '2026-03-01T10:00:00.250Z',
        latency_ms: 4,
        queue_ms: 1,
        compute_ms: 2,
        subject_id: null,
        amount: 4,
        hour: 5,
        risk: 6.25,
        probability: 0.75,
      },
    ]);
    const chat = await duck.queryJson(
      `SELECT subject_id, "TEXT", "TEXT_OUT" FROM read_parquet(${quoteLiteral(join(root, 'a', files[0]!))}) ORDER BY "row"`,
    );
    expect(chat.rows).toEqual([
      { subject_id: 'hello', TEXT: 'hello', TEXT_OUT: 'HELLO' },
      { subject_id: "it's", TEXT: "it's", TEXT_OUT: "IT'S" },
    ]);
    const meta = await duck.queryJson(
      `SELECT decode(value) AS v FROM parquet_kv_metadata(${quoteLiteral(fraud)}) WHERE decode(key) = 'kiln.columns'`,
    );
    expect(JSON.parse(String(meta.rows[0]?.v))).toEqual([
      { name: 'amount', role: 'input', type: 'FLOAT' },
      { name: 'hour', role: 'input', type: 'FLOAT' },
      { name: 'risk', role: 'input', type: 'FLOAT' },
      { name: 'probability', role: 'output', type: 'FLOAT' },
    ]);
  });

  it('never overwrites a segment: a second writer at the same instant takes the next sequence number', async () => {
    const clock = new ManualClock('2026-03-02T00:00:00.000Z');
    for (const id of ['first', 'second']) {
      const writer = new ParquetLogWriter(join(root, 'b'), { clock });
      await writer.write([flattenRecord(makeRecord({ requestId: id }), logSettings(), fakeHash)]);
      await writer.close();
    }
    const dir = join(root, 'b', 'fraud', 'v3', '2026-03-02');
    expect(readdirSync(dir).sort()).toEqual([
      '20260302T000000.000Z-000001.parquet',
      '20260302T000000.000Z-000002.parquet',
    ]);
    const r = await duck.queryJson(
      `SELECT DISTINCT request_id FROM read_parquet(${quoteLiteral(`${dir}/*.parquet`)}) ORDER BY 1`,
    );
    expect(r.rows).toEqual([{ request_id: 'first' }, { request_id: 'second' }]);
  });

  it('fills a column missing from some records with nulls and widens a column seen with two types to VARCHAR', async () => {
    const writer = new ParquetLogWriter(join(root, 'c'), { clock: new ManualClock('2026-03-03T00:00:00Z') });
    const one = (id: string, outputs: InferenceRecord['outputs']) =>
      flattenRecord(
        makeRecord({ requestId: id, inputs: [textTensor('x', ['1'])], outputs }),
        logSettings(),
        fakeHash,
      );
    await writer.write([
      one('a', [{ name: 'y', datatype: 'INT32', shape: [1], data: new Int32Array([7]) }]),
      one('b', [textTensor('y', ['seven'])]),
      one('c', []),
    ]);
    await writer.close();
    const file = walk(join(root, 'c'))[0]!;
    const r = await duck.queryJson(
      `SELECT request_id, y FROM read_parquet(${quoteLiteral(file)}) ORDER BY 1`,
    );
    expect(r.types).toEqual(['VARCHAR', 'VARCHAR']);
    expect(r.rows).toEqual([
      { request_id: 'a', y: '7' },
      { request_id: 'b', y: 'seven' },
      { request_id: 'c', y: null },
    ]);
    expect(walk(join(root, 'c')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
