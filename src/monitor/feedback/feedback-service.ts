/**
 * @module monitor/feedback/feedback-service
 * Ground truth for a deployment: labels that arrive after the predictions (a chargeback confirms
 * fraud weeks later), posted as files keyed by `request_id` or by a logged column, kept as Parquet
 * segments (`feedback-segments.ts`), and joined with the inference log to measure the model's
 * performance per time window (`performance-report.ts`).
 *
 * Every label of an accepted batch is stored, matched or not: labels may arrive before the log
 * rows they belong to are flushed, and join once those rows are written. The ingest result says
 * how many matched a logged row, and shows up to 20 keys that did not. A later label for the same
 * key (and row) supersedes an earlier one.
 *
 * When the key is a logged column that the deployment treats as personal data, keys are hashed
 * with the log's salt before anything is compared or written, so the feedback store holds no more
 * personal data than the log does (a column the log drops cannot be joined on: refused).
 *
 * Embedded mode only: the PostgreSQL inference log of scaled mode is not read (UNSUPPORTED).
 */
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { invalid, KilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import type { Deployment } from '../../deploy/deployment-service.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { Actor } from '../../govern/auth/roles.js';
import { DuckEngine, quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { Dialect } from '../../store/metadata-store.js';
import { STATE_DIR } from '../../workspace/find-workspace.js';
import { readInferenceLog } from '../inference-log/inference-log-reader.js';
import { lazyPiiHasher, type PiiHash } from '../inference-log/pii-salt.js';
import {
  allLabelsSql,
  feedbackDir,
  latestLabelsSql,
  listFeedbackSegments,
  newSegmentName,
  writeFeedbackSegment,
} from './feedback-segments.js';
import { type FeedbackInput, loadFeedback } from './load-feedback.js';
import {
  computePerformance,
  DEFAULT_THRESHOLD,
  emptyWindow,
  type PerformanceTask,
  type PerformanceWindow,
} from './performance-report.js';
import { checkPerformanceOptions, type PerformanceOptions } from './performance-options.js';
import { LABELS_TABLE, prepareLabels } from './prepare-labels.js';

export type { PerformanceOptions } from './performance-options.js';

export const REQUEST_ID_KEY = 'request_id';
/** Keys of unmatched labels shown in an ingest result. */
export const UNKNOWN_SAMPLE_SIZE = 20;

export interface FeedbackServiceDeps {
  readonly workspaceDir: string;
  readonly deployments: { get(name: string): Promise<Deployment> };
  readonly audit: Pick<AuditLog, 'record'>;
  readonly clock: Clock;
  /** The metadata store's dialect: `postgres` means the inference log is a table, not read here. */
  readonly dialect: Dialect;
  /** DuckDB `memory_limit` for the joins (config `data.duckdb_memory_limit`). */
  readonly duckdbMemoryLimit?: string;
  /** Hashes PII keys like the log does (default: with the workspace's salt). */
  readonly hash?: PiiHash;
}

export interface IngestOptions {
  /** The key column: `request_id` (default) or a logged column. */
  readonly key?: string;
  /** Folder a relative path resolves against. */
  readonly baseDir: string;
  /** `data.roots`, for files named through the API. */
  readonly allowedRoots?: readonly string[];
}

export interface FeedbackIngestResult {
  readonly deployment: string;
  readonly key: string;
  /** Labels stored (after dropping in-batch duplicates). */
  readonly rows: number;
  /** Of those, labels that match at least one logged row. */
  readonly matched: number;
  /** Labels that match no logged row (yet). */
  readonly unknown: number;
  /** Up to 20 keys of unknown labels, in file order (as given, even when stored hashed). */
  readonly unknown_sample: string[];
  /** Rows dropped because a later row of the batch had the same key (and row). */
  readonly duplicates: number;
  /** Labels that replace a label posted earlier for the same key (and row). */
  readonly superseded: number;
  /** The segment written, relative to the workspace; null for an empty batch. */
  readonly segment: string | null;
  readonly received_at: string;
}

export interface PerformanceReport {
  readonly deployment: string;
  readonly task: PerformanceTask;
  readonly score_output: string;
  readonly threshold: number | null;
  readonly positive_label: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly window_ms: number | null;
  readonly overall: PerformanceWindow;
  readonly windows: PerformanceWindow[];
  /** Things worth knowing about the result (e.g. labels keyed by a column the log lacks). */
  readonly notes: string[];
}

export class FeedbackService {
  readonly #deps: FeedbackServiceDeps;
  readonly #hash: PiiHash;
  #lastReceivedUs = 0;

  constructor(deps: FeedbackServiceDeps) {
    this.#deps = deps;
    this.#hash = deps.hash ?? lazyPiiHasher(join(deps.workspaceDir, STATE_DIR, 'keys'));
  }

  /**
   * Stores a batch of labels for `deployment` and reports how many match the inference log.
   * @throws KilnError DEPLOYMENT_NOT_FOUND; INVALID_ARGUMENT when the key or `label` column is
   *   missing (naming the columns found), a key or label is empty, a `row` is not a row index, or
   *   the key column is not in the log; SOURCE_* and PATH_NOT_ALLOWED from reading the file;
   *   UNSUPPORTED in scaled mode.
   */
  async ingest(
    actor: Actor,
    deployment: string,
    input: FeedbackInput,
    options: IngestOptions,
  ): Promise<FeedbackIngestResult> {
    this.#embeddedOnly();
    const name = assertName(deployment, 'deployment');
    const dep = await this.#deps.deployments.get(name);
    const key = options.key ?? REQUEST_ID_KEY;
    if (typeof key !== 'string' || key.trim() === '') throw invalid('key', 'a column name', key);
    const pii = piiTreatment(dep, key);
    if (pii === 'drop') {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `key: column "${key}" is personal data that deployment "${name}" drops from its log (pii_mode drop); labels cannot be joined on it`,
        { field: 'key' },
      );
    }
    const duck = await this.#open();
    try {
      const loaded = await loadFeedback(duck, input, {
        key,
        baseDir: options.baseDir,
        ...(options.allowedRoots ? { allowedRoots: options.allowedRoots } : {}),
      });
      const prepared =
        loaded.rows === 0 ? { rows: 0, duplicates: 0 } : await prepareLabels(duck, key, loaded.columns);
      const receivedUs = this.#nextReceivedUs();
      const receivedAt = new Date(Math.floor(receivedUs / 1000)).toISOString();
      if (prepared.rows === 0) {
        return emptyIngest(name, key, receivedAt);
      }
      if (pii === 'hash') await this.#hashKeys(duck);
      const { matched, sample } = await this.#match(duck, name, key);
      const previous = await listFeedbackSegments(this.#deps.workspaceDir, name);
      const superseded = previous.length === 0 ? 0 : await countSuperseded(duck, previous, key);
      const segmentName = newSegmentName(Math.floor(receivedUs / 1000));
      const batch = segmentName.replace(/\.parquet$/, '');
      const path = await writeFeedbackSegment(
        duck,
        `SELECT "key", ${quoteLiteral(key)} AS key_column, "row", label_num, label_text, ` +
          `make_timestamp(${receivedUs}) AS received_at, ${quoteLiteral(batch)} AS batch ` +
          `FROM ${LABELS_TABLE} ORDER BY ordinal`,
        feedbackDir(this.#deps.workspaceDir, name),
        segmentName,
      );
      const segment = path.slice(this.#deps.workspaceDir.length + 1);
      const result: FeedbackIngestResult = {
        deployment: name,
        key,
        rows: prepared.rows,
        matched,
        unknown: prepared.rows - matched,
        unknown_sample: sample,
        duplicates: prepared.duplicates,
        superseded,
        segment,
        received_at: receivedAt,
      };
      await this.#deps.audit.record({
        actor: actor.name,
        action: 'feedback.ingest',
        resource: `deployment/${name}`,
        details: {
          segment,
          key,
          rows: result.rows,
          matched,
          unknown: result.unknown,
          duplicates: result.duplicates,
          superseded,
        },
      });
      return result;
    } finally {
      duck.close();
    }
  }

  /**
   * Performance of `deployment`'s model per window, from the log rows received in [from, to) and
   * their current labels.
   * @throws KilnError DEPLOYMENT_NOT_FOUND; INVALID_ARGUMENT for a bad option, a deployment without
   *   a score output (and none given), a score column the log lacks, or text labels without a
   *   positive label; UNSUPPORTED in scaled mode.
   */
  async performance(deployment: string, options: PerformanceOptions = {}): Promise<PerformanceReport> {
    this.#embeddedOnly();
    const name = assertName(deployment, 'deployment');
    const opts = checkPerformanceOptions(options);
    const dep = await this.#deps.deployments.get(name);
    const scoreColumn = opts.scoreOutput ?? dep.settings.scoreOutput;
    if (!scoreColumn) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `score_output: deployment "${name}" has no score output; set one with \`kiln deploy update ${name} --score-output <column>\` or pass --score-output`,
        { field: 'score_output' },
      );
    }
    const threshold = opts.threshold ?? dep.settings.threshold ?? null;
    const positiveLabel = opts.positiveLabel ?? null;
    const head = {
      deployment: name,
      score_output: scoreColumn,
      positive_label: positiveLabel,
      from: opts.from?.toISOString() ?? null,
      to: opts.to?.toISOString() ?? null,
      window_ms: opts.windowMs ?? null,
    };
    const log = await readInferenceLog(this.#deps.workspaceDir, {
      deployment: name,
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.to ? { to: opts.to } : {}),
    });
    const files = await listFeedbackSegments(this.#deps.workspaceDir, name);
    const notes: string[] = [];
    if (log.relation === null) {
      const task = opts.task ?? 'classification';
      notes.push('no inference-log rows in the range');
      return {
        ...head,
        task,
        threshold: task === 'classification' ? (threshold ?? DEFAULT_THRESHOLD) : null,
        overall: emptyWindow({ from: opts.from ?? null, to: opts.to ?? null }, task),
        windows: [],
        notes,
      };
    }
    const duck = await this.#open();
    try {
      await duck.run(`CREATE TEMP VIEW log_rows_in AS SELECT * FROM ${log.relation}`);
      const logColumns = new Set((await duck.describe('log_rows_in')).map((c) => c.name));
      if (!logColumns.has(scoreColumn)) {
        throw new KilnError(
          'INVALID_ARGUMENT',
          `score_output: column "${scoreColumn}" is not in the inference log of "${name}"; its columns are ${[...logColumns].join(', ')}`,
          { field: 'score_output', columns: [...logColumns] },
        );
      }
      const keyColumns: string[] = [];
      if (files.length > 0) {
        const r = await duck.query(
          `SELECT DISTINCT key_column FROM ${latestLabelsSql(files)} WHERE key_column <> 'request_id' ORDER BY 1`,
        );
        for (const row of r.rows) {
          const k = String(row.key_column);
          if (logColumns.has(k)) keyColumns.push(k);
          else notes.push(`labels keyed by "${k}" match nothing: the log has no column "${k}" in the range`);
        }
      }
      if (files.length === 0) notes.push('no feedback has been posted for this deployment');
      const result = await computePerformance(duck, {
        logRelation: 'log_rows_in',
        labelFiles: files,
        scoreColumn,
        keyColumns,
        windowMs: opts.windowMs ?? null,
        originMs: opts.from?.getTime() ?? 0,
        from: opts.from ?? null,
        to: opts.to ?? null,
        task: opts.task ?? null,
        threshold,
        positiveLabel,
      });
      return { ...head, ...result, notes };
    } finally {
      duck.close();
    }
  }

  #embeddedOnly(): void {
    if (this.#deps.dialect === 'postgres') {
      throw new KilnError(
        'UNSUPPORTED',
        'ground truth needs the embedded (Parquet) inference log; this workspace logs to PostgreSQL (scaled mode)',
      );
    }
  }

  #open(): Promise<DuckEngine> {
    return DuckEngine.open(':memory:', {
      threads: 2,
      ...(this.#deps.duckdbMemoryLimit ? { memoryLimit: this.#deps.duckdbMemoryLimit } : {}),
    });
  }

  /** Strictly increasing within this process, so two batches never tie on `received_at`. */
  #nextReceivedUs(): number {
    const now = this.#deps.clock.now().getTime() * 1000;
    this.#lastReceivedUs = Math.max(now, this.#lastReceivedUs + 1);
    return this.#lastReceivedUs;
  }

  /** Replaces each key by its salted hash, as the log stores a PII column. */
  async #hashKeys(duck: DuckEngine): Promise<void> {
    const r = await duck.query(`SELECT DISTINCT "key" FROM ${LABELS_TABLE}`);
    await duck.run('CREATE TEMP TABLE key_hashes (k VARCHAR, h VARCHAR)');
    const pairs = r.rows.map((row) => String(row.key));
    for (let i = 0; i < pairs.length; i += 10_000) {
      const chunk = pairs.slice(i, i + 10_000);
      await duck.run(
        `INSERT INTO key_hashes VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flatMap((k) => [k, this.#hash(k)]),
      );
    }
    await duck.run(
      `UPDATE ${LABELS_TABLE} SET "key" = key_hashes.h FROM key_hashes WHERE "key" = key_hashes.k`,
    );
  }

  /** Labels matching at least one logged row, and a sample of the keys of those that match none. */
  async #match(
    duck: DuckEngine,
    deployment: string,
    key: string,
  ): Promise<{ matched: number; sample: string[] }> {
    const log = await readInferenceLog(this.#deps.workspaceDir, { deployment });
    if (log.relation === null) return { matched: 0, sample: await unknownSample(duck, 'TRUE') };
    await duck.run(`CREATE TEMP VIEW log_rows_in AS SELECT * FROM ${log.relation}`);
    const columns = (await duck.describe('log_rows_in')).map((c) => c.name);
    if (!columns.includes(key)) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `key: column "${key}" is not in the inference log of "${deployment}"; its columns are ${columns.join(', ')}`,
        { field: 'key', columns },
      );
    }
    const logKey = key === REQUEST_ID_KEY ? 'l.request_id' : `CAST(l.${quoteIdent(key)} AS VARCHAR)`;
    await duck.run(
      `CREATE TEMP TABLE matched AS SELECT DISTINCT f.ordinal FROM ${LABELS_TABLE} f JOIN log_rows_in l ` +
        `ON ${logKey} = f."key" AND (f."row" IS NULL OR f."row" = l."row")`,
    );
    const r = await duck.query('SELECT count(*) AS n FROM matched');
    return {
      matched: Number(r.rows[0]?.n ?? 0),
      sample: await unknownSample(duck, 'ordinal NOT IN (SELECT ordinal FROM matched)'),
    };
  }
}

async function unknownSample(duck: DuckEngine, where: string): Promise<string[]> {
  const r = await duck.query(
    `SELECT shown_key FROM ${LABELS_TABLE} WHERE ${where} ORDER BY ordinal LIMIT ${UNKNOWN_SAMPLE_SIZE}`,
  );
  return r.rows.map((row) => String(row.shown_key));
}

async function countSuperseded(duck: DuckEngine, previous: readonly string[], key: string): Promise<number> {
  const r = await duck.query(
    `SELECT count(*) AS n FROM ${LABELS_TABLE} f WHERE EXISTS (SELECT 1 FROM ${allLabelsSql(previous)} p ` +
      `WHERE p.key_column = ${quoteLiteral(key)} AND p."key" = f."key" AND p."row" IS NOT DISTINCT FROM f."row")`,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** How the log treats the key column: not PII, hashed, or dropped. */
function piiTreatment(dep: Deployment, key: string): 'none' | 'hash' | 'drop' {
  if (key === REQUEST_ID_KEY) return 'none';
  const pii = dep.settings.pii;
  // A PII entry names a column, or a whole tensor whose columns are `<tensor>_<i>`.
  const isPii = pii.some(
    (p) => p === key || (key.startsWith(`${p}_`) && /^\d+$/.test(key.slice(p.length + 1))),
  );
  return isPii ? dep.settings.piiMode : 'none';
}

function emptyIngest(deployment: string, key: string, receivedAt: string): FeedbackIngestResult {
  return {
    deployment,
    key,
    rows: 0,
    matched: 0,
    unknown: 0,
    unknown_sample: [],
    duplicates: 0,
    superseded: 0,
    segment: null,
    received_at: receivedAt,
  };
}
