/**
 * FeedbackService on a temporary workspace with real inference-log segments: ingest counts
 * (matched, unknown, duplicates, superseded), labels keyed by a logged column, PII keys, and the
 * performance metrics per window against numpy/scipy reference values
 * (`fixtures/make_performance_reference.py`).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { KilnError } from '../../core/errors.js';
import type { Deployment } from '../../deploy/deployment-service.js';
import type { AuditEventInput } from '../../govern/audit/audit-log.js';
import { DuckEngine, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { piiHasher } from '../inference-log/pii-salt.js';
import { makeRecord, textTensor } from '../inference-log/test-support/test-records.js';
import { feedbackDir, listFeedbackSegments } from './feedback-segments.js';
import { FeedbackService } from './feedback-service.js';
import type { PerformanceWindow } from './performance-report.js';
import {
  deploymentOf,
  fraudRecords,
  priceRecords,
  readReference,
  type WindowRef,
  writeCsv,
  writeLog,
} from './test-support/feedback-fixtures.js';

const ref = readReference();
const actor = { name: 'alice', role: 'engineer' as const };
const T0 = '2026-03-01T00:00:00.000Z';

let ws: string;
let files: string;
const clock = new ManualClock('2026-03-02T00:00:00.000Z');
const audited: AuditEventInput[] = [];
const deployments = new Map<string, Deployment>();
let service: FeedbackService;

/** A real salted hash (the fixtures' readable stand-in would contain the value it hashes). */
const saltedHash = piiHasher(Buffer.alloc(32, 7));

function makeService(dialect: 'sqlite' | 'postgres' = 'sqlite'): FeedbackService {
  return new FeedbackService({
    workspaceDir: ws,
    deployments: {
      async get(name) {
        const d = deployments.get(name);
        if (!d) throw new KilnError('DEPLOYMENT_NOT_FOUND', `no deployment ${name}`);
        return d;
      },
    },
    audit: {
      async record(e) {
        audited.push(e);
        return { seq: audited.length, time: clock.now().toISOString(), ...e, details_digest: '' };
      },
    },
    clock,
    dialect,
    hash: saltedHash,
  });
}

async function failure(p: Promise<unknown>): Promise<KilnError> {
  try {
    await p;
  } catch (e) {
    return e as KilnError;
  }
  throw new Error('expected a failure');
}

/** Compares a window with its reference (metrics to 1e-12). */
function expectWindow(actual: PerformanceWindow, expected: WindowRef): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.rows).toBe(expected.rows);
  expect(actual.labelled).toBe(expected.labelled);
  if (expected.start) expect(actual.start).toBe(expected.start);
  if (expected.end) expect(actual.end).toBe(expected.end);
  if (expected.confusion) expect(actual.confusion).toEqual(expected.confusion);
  const metrics = actual.metrics as unknown as Record<string, number | null>;
  for (const [name, value] of Object.entries(expected.metrics)) {
    if (value === null) {
      expect(metrics[name], name).toBeNull();
      expect(actual.undefined[name], name).toMatch(/./);
    } else {
      expect(metrics[name], name).toBeCloseTo(value, 12);
    }
  }
}

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'kiln-feedback-'));
  files = mkdtempSync(join(tmpdir(), 'kiln-feedback-files-'));
  deployments.set('fraud', deploymentOf('fraud', { scoreOutput: 'probability', threshold: 0.5 }));
  deployments.set('price', deploymentOf('price', { scoreOutput: 'price_hat' }));
  deployments.set('early', deploymentOf('early', { scoreOutput: 'probability' }));
  deployments.set(
    'pii',
    deploymentOf('pii', { scoreOutput: 'probability', pii: ['email'], piiMode: 'hash' }),
  );
  deployments.set('dropped', deploymentOf('dropped', { pii: ['email'], piiMode: 'drop' }));
  deployments.set('noscore', deploymentOf('noscore'));
  await writeLog(ws, fraudRecords(ref), '2026-03-01T04:00:00.000Z');
  await writeLog(ws, priceRecords(ref), '2026-03-01T04:00:00.000Z');
  service = makeService();
});

afterAll(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

describe('classification: ingest, supersede, key columns, metrics per window', () => {
  const c = ref.classification;

  it('stores a CSV batch, counting matched and unknown request ids, and audits it', async () => {
    const path = writeCsv(
      files,
      'first.csv',
      ['request_id', 'label'],
      c.batches.first.map((r) => [r.key, r.label]),
    );
    clock.advance(1000);
    const r = await service.ingest(actor, 'fraud', { path }, { baseDir: files });
    expect(r).toMatchObject({
      deployment: 'fraud',
      key: 'request_id',
      rows: c.batches.first.length,
      matched: c.batches.first.length - 2,
      unknown: 2,
      unknown_sample: ['ghost-1', 'ghost-2'],
      duplicates: 0,
      superseded: 0,
      received_at: clock.now().toISOString(),
    });
    expect(r.segment).toMatch(/^\.kiln\/feedback\/fraud\/\d{8}T\d{6}\.\d{3}Z-[0-9a-f]+\.parquet$/);
    expect(existsSync(join(ws, r.segment!))).toBe(true);
    expect(readdirSync(feedbackDir(ws, 'fraud')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(audited.at(-1)).toMatchObject({
      actor: 'alice',
      action: 'feedback.ingest',
      resource: 'deployment/fraud',
      details: { rows: r.rows, matched: r.matched, unknown: 2, key: 'request_id' },
    });
  });

  it('measures the labels posted so far', async () => {
    const p = await service.performance('fraud');
    expect(p).toMatchObject({ task: 'classification', score_output: 'probability', threshold: 0.5 });
    expectWindow(p.overall, c.expected.overall_before_correction);
    expect(p.windows).toHaveLength(1);
    expectWindow(p.windows[0]!, c.expected.overall_before_correction);
  });

  it('a later batch supersedes earlier labels for the same request ids', async () => {
    const path = writeCsv(
      files,
      'second.csv',
      ['request_id', 'label'],
      c.batches.second.map((r) => [r.key, r.label]),
    );
    clock.advance(1000);
    const r = await service.ingest(actor, 'fraud', { path }, { baseDir: files });
    expect(r).toMatchObject({ rows: c.flipped, matched: c.flipped, unknown: 0, superseded: c.flipped });
  });

  it('joins labels keyed by a logged column (--key), given as rows with boolean labels', async () => {
    clock.advance(1000);
    const rows = c.batches.third_by_txn.map((r) => ({ txn: r.key, label: r.label }));
    const r = await service.ingest(actor, 'fraud', { rows }, { key: 'txn', baseDir: files });
    expect(r).toMatchObject({ key: 'txn', rows: rows.length, matched: rows.length, unknown: 0 });
    expect(await listFeedbackSegments(ws, 'fraud')).toHaveLength(3);
  });

  it('computes accuracy, precision, recall, F1 and ROC AUC (ties averaged) like numpy/scipy', async () => {
    const p = await service.performance('fraud');
    expectWindow(p.overall, c.expected.overall);
    expect(p.notes).toEqual([]);
  });

  it('per 1h window, with null metrics and reasons where a window has one class', async () => {
    const p = await service.performance('fraud', { windowMs: 3_600_000 });
    expect(p.window_ms).toBe(3_600_000);
    expect(p.windows).toHaveLength(3);
    for (const [i, w] of c.expected.windows_1h.entries()) expectWindow(p.windows[i]!, w);
    expect(p.windows[2]!.undefined).toEqual({
      recall: 'no row labelled positive',
      roc_auc: 'only one class among the labels (all negative)',
    });
    expectWindow(p.overall, c.expected.overall);
    expect(JSON.stringify(p)).not.toMatch(/NaN|Infinity/);
  });

  it('a threshold override changes the confusion matrix but not the AUC', async () => {
    const p = await service.performance('fraud', { threshold: 0.3 });
    expect(p.threshold).toBe(0.3);
    expectWindow(p.overall, c.expected.overall_threshold_0_3);
  });

  it('from/to select log rows by received_at; windows count from `from`', async () => {
    const p = await service.performance('fraud', {
      from: new Date('2026-03-01T01:00:00.000Z'),
      to: new Date('2026-03-01T02:00:00.000Z'),
      windowMs: 1_800_000,
    });
    expectWindow(p.overall, c.expected.windows_1h[1]!);
    expect(p.overall.start).toBe('2026-03-01T01:00:00.000Z');
    expect(p.windows.map((w) => [w.start, w.rows])).toEqual([
      ['2026-03-01T01:00:00.000Z', 10],
      ['2026-03-01T01:30:00.000Z', 10],
    ]);
  });

  it('a score column without finite values leaves rows out, counted as no_score', async () => {
    const p = await service.performance('fraud', { scoreOutput: 'txn' });
    expect(p.overall.count).toBe(0);
    expect(p.overall.skipped.no_score).toBe(c.expected.overall.labelled);
    expect(p.overall.metrics).toMatchObject({ accuracy: null, roc_auc: null });
  });
});

describe('regression', () => {
  const r = ref.regression;

  it('takes labels from an NDJSON file and reports MAE and RMSE per window', async () => {
    const path = join(files, 'price.ndjson');
    writeFileSync(path, r.labels.map((l) => JSON.stringify(l)).join('\n'));
    const res = await service.ingest(actor, 'price', { path }, { baseDir: files });
    expect(res).toMatchObject({ rows: r.labels.length, matched: r.labels.length, unknown: 0 });
    const p = await service.performance('price', { windowMs: 3_600_000 });
    expect(p.task).toBe('regression');
    expect(p.threshold).toBeNull();
    expectWindow(p.overall, r.expected.overall);
    for (const [i, w] of r.expected.windows_1h.entries()) expectWindow(p.windows[i]!, w);
    expect(p.windows[0]!.confusion).toBeUndefined();
  });
});

describe('bad and unusual input', () => {
  it('refuses a file without a label column, naming the columns found', async () => {
    const path = writeCsv(files, 'nolabel.csv', ['request_id', 'outcome'], [['r-000', 1]]);
    const e = await failure(service.ingest(actor, 'fraud', { path }, { baseDir: files }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(
      'feedback: missing column "label"; expected "request_id" (the key) and "label", found "request_id", "outcome"',
    );
  });

  it('refuses a file without the --key column', async () => {
    const path = writeCsv(files, 'nokey.csv', ['request_id', 'label'], [['r-000', 1]]);
    const e = await failure(service.ingest(actor, 'fraud', { path }, { key: 'txn', baseDir: files }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('missing column "txn"');
  });

  it('refuses a key column the log does not have, listing the log columns', async () => {
    const path = writeCsv(files, 'badkey.csv', ['order', 'label'], [['o-1', 1]]);
    const e = await failure(service.ingest(actor, 'fraud', { path }, { key: 'order', baseDir: files }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(
      /^key: column "order" is not in the inference log of "fraud"; its columns are request_id, .*txn, probability$/,
    );
  });

  it('refuses an empty file; a header-only file is an empty batch and writes nothing', async () => {
    const empty = join(files, 'empty.csv');
    writeFileSync(empty, '');
    const e = await failure(service.ingest(actor, 'fraud', { path: empty }, { baseDir: files }));
    expect(e.code).toBe('SOURCE_UNREADABLE');
    expect(e.message).toBe(`feedback: ${empty}: file is empty`);
    const before = (await listFeedbackSegments(ws, 'fraud')).length;
    const header = join(files, 'header.csv');
    writeFileSync(header, 'request_id,label\n');
    const r = await service.ingest(actor, 'fraud', { path: header }, { baseDir: files });
    expect(r).toMatchObject({ rows: 0, matched: 0, unknown: 0, segment: null });
    expect(await listFeedbackSegments(ws, 'fraud')).toHaveLength(before);
  });

  it('refuses empty keys and labels and bad row indexes, naming the data rows', async () => {
    const path = writeCsv(
      files,
      'holes.csv',
      ['request_id', 'label'],
      [
        ['r-000', 1],
        ['r-001', ''],
        ['r-002', 0],
      ],
    );
    const e = await failure(service.ingest(actor, 'fraud', { path }, { baseDir: files }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('feedback: column "label" is empty on 1 row (data row 2)');
    const rows = [{ request_id: 'r-000', row: -1, label: 1 }];
    const bad = await failure(service.ingest(actor, 'fraud', { rows }, { baseDir: files }));
    expect(bad.message).toContain('column "row" (the row within the request) must be an integer ≥ 0');
    const noKey = await failure(
      service.ingest(actor, 'fraud', { rows: [{ request_id: '', label: 1 }] }, { baseDir: files }),
    );
    expect(noKey.message).toContain('column "request_id" (the key) is empty on 1 row (data row 1)');
  });

  it('keeps the last of duplicated keys in a batch and counts the others; numeric-looking ids stay text', async () => {
    deployments.set('dup', deploymentOf('dup', { scoreOutput: 'probability' }));
    await writeLog(
      ws,
      ['007', '008'].map((id, i) =>
        makeRecord({
          requestId: id,
          deployment: 'dup',
          receivedAt: new Date(Date.parse(T0) + i),
          inputs: [textTensor('txn', [id])],
          outputs: [{ name: 'probability', datatype: 'FP32', shape: [1, 1], data: new Float32Array([0.75]) }],
        }),
      ),
      '2026-03-01T00:10:00.000Z',
    );
    const path = writeCsv(
      files,
      'dup.csv',
      ['request_id', 'label'],
      [
        ['007', 0],
        ['008', 0],
        ['007', 1],
      ],
    );
    const r = await service.ingest(actor, 'dup', { path }, { baseDir: files });
    expect(r).toMatchObject({ rows: 2, duplicates: 1, matched: 2, unknown: 0 });
    const p = await service.performance('dup');
    expect(p.overall.confusion).toEqual({ tp: 1, fp: 1, tn: 0, fn: 0 });
  });

  it('keeps labels that arrive before their log rows and joins them once the rows are logged', async () => {
    const r = await service.ingest(
      actor,
      'early',
      {
        rows: [
          { request_id: 'e-1', label: 1 },
          { request_id: 'e-2', label: 0 },
        ],
      },
      { baseDir: files },
    );
    expect(r).toMatchObject({ rows: 2, matched: 0, unknown: 2, unknown_sample: ['e-1', 'e-2'] });
    const none = await service.performance('early');
    expect(none.notes).toEqual(['no inference-log rows in the range']);
    expect(none.overall.rows).toBe(0);
    await writeLog(
      ws,
      [0.9, 0.2].map((score, i) =>
        makeRecord({
          requestId: `e-${i + 1}`,
          deployment: 'early',
          receivedAt: new Date(Date.parse(T0) + i),
          outputs: [
            { name: 'probability', datatype: 'FP32', shape: [1, 1], data: new Float32Array([score]) },
          ],
          inputs: [textTensor('txn', ['x'])],
        }),
      ),
      '2026-03-01T00:10:00.000Z',
    );
    const p = await service.performance('early');
    expect(p.overall).toMatchObject({ rows: 2, labelled: 2, count: 2 });
    expect(p.overall.metrics).toMatchObject({ accuracy: 1, roc_auc: 1 });
  });

  it('labels a row of a batched request by request_id and row', async () => {
    deployments.set('batched', deploymentOf('batched', { scoreOutput: 'probability', threshold: 0.5 }));
    await writeLog(
      ws,
      [
        makeRecord({
          requestId: 'b-1',
          deployment: 'batched',
          inputs: [textTensor('txn', ['a', 'b'])],
          outputs: [
            { name: 'probability', datatype: 'FP32', shape: [2, 1], data: new Float32Array([0.25, 0.75]) },
          ],
        }),
      ],
      '2026-03-01T11:00:00.000Z',
    );
    const r = await service.ingest(
      actor,
      'batched',
      {
        rows: [
          { request_id: 'b-1', row: 1, label: 1 },
          { request_id: 'b-1', row: 5, label: 1 },
        ],
      },
      { baseDir: files },
    );
    expect(r).toMatchObject({ matched: 1, unknown: 1 });
    const p = await service.performance('batched');
    expect(p.overall).toMatchObject({
      rows: 2,
      labelled: 1,
      count: 1,
      confusion: { tp: 1, fp: 0, tn: 0, fn: 0 },
    });
  });

  it('hashes a PII key like the log does and never stores the raw value', async () => {
    await writeLog(
      ws,
      ['ann@example.com', 'bob@example.com'].map((email, i) =>
        makeRecord({
          requestId: `m-${i}`,
          deployment: 'pii',
          receivedAt: new Date(Date.parse(T0) + i),
          inputs: [textTensor('email', [email])],
          outputs: [{ name: 'probability', datatype: 'FP32', shape: [1, 1], data: new Float32Array([0.8]) }],
        }),
      ),
      '2026-03-01T00:10:00.000Z',
      { pii: ['email'], piiMode: 'hash' },
      saltedHash,
    );
    const rows = [
      { email: 'ann@example.com', label: 1 },
      { email: 'carl@example.com', label: 0 },
    ];
    const r = await service.ingest(actor, 'pii', { rows }, { key: 'email', baseDir: files });
    expect(r).toMatchObject({ matched: 1, unknown: 1, unknown_sample: ['carl@example.com'] });
    const [segment] = await listFeedbackSegments(ws, 'pii');
    const duck = await DuckEngine.open();
    const stored = await duck.query(`SELECT "key" FROM read_parquet(${quoteLiteral(segment!)}) ORDER BY 1`);
    duck.close();
    expect(stored.rows.map((x) => x.key)).toEqual(
      [saltedHash('ann@example.com'), saltedHash('carl@example.com')].sort(),
    );
    expect(readFileSync(segment!).includes('ann@example.com')).toBe(false);
    const p = await service.performance('pii');
    expect(p.overall).toMatchObject({ labelled: 1, confusion: { tp: 1, fp: 0, tn: 0, fn: 0 } });
    const dropped = await failure(
      service.ingest(actor, 'dropped', { rows }, { key: 'email', baseDir: files }),
    );
    expect(dropped.code).toBe('INVALID_ARGUMENT');
    expect(dropped.message).toContain('drops from its log (pii_mode drop)');
  });

  it('text labels need a positive label; with one they score as classification', async () => {
    deployments.set('text', deploymentOf('text', { scoreOutput: 'probability' }));
    await writeLog(
      ws,
      [0.9, 0.1, 0.6].map((score, i) =>
        makeRecord({
          requestId: `x-${i}`,
          deployment: 'text',
          receivedAt: new Date(Date.parse(T0) + i),
          inputs: [textTensor('txn', ['x'])],
          outputs: [
            { name: 'probability', datatype: 'FP32', shape: [1, 1], data: new Float32Array([score]) },
          ],
        }),
      ),
      '2026-03-01T00:10:00.000Z',
    );
    const path = writeCsv(
      files,
      'text.csv',
      ['request_id', 'label'],
      [
        ['x-0', 'fraud'],
        ['x-1', 'ok'],
        ['x-2', 'ok'],
      ],
    );
    await service.ingest(actor, 'text', { path }, { baseDir: files });
    const e = await failure(service.performance('text'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('got "fraud", "ok"; name the positive class with positive_label');
    const p = await service.performance('text', { positiveLabel: 'fraud' });
    expect(p).toMatchObject({ task: 'classification', positive_label: 'fraud', threshold: 0.5 });
    expect(p.overall.confusion).toEqual({ tp: 1, fp: 1, tn: 1, fn: 0 });
    expect(p.overall.metrics).toMatchObject({ roc_auc: 1, precision: 0.5, recall: 1 });
    const asRegression = await service.performance('text', { task: 'regression' });
    expect(asRegression.overall).toMatchObject({ count: 0, skipped: { no_score: 0, unusable_label: 3 } });
  });

  it('refuses bad performance options and a deployment without a score output', async () => {
    const cases: [Parameters<FeedbackService['performance']>[1], string][] = [
      [{ windowMs: 0 }, 'window: expected a duration of at least 1 ms, got 0'],
      [{ threshold: Number.NaN }, 'threshold: expected a finite number, got NaN'],
      [{ from: new Date('2026-03-02'), to: new Date('2026-03-01') }, 'to: expected a time after from'],
      [{ task: 'ranking' as never }, 'task: expected one of classification, regression, got "ranking"'],
      [{ windowMs: 1 }, 'window: expected at most 10000 windows over the range'],
      [{ scoreOutput: 'nope' }, 'score_output: column "nope" is not in the inference log of "fraud"'],
    ];
    for (const [options, message] of cases) {
      const e = await failure(service.performance('fraud', options));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(message);
    }
    const e = await failure(service.performance('noscore'));
    expect(e.message).toContain('score_output: deployment "noscore" has no score output');
  });

  it('is UNSUPPORTED when the inference log is in PostgreSQL (scaled mode)', async () => {
    const e = await failure(makeService('postgres').performance('fraud'));
    expect(e.code).toBe('UNSUPPORTED');
  });
});
