/**
 * @module deploy/deployment-settings
 * A deployment's settings. Batching and execution use Triton's names and meanings:
 * `max_batch_size` (≤ 1: no batching), `max_queue_delay_microseconds`, `preferred_batch_size`,
 * `max_queue_size` (full → 503 with Retry-After), a per-request timeout, and the worker pool.
 * Monitoring settings say whether answered requests go to the inference log (`logInputs`), which
 * logged columns are personal data and how they are treated before anything is written (`pii`,
 * `piiMode`), which column identifies the data subject (`subjectKey`), how long the log is kept
 * (`retention`), and which output is the score compared with ground truth (`scoreOutput`,
 * `threshold`). See docs/inference-log.md.
 */
import { invalid } from '../core/errors.js';

export type PiiMode = 'drop' | 'hash';
export const PII_MODES: readonly PiiMode[] = ['drop', 'hash'];

export interface DeploymentSettings {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMicros: number;
  readonly preferredBatchSizes: number[];
  readonly maxQueueSize: number;
  /** 0: no timeout. */
  readonly timeoutMicros: number;
  /** Worker threads, or `auto` (chosen by measuring the model at load). */
  readonly workers: number | 'auto';
  /** ONNX Runtime intra-op threads per session, or `auto`. */
  readonly intraOpThreads: number | 'auto';
  /** Write each answered request's inputs and outputs to the inference log. */
  readonly logInputs: boolean;
  /** Logged columns (or whole tensors) holding personal data: dropped or hashed before any write. */
  readonly pii: string[];
  /** `hash`: salted SHA-256 with the workspace's secret salt; `drop`: the column is not logged. */
  readonly piiMode: PiiMode;
  /** The logged column identifying the data subject (for erasure); hashed when it is in `pii`. */
  readonly subjectKey: string | null;
  /** How long log rows are kept: `<n><unit>` with unit ms, s, m, h, d or w; `0` keeps them forever. */
  readonly retention: string;
  /** The output column holding the model's score (for ground truth and performance). */
  readonly scoreOutput: string | null;
  /** The decision threshold on `scoreOutput`. */
  readonly threshold: number | null;
}

export interface DeploymentSettingsInput {
  readonly maxBatchSize?: number | undefined;
  readonly maxQueueDelayMicros?: number | undefined;
  readonly preferredBatchSizes?: number[] | undefined;
  readonly maxQueueSize?: number | undefined;
  readonly timeoutMicros?: number | undefined;
  readonly workers?: number | 'auto' | undefined;
  readonly intraOpThreads?: number | 'auto' | undefined;
  readonly logInputs?: boolean | undefined;
  readonly pii?: string[] | undefined;
  readonly piiMode?: PiiMode | undefined;
  /** `null` clears it; `undefined` keeps the current value. */
  readonly subjectKey?: string | null | undefined;
  readonly retention?: string | undefined;
  /** `null` clears it; `undefined` keeps the current value. */
  readonly scoreOutput?: string | null | undefined;
  /** `null` clears it; `undefined` keeps the current value. */
  readonly threshold?: number | null | undefined;
}

export const DEFAULT_SETTINGS: DeploymentSettings = Object.freeze({
  maxBatchSize: 1,
  maxQueueDelayMicros: 0,
  preferredBatchSizes: [],
  maxQueueSize: 1024,
  timeoutMicros: 0,
  workers: 'auto',
  intraOpThreads: 'auto',
  logInputs: false,
  pii: [],
  piiMode: 'hash',
  subjectKey: null,
  retention: '30d',
  scoreOutput: null,
  threshold: null,
});

/** What a logged column name may look like (the feature-schema rule, plus `[`/`]`-free tensor names). */
const COLUMN_RE = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/;
const MAX_PII_COLUMNS = 1000;
const DURATION_RE = /^(\d{1,9})(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Applies `input` over `base`, checking every value. */
export function resolveSettings(
  input: DeploymentSettingsInput,
  base: DeploymentSettings = DEFAULT_SETTINGS,
): DeploymentSettings {
  const full: DeploymentSettings = { ...DEFAULT_SETTINGS, ...base };
  const s = {
    maxBatchSize: int(input.maxBatchSize ?? full.maxBatchSize, 'max_batch_size', 1, 4096),
    maxQueueDelayMicros: int(
      input.maxQueueDelayMicros ?? full.maxQueueDelayMicros,
      'max_queue_delay_microseconds',
      0,
      10_000_000,
    ),
    preferredBatchSizes: [...(input.preferredBatchSizes ?? full.preferredBatchSizes)],
    maxQueueSize: int(input.maxQueueSize ?? full.maxQueueSize, 'max_queue_size', 1, 1_000_000),
    timeoutMicros: int(input.timeoutMicros ?? full.timeoutMicros, 'timeout_microseconds', 0, 600_000_000),
    workers: autoOrInt(input.workers ?? full.workers, 'workers', 0, 64),
    intraOpThreads: autoOrInt(input.intraOpThreads ?? full.intraOpThreads, 'intra_op_threads', 1, 64),
    logInputs: bool(input.logInputs ?? full.logInputs, 'log_inputs'),
    pii: columnList(input.pii ?? full.pii, 'pii'),
    piiMode: piiMode(input.piiMode ?? full.piiMode),
    subjectKey: nullableColumn(pick(input.subjectKey, full.subjectKey), 'subject_key'),
    retention: input.retention ?? full.retention,
    scoreOutput: nullableColumn(pick(input.scoreOutput, full.scoreOutput), 'score_output'),
    threshold: pick(input.threshold, full.threshold),
  };
  for (const [i, p] of s.preferredBatchSizes.entries()) {
    int(p, `preferred_batch_size[${i}]`, 1, s.maxBatchSize);
  }
  s.preferredBatchSizes.sort((a, b) => a - b);
  retentionMs(s.retention);
  if (s.threshold !== null) {
    if (typeof s.threshold !== 'number' || !Number.isFinite(s.threshold)) {
      throw invalid('threshold', 'a finite number or null', s.threshold);
    }
    if (s.scoreOutput === null) {
      throw invalid(
        'threshold',
        'a threshold only together with score_output (the column it applies to)',
        s.threshold,
      );
    }
  }
  return Object.freeze(s);
}

/**
 * A retention period in milliseconds: `30d`, `12h`, `90m`, `45s`, `500ms`, `2w`; `0` (or `0d`, …)
 * means keep forever and gives 0. INVALID_ARGUMENT naming `retention` otherwise.
 */
export function retentionMs(retention: unknown): number {
  if (retention === '0') return 0;
  const m = typeof retention === 'string' ? DURATION_RE.exec(retention) : null;
  if (!m) {
    throw invalid('retention', 'a duration like 30d, 12h, 90m, 45s or 2w, or 0 to keep forever', retention);
  }
  return Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
}

function pick<T>(given: T | null | undefined, current: T | null): T | null {
  return given === undefined ? current : given;
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalid(field, `an integer from ${min} to ${max}`, v);
  }
  return v;
}

function autoOrInt(v: unknown, field: string, min: number, max: number): number | 'auto' {
  return v === 'auto' ? 'auto' : int(v, field, min, max);
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw invalid(field, 'true or false', v);
  return v;
}

function piiMode(v: unknown): PiiMode {
  if (!PII_MODES.includes(v as PiiMode)) throw invalid('pii_mode', `one of ${PII_MODES.join(', ')}`, v);
  return v as PiiMode;
}

function column(v: unknown, field: string): string {
  if (typeof v !== 'string' || !COLUMN_RE.test(v)) {
    throw invalid(
      field,
      'a column name (letters, digits, "_", ".", "-", ":" or "/", starting with a letter or "_", at most 128)',
      v,
    );
  }
  return v;
}

function nullableColumn(v: unknown, field: string): string | null {
  return v === null ? null : column(v, field);
}

function columnList(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw invalid(field, 'a list of column names', v);
  if (v.length > MAX_PII_COLUMNS) throw invalid(field, `at most ${MAX_PII_COLUMNS} column names`, v.length);
  const seen = new Set<string>();
  for (const [i, name] of v.entries()) {
    column(name, `${field}[${i}]`);
    seen.add(name as string);
  }
  return [...seen];
}
