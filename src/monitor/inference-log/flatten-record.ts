/**
 * @module monitor/inference-log/flatten-record
 * Turns one answered request into inference-log rows: one row per batch row, one column per
 * tensor element in a row (named as `log-columns.ts` says), plus the fixed columns. Personal data
 * is treated HERE, before the rows reach any buffer that might be written: a column listed in
 * `pii` (by its own name or its tensor's name) is left out (`drop`) or replaced by its salted hash
 * (`hash`, a VARCHAR column). `subject_id` holds the subject-key column's value, hashed whenever
 * that column is PII (even in `drop` mode, so the subject's rows can still be found for erasure).
 */
import type { PiiMode } from '../../deploy/deployment-settings.js';
import type { InferenceRecord } from '../../serve/inference-sink.js';
import type { Tensor, TensorData, V2Datatype } from '../../serve/tensor.js';
import { FIXED_COLUMNS, rowWidth, tensorColumnNames } from './log-columns.js';
import type { PiiHash } from './pii-salt.js';

/** DuckDB type names of log columns. */
export type LogType =
  | 'VARCHAR'
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'UTINYINT'
  | 'USMALLINT'
  | 'UINTEGER'
  | 'UBIGINT'
  | 'FLOAT'
  | 'DOUBLE';

export type LogValue = string | number | bigint | boolean | null;

export interface LogColumn {
  readonly name: string;
  readonly type: LogType;
  readonly role: 'input' | 'output';
  /** One value per row. */
  readonly values: LogValue[];
}

/** What the log needs to know about a deployment (resolved from its settings and feature schema). */
export interface LogSettings {
  readonly logInputs: boolean;
  readonly pii: readonly string[];
  readonly piiMode: PiiMode;
  readonly subjectKey: string | null;
  /** Feature names per input tensor (from the served version's feature schema). */
  readonly featureNames: Readonly<Record<string, readonly string[]>>;
}

/** One request's rows, column-major, already free of untreated personal data. */
export interface FlatRecord {
  readonly requestId: string;
  readonly deployment: string;
  readonly model: string;
  readonly version: number;
  readonly receivedAtMs: number;
  readonly latencyMs: number;
  readonly queueMs: number;
  readonly computeMs: number;
  readonly rows: number;
  /** Per row; null when no subject key is set or the request does not carry it. */
  readonly subjects: (string | null)[] | null;
  readonly columns: LogColumn[];
}

const TYPE_OF: Readonly<Record<V2Datatype, LogType>> = {
  BOOL: 'BOOLEAN',
  UINT8: 'UTINYINT',
  UINT16: 'USMALLINT',
  UINT32: 'UINTEGER',
  UINT64: 'UBIGINT',
  INT8: 'TINYINT',
  INT16: 'SMALLINT',
  INT32: 'INTEGER',
  INT64: 'BIGINT',
  FP16: 'FLOAT',
  FP32: 'FLOAT',
  FP64: 'DOUBLE',
  BYTES: 'VARCHAR',
};

const RESERVED: ReadonlySet<string> = new Set(FIXED_COLUMNS);

/** Rows a request holds: the first dimension of its first input (1 for a scalar or no input). */
export function rowsOf(record: Pick<InferenceRecord, 'inputs'>): number {
  const first = record.inputs[0];
  return first && first.shape.length > 0 ? (first.shape[0] ?? 1) : 1;
}

export function flattenRecord(record: InferenceRecord, settings: LogSettings, hash: PiiHash): FlatRecord {
  const rows = rowsOf(record);
  const pii = new Set(settings.pii);
  const used = new Set<string>(RESERVED);
  const columns: LogColumn[] = [];
  let subjects: (string | null)[] | null = null;
  const add = (t: Tensor, role: 'input' | 'output', featureNames?: readonly string[]) => {
    for (const raw of tensorColumns(t, rows, featureNames)) {
      const isPii =
        pii.has(raw.name) || pii.has(t.name) || (raw.whole && anyPiiWithin(t.name, featureNames, pii));
      if (settings.subjectKey !== null && raw.name === settings.subjectKey && subjects === null) {
        subjects = raw.values.map((v) => (v === null ? null : isPii ? hash(textOf(v)) : textOf(v)));
      }
      if (isPii && settings.piiMode === 'drop') continue;
      const name = unique(raw.name, used);
      if (isPii) {
        const values = raw.values.map((v) => (v === null ? null : hash(textOf(v))));
        columns.push({ name, type: 'VARCHAR', role, values });
      } else {
        columns.push({ name, type: raw.type, role, values: raw.values });
      }
    }
  };
  for (const t of record.inputs) {
    // hasOwn: a tensor named like an Object.prototype member ("constructor") has no feature names.
    add(t, 'input', Object.hasOwn(settings.featureNames, t.name) ? settings.featureNames[t.name] : undefined);
  }
  for (const t of record.outputs) add(t, 'output');
  return {
    requestId: record.requestId,
    deployment: record.deployment,
    model: record.model,
    version: record.version,
    receivedAtMs: record.receivedAt.getTime(),
    latencyMs: record.totalSeconds * 1000,
    queueMs: record.queueSeconds * 1000,
    computeMs: record.computeSeconds * 1000,
    rows,
    subjects,
    columns,
  };
}

/** A tensor's columns; a tensor whose first dimension is not the row count is one JSON column. */
function tensorColumns(
  t: Tensor,
  rows: number,
  featureNames: readonly string[] | undefined,
): { name: string; type: LogType; values: LogValue[]; whole: boolean }[] {
  const shape = t.shape.length === 0 ? [1] : t.shape;
  if (shape[0] !== rows) {
    const json = JSON.stringify({ shape: t.shape, data: Array.from(t.data as ArrayLike<unknown>, jsonSafe) });
    return [{ name: t.name, type: 'VARCHAR', values: new Array<LogValue>(rows).fill(json), whole: true }];
  }
  const width = rowWidth(shape);
  const names = tensorColumnNames(t.name, width, featureNames);
  const read = reader(t.datatype, t.data);
  return names.map((name, j) => {
    const values = new Array<LogValue>(rows);
    for (let r = 0; r < rows; r++) values[r] = read(r * width + j);
    return { name, type: TYPE_OF[t.datatype], values, whole: false };
  });
}

/** Whether any PII entry names a column inside the tensor (for a tensor logged whole, as JSON). */
function anyPiiWithin(
  tensor: string,
  featureNames: readonly string[] | undefined,
  pii: ReadonlySet<string>,
): boolean {
  for (const p of pii) {
    if (featureNames?.includes(p)) return true;
    if (p.startsWith(`${tensor}_`) && /^\d+$/.test(p.slice(tensor.length + 1))) return true;
  }
  return false;
}

function reader(datatype: V2Datatype, data: TensorData): (i: number) => LogValue {
  if (datatype === 'BOOL') return (i) => (data as Uint8Array)[i] !== 0;
  if (datatype === 'FP16') return (i) => halfToFloat((data as Uint16Array)[i] ?? 0);
  return (i) => (data as ArrayLike<LogValue>)[i] ?? null;
}

/** IEEE 754 half-precision bits to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** The text a value is hashed as (and a subject id is written as). */
export function textOf(v: Exclude<LogValue, null>): string {
  return String(v);
}

function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

function unique(name: string, used: Set<string>): string {
  let out = name;
  for (let n = 2; used.has(out); n++) out = `${name}_${n}`;
  used.add(out);
  return out;
}
