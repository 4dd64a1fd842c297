/**
 * @module monitor/inference-log/log-writer
 * Where the inference log's batches are written: Parquet segments in the workspace (embedded mode,
 * `parquet-log-writer.ts`) or a PostgreSQL table (scaled mode, `postgres-log-writer.ts`). The sink
 * owns buffering and calls `write` one batch at a time, never concurrently.
 */
import type { FlatRecord } from './flatten-record.js';

export interface LogWriter {
  /** Writes a batch; rejects when it could not (the sink counts the batch's rows as dropped). */
  write(records: readonly FlatRecord[]): Promise<void>;
  /** Releases what the writer holds; idempotent. */
  close(): Promise<void>;
}
