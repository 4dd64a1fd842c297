/**
 * @module monitor/feedback/test-support/feedback-fixtures
 * The reference data of the feedback tests (`fixtures/performance-reference.json`, written by
 * `fixtures/make_performance_reference.py`) and helpers that write inference-log segments and
 * feedback files for it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../core/clock.js';
import { DEFAULT_SETTINGS, type DeploymentSettings } from '../../../deploy/deployment-settings.js';
import type { Deployment } from '../../../deploy/deployment-service.js';
import type { InferenceRecord } from '../../../serve/inference-sink.js';
import { flattenRecord } from '../../inference-log/flatten-record.js';
import { ParquetLogWriter } from '../../inference-log/parquet-log-writer.js';
import type { PiiHash } from '../../inference-log/pii-salt.js';
import { inferenceLogDir } from '../../inference-log/segment-paths.js';
import {
  fakeHash,
  logSettings,
  makeRecord,
  tensor2d,
  textTensor,
} from '../../inference-log/test-support/test-records.js';

export interface WindowRef {
  readonly count: number;
  readonly confusion?: { tp: number; fp: number; tn: number; fn: number };
  readonly metrics: Record<string, number | null>;
  readonly start?: string;
  readonly end?: string;
  readonly rows: number;
  readonly labelled: number;
}

export interface Reference {
  readonly classification: {
    readonly log: { request_id: string; txn: string; received_ms: number; score: number }[];
    readonly batches: {
      readonly first: { key: string; label: number }[];
      readonly second: { key: string; label: number }[];
      readonly third_by_txn: { key: string; label: boolean }[];
    };
    readonly flipped: number;
    readonly expected: {
      readonly overall: WindowRef;
      readonly windows_1h: WindowRef[];
      readonly overall_before_correction: WindowRef;
      readonly overall_threshold_0_3: WindowRef;
    };
  };
  readonly regression: {
    readonly log: { request_id: string; received_ms: number; prediction: number }[];
    readonly labels: { request_id: string; label: number }[];
    readonly expected: { readonly overall: WindowRef; readonly windows_1h: WindowRef[] };
  };
}

export function readReference(): Reference {
  const file = new URL('../fixtures/performance-reference.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Reference;
}

export function deploymentOf(name: string, settings: Partial<DeploymentSettings> = {}): Deployment {
  return {
    name,
    model: `${name}@1`,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    public: false,
    createdBy: 'test',
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

/** Writes `records` as one inference-log segment, stamped at `writtenAt`. */
export async function writeLog(
  workspaceDir: string,
  records: InferenceRecord[],
  writtenAt: string,
  pii: { pii: string[]; piiMode: 'hash' | 'drop' } = { pii: [], piiMode: 'hash' },
  hash: PiiHash = fakeHash,
): Promise<void> {
  const writer = new ParquetLogWriter(inferenceLogDir(workspaceDir), { clock: new ManualClock(writtenAt) });
  await writer.write(records.map((r) => flattenRecord(r, logSettings(pii), hash)));
  await writer.close();
}

/** The classification reference's log: input `txn` (text), output `probability` (FP32). */
export function fraudRecords(ref: Reference): InferenceRecord[] {
  return ref.classification.log.map((r) =>
    makeRecord({
      requestId: r.request_id,
      deployment: 'fraud',
      model: 'fraud',
      version: 1,
      receivedAt: new Date(r.received_ms),
      inputs: [textTensor('txn', [r.txn])],
      outputs: [{ name: 'probability', datatype: 'FP32', shape: [1, 1], data: new Float32Array([r.score]) }],
    }),
  );
}

/** The regression reference's log: output `price_hat` (FP64). */
export function priceRecords(ref: Reference): InferenceRecord[] {
  return ref.regression.log.map((r) =>
    makeRecord({
      requestId: r.request_id,
      deployment: 'price',
      model: 'price',
      version: 1,
      receivedAt: new Date(r.received_ms),
      inputs: [tensor2d('x', [[1]])],
      outputs: [{ name: 'price_hat', datatype: 'FP64', shape: [1], data: new Float64Array([r.prediction]) }],
    }),
  );
}

/** Writes a CSV file (header + rows, values as given) and returns its path. */
export function writeCsv(dir: string, name: string, header: string[], rows: unknown[][]): string {
  const path = join(dir, name);
  const lines = [header.join(','), ...rows.map((r) => r.map(String).join(','))];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export { fakeHash };
