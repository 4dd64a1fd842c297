/**
 * @module monitor/inference-log/inference-log-sink
 * The inference log's {@link InferenceSink}: answered requests of deployments with `logInputs` are
 * flattened into rows (personal data already dropped or hashed) and pushed onto a bounded buffer;
 * batches are written by a {@link LogWriter} every `flushIntervalMs` or once `flushRows` rows wait.
 *
 * Promises: `record` never throws, never waits and does no I/O; the buffer holds at most
 * `maxBufferedRows` rows, counting rows being written (a request that does not fit is dropped and
 * counted in `kiln_inference_log_dropped_total{deployment,reason}`, as are rows whose write
 * failed); writes never overlap; `close()` stops taking records, writes what is buffered, then
 * closes the writer.
 */
import { Counter, type Registry } from 'prom-client';
import { invalid } from '../../core/errors.js';
import type { InferenceRecord, InferenceSink } from '../../serve/inference-sink.js';
import { type FlatRecord, flattenRecord, type LogSettings, rowsOf } from './flatten-record.js';
import type { LogWriter } from './log-writer.js';
import type { PiiHash } from './pii-salt.js';

export type DropReason = 'buffer_full' | 'write_failed' | 'closed' | 'error';

export interface InferenceLogSinkOptions {
  readonly writer: LogWriter;
  /** The log settings of a deployment serving `version`; undefined (or `logInputs: false`) skips it. */
  readonly settingsOf: (deployment: string, version: number) => LogSettings | undefined;
  readonly hash: PiiHash;
  /** Where the sink's counters are registered (the serving metrics registry). */
  readonly registry?: Registry;
  /** Default 100 000. */
  readonly maxBufferedRows?: number;
  /** A write starts once this many rows wait (default 10 000). */
  readonly flushRows?: number;
  /** …or this often (default 1000 ms). */
  readonly flushIntervalMs?: number;
  readonly logger?: { error(o: object, m: string): void };
}

export class InferenceLogSink implements InferenceSink {
  readonly #o: Required<Omit<InferenceLogSinkOptions, 'registry' | 'logger'>>;
  readonly #logger: InferenceLogSinkOptions['logger'];
  readonly #dropped: Counter<'deployment' | 'reason'>;
  readonly #written: Counter<'deployment'>;
  #buffer: FlatRecord[] = [];
  /** Rows buffered or being written. */
  #rows = 0;
  #chain: Promise<void> = Promise.resolve();
  #flushQueued = false;
  #timer: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;
  #errorLogged = false;

  constructor(options: InferenceLogSinkOptions) {
    this.#o = {
      writer: options.writer,
      settingsOf: options.settingsOf,
      hash: options.hash,
      maxBufferedRows: positive(options.maxBufferedRows ?? 100_000, 'maxBufferedRows'),
      flushRows: positive(options.flushRows ?? 10_000, 'flushRows'),
      flushIntervalMs: positive(options.flushIntervalMs ?? 1000, 'flushIntervalMs'),
    };
    this.#logger = options.logger;
    const registers = options.registry ? [options.registry] : [];
    this.#dropped = counter(options.registry, {
      name: 'kiln_inference_log_dropped_total',
      help: 'Inference-log rows not written: buffer full (overload), write failed, or sink closed',
      labelNames: ['deployment', 'reason'],
      registers,
    });
    this.#written = counter(options.registry, {
      name: 'kiln_inference_log_rows_total',
      help: 'Inference-log rows written',
      labelNames: ['deployment'],
      registers,
    });
    this.#timer = setInterval(() => this.#queueFlush(), this.#o.flushIntervalMs);
    this.#timer.unref();
  }

  /** Rows buffered or being written now. */
  get bufferedRows(): number {
    return this.#rows;
  }

  record(entry: InferenceRecord): void {
    try {
      const settings = this.#o.settingsOf(entry.deployment, entry.version);
      if (!settings?.logInputs) return;
      const rows = rowsOf(entry);
      if (this.#closing || this.#rows + rows > this.#o.maxBufferedRows) {
        this.#drop(entry.deployment, rows, this.#closing ? 'closed' : 'buffer_full');
        return;
      }
      const flat = flattenRecord(entry, settings, this.#o.hash);
      this.#buffer.push(flat);
      this.#rows += flat.rows;
      if (this.#rows >= this.#o.flushRows) this.#queueFlush();
    } catch (e) {
      this.#drop(entry.deployment, 1, 'error');
      this.#logOnce(e, 'inference log: a record could not be flattened');
    }
  }

  /** Writes everything buffered now; resolves when it is written (or counted as dropped). */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#writeBuffered());
    return this.#chain;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
      await this.flush();
      await this.#o.writer.close();
    })();
    return this.#closing;
  }

  #queueFlush(): void {
    if (this.#flushQueued || this.#buffer.length === 0) return;
    this.#flushQueued = true;
    void this.flush();
  }

  async #writeBuffered(): Promise<void> {
    this.#flushQueued = false;
    const batch = this.#buffer;
    if (batch.length === 0) return;
    this.#buffer = [];
    try {
      await this.#o.writer.write(batch);
      for (const [deployment, rows] of rowsByDeployment(batch)) this.#written.inc({ deployment }, rows);
    } catch (e) {
      for (const [deployment, rows] of rowsByDeployment(batch)) this.#drop(deployment, rows, 'write_failed');
      this.#logger?.error(
        { error: (e as Error)?.message, records: batch.length },
        'inference log: a batch could not be written',
      );
    } finally {
      for (const r of batch) this.#rows -= r.rows;
    }
  }

  #drop(deployment: string, rows: number, reason: DropReason): void {
    this.#dropped.inc({ deployment, reason }, rows);
  }

  #logOnce(e: unknown, message: string): void {
    if (this.#errorLogged) return;
    this.#errorLogged = true;
    // The error's message only: a stack or value dump could carry request data.
    this.#logger?.error({ error: (e as Error)?.message }, message);
  }
}

function rowsByDeployment(batch: readonly FlatRecord[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of batch) m.set(r.deployment, (m.get(r.deployment) ?? 0) + r.rows);
  return m;
}

function positive(n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw invalid(field, 'a positive integer', n);
  return n;
}

/** The registry's counter by that name when there is one (several sinks on one registry share it). */
function counter<L extends string>(
  registry: Registry | undefined,
  config: { name: string; help: string; labelNames: L[]; registers: Registry[] },
): Counter<L> {
  const existing = registry?.getSingleMetric(config.name);
  return (existing as Counter<L> | undefined) ?? new Counter<L>(config);
}
