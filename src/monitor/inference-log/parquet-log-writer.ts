/**
 * @module monitor/inference-log/parquet-log-writer
 * Embedded mode's {@link LogWriter}: each batch becomes one Parquet segment per deployment and
 * model version (layout in `segment-paths.ts`), built in an in-memory DuckDB table with the
 * appender and written with `COPY … (FORMAT parquet, COMPRESSION snappy)` to a hidden temporary
 * file, then linked into place under a name no other segment has (so a segment is either complete
 * or absent, and none is ever overwritten). The segment's key-value metadata `kiln.columns` lists
 * each tensor column with its role (`input` / `output`). Snappy, Parquet's usual codec, rather than
 * zstd: it leaves short unique strings readable in the file, so a byte search of the workspace
 * (how a privacy audit checks that no personal data was written) sees what the log holds.
 */
import { link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, systemClock } from '../../core/clock.js';
import { DuckEngine, quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import { FIXED_COLUMNS } from './log-columns.js';
import { type FlatRecord, type LogColumn, type LogType, type LogValue, textOf } from './flatten-record.js';
import type { LogWriter } from './log-writer.js';
import { segmentDir, segmentName } from './segment-paths.js';

/** Type of each fixed column in the staging table (`received_us` becomes the TIMESTAMP `received_at`). */
const FIXED_STAGING = [
  ['request_id', 'VARCHAR'],
  ['row', 'INTEGER'],
  ['deployment', 'VARCHAR'],
  ['model', 'VARCHAR'],
  ['version', 'INTEGER'],
  ['received_us', 'BIGINT'],
  ['latency_ms', 'DOUBLE'],
  ['queue_ms', 'DOUBLE'],
  ['compute_ms', 'DOUBLE'],
  ['subject_id', 'VARCHAR'],
] as const;
const STAGING = 'kiln_log_segment';

type Appender = Awaited<ReturnType<DuckEngine['connection']['createAppender']>>;

export interface ParquetLogWriterOptions {
  /** The time segments are stamped with (default: the system clock). */
  readonly clock?: Clock;
}

export class ParquetLogWriter implements LogWriter {
  readonly #root: string;
  readonly #clock: Clock;
  #engine: Promise<DuckEngine> | null = null;
  #seq = 0;
  #closed = false;

  /** `root`: the log's folder, `inferenceLogDir(workspaceDir)`. */
  constructor(root: string, options: ParquetLogWriterOptions = {}) {
    this.#root = root;
    this.#clock = options.clock ?? systemClock;
  }

  async write(records: readonly FlatRecord[]): Promise<void> {
    if (this.#closed) throw new Error('the inference-log writer is closed');
    const groups = new Map<string, FlatRecord[]>();
    for (const r of records) {
      const key = `${r.deployment}\u0000${r.version}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    this.#engine ??= DuckEngine.open(':memory:', { threads: 1 });
    const engine = await this.#engine;
    for (const group of groups.values()) await this.#writeSegment(engine, group);
  }

  /** The segment files written so far by this writer (for tests and logs). */
  get segmentsWritten(): number {
    return this.#seq;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const engine = await this.#engine?.catch(() => null);
    engine?.close();
  }

  async #writeSegment(engine: DuckEngine, records: FlatRecord[]): Promise<void> {
    const first = records[0]!;
    const columns = unionColumns(records);
    const defs = [
      ...FIXED_STAGING.map(([n, t]) => `${quoteIdent(n)} ${t}`),
      ...columns.map((c) => `${quoteIdent(c.name)} ${c.type}`),
    ];
    await engine.run(`CREATE OR REPLACE TABLE ${STAGING} (${defs.join(', ')})`);
    try {
      const appender = await engine.connection.createAppender(STAGING);
      try {
        for (const r of records) appendRecord(appender, r, columns);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      const now = this.#clock.now().getTime();
      const dir = segmentDir(this.#root, first.deployment, first.version, now);
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${process.pid}-${now}-${this.#seq}.parquet.tmp`);
      const select = [
        ...FIXED_COLUMNS.map((n) =>
          n === 'received_at' ? 'make_timestamp(received_us) AS received_at' : quoteIdent(n),
        ),
        ...columns.map((c) => quoteIdent(c.name)),
      ];
      const meta = JSON.stringify(columns.map((c) => ({ name: c.name, role: c.role, type: c.type })));
      try {
        await engine.run(
          `COPY (SELECT ${select.join(', ')} FROM ${STAGING}) TO ${quoteLiteral(tmp)} ` +
            `(FORMAT parquet, COMPRESSION snappy, KV_METADATA {'kiln.columns': ${quoteLiteral(meta)}})`,
        );
        await this.#publish(tmp, dir, now);
      } finally {
        await rm(tmp, { force: true });
      }
    } finally {
      await engine.run(`DROP TABLE IF EXISTS ${STAGING}`);
    }
  }

  /** Links the finished file in under the first free sequence number. */
  async #publish(tmp: string, dir: string, now: number): Promise<void> {
    for (;;) {
      const target = join(dir, segmentName(now, ++this.#seq));
      try {
        await link(tmp, target);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }
}

/** Every tensor column of the records, first seen first; a name seen with two types becomes VARCHAR. */
function unionColumns(
  records: readonly FlatRecord[],
): { name: string; type: LogType; role: LogColumn['role'] }[] {
  const byName = new Map<string, { name: string; type: LogType; role: LogColumn['role'] }>();
  for (const r of records) {
    for (const c of r.columns) {
      const seen = byName.get(c.name);
      if (!seen) byName.set(c.name, { name: c.name, type: c.type, role: c.role });
      else if (seen.type !== c.type) seen.type = 'VARCHAR';
    }
  }
  return [...byName.values()];
}

function appendRecord(a: Appender, r: FlatRecord, columns: readonly { name: string; type: LogType }[]): void {
  const own = new Map(r.columns.map((c) => [c.name, c]));
  const receivedUs = BigInt(Math.round(r.receivedAtMs)) * 1000n;
  for (let row = 0; row < r.rows; row++) {
    a.appendVarchar(r.requestId);
    a.appendInteger(row);
    a.appendVarchar(r.deployment);
    a.appendVarchar(r.model);
    a.appendInteger(r.version);
    a.appendBigInt(receivedUs);
    a.appendDouble(r.latencyMs);
    a.appendDouble(r.queueMs);
    a.appendDouble(r.computeMs);
    const subject = r.subjects?.[row] ?? null;
    if (subject === null) a.appendNull();
    else a.appendVarchar(subject);
    for (const c of columns) appendValue(a, c.type, own.get(c.name)?.values[row] ?? null);
    a.endRow();
  }
}

function appendValue(a: Appender, type: LogType, v: LogValue): void {
  if (v === null) {
    a.appendNull();
    return;
  }
  switch (type) {
    case 'VARCHAR':
      a.appendVarchar(typeof v === 'string' ? v : textOf(v));
      break;
    case 'BOOLEAN':
      a.appendBoolean(Boolean(v));
      break;
    case 'TINYINT':
      a.appendTinyInt(Number(v));
      break;
    case 'SMALLINT':
      a.appendSmallInt(Number(v));
      break;
    case 'INTEGER':
      a.appendInteger(Number(v));
      break;
    case 'BIGINT':
      a.appendBigInt(BigInt(v as number | bigint));
      break;
    case 'UTINYINT':
      a.appendUTinyInt(Number(v));
      break;
    case 'USMALLINT':
      a.appendUSmallInt(Number(v));
      break;
    case 'UINTEGER':
      a.appendUInteger(Number(v));
      break;
    case 'UBIGINT':
      a.appendUBigInt(BigInt(v as number | bigint));
      break;
    case 'FLOAT':
      a.appendFloat(Number(v));
      break;
    case 'DOUBLE':
      a.appendDouble(Number(v));
      break;
  }
}
