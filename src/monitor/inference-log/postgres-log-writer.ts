/**
 * @module monitor/inference-log/postgres-log-writer
 * Scaled mode's {@link LogWriter}: rows go to the `inference_log` table of the PostgreSQL metadata
 * store, one row per batch row, tensor columns as `inputs` / `outputs` JSONB objects. The table
 * and its indexes are not part of the metadata store's migrations: the writer creates them with
 * `CREATE … IF NOT EXISTS` on first use (under an advisory lock, so replicas do not race). A
 * batch is one `INSERT … SELECT FROM unnest(…)` statement per 5 000 rows.
 */
import { sql } from 'kysely';
import { KilnError } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { FlatRecord, LogValue } from './flatten-record.js';
import type { LogWriter } from './log-writer.js';

export const INFERENCE_LOG_TABLE = 'inference_log';
const CHUNK_ROWS = 5000;

/** Creates the table and its indexes when missing; idempotent. */
export async function ensureInferenceLogTable(store: MetadataStore): Promise<void> {
  if (store.dialect !== 'postgres') {
    throw new KilnError(
      'INVALID_ARGUMENT',
      'the inference_log table lives in a PostgreSQL metadata store only',
      {
        dialect: store.dialect,
      },
    );
  }
  await store.transaction(async (trx) => {
    await store.lock(trx, 'kiln:inference_log:create');
    await sql`create table if not exists inference_log (
      id bigserial primary key,
      deployment text not null,
      model text not null,
      version integer not null,
      request_id text not null,
      "row" integer not null,
      received_at timestamptz not null,
      latency_ms double precision not null,
      queue_ms double precision not null,
      compute_ms double precision not null,
      subject_id text,
      inputs jsonb not null,
      outputs jsonb not null
    )`.execute(trx);
    await sql`create index if not exists inference_log_deployment_received_at
      on inference_log (deployment, received_at)`.execute(trx);
    await sql`create index if not exists inference_log_subject
      on inference_log (deployment, subject_id) where subject_id is not null`.execute(trx);
  });
}

export class PostgresLogWriter implements LogWriter {
  readonly #store: MetadataStore;
  #ready: Promise<void> | null = null;
  #closed = false;

  /** Does not own the store: closing the writer leaves it open. */
  constructor(store: MetadataStore) {
    this.#store = store;
  }

  async write(records: readonly FlatRecord[]): Promise<void> {
    if (this.#closed) throw new Error('the inference-log writer is closed');
    this.#ready ??= ensureInferenceLogTable(this.#store).catch((e) => {
      this.#ready = null;
      throw e;
    });
    await this.#ready;
    let cols = emptyColumns();
    for (const r of records) {
      for (let row = 0; row < r.rows; row++) {
        const inputs: Record<string, unknown> = {};
        const outputs: Record<string, unknown> = {};
        for (const c of r.columns)
          (c.role === 'input' ? inputs : outputs)[c.name] = jsonValue(c.values[row] ?? null);
        cols.deployment.push(r.deployment);
        cols.model.push(r.model);
        cols.version.push(r.version);
        cols.requestId.push(clean(r.requestId));
        cols.row.push(row);
        cols.receivedAt.push(new Date(r.receivedAtMs).toISOString());
        cols.latency.push(r.latencyMs);
        cols.queue.push(r.queueMs);
        cols.compute.push(r.computeMs);
        const subject = r.subjects?.[row] ?? null;
        cols.subject.push(subject === null ? null : clean(subject));
        cols.inputs.push(JSON.stringify(inputs));
        cols.outputs.push(JSON.stringify(outputs));
        if (cols.row.length >= CHUNK_ROWS) {
          await this.#insert(cols);
          cols = emptyColumns();
        }
      }
    }
    if (cols.row.length > 0) await this.#insert(cols);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async #insert(c: Columns): Promise<void> {
    await sql`insert into inference_log
      (deployment, model, version, request_id, "row", received_at, latency_ms, queue_ms, compute_ms,
       subject_id, inputs, outputs)
      select d, m, v, q, r, t, l, qm, cm, s, i::jsonb, o::jsonb
      from unnest(${c.deployment}::text[], ${c.model}::text[], ${c.version}::int[], ${c.requestId}::text[],
        ${c.row}::int[], ${c.receivedAt}::timestamptz[], ${c.latency}::float8[], ${c.queue}::float8[],
        ${c.compute}::float8[], ${c.subject}::text[], ${c.inputs}::text[], ${c.outputs}::text[])
        as x(d, m, v, q, r, t, l, qm, cm, s, i, o)`.execute(this.#store.db);
  }
}

interface Columns {
  deployment: string[];
  model: string[];
  version: number[];
  requestId: string[];
  row: number[];
  receivedAt: string[];
  latency: number[];
  queue: number[];
  compute: number[];
  subject: (string | null)[];
  inputs: string[];
  outputs: string[];
}

function emptyColumns(): Columns {
  return {
    deployment: [],
    model: [],
    version: [],
    requestId: [],
    row: [],
    receivedAt: [],
    latency: [],
    queue: [],
    compute: [],
    subject: [],
    inputs: [],
    outputs: [],
  };
}

/** JSON for JSONB: big integers beyond 2^53 and non-finite numbers as strings; no NUL characters. */
function jsonValue(v: LogValue): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return clean(v);
  return v;
}

/** PostgreSQL text and JSONB cannot hold U+0000. */
function clean(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}
