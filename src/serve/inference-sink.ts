/**
 * @module serve/inference-sink
 * Where answered requests go after the answer is sent: the monitoring stage implements this sink
 * (inference log, drift, feedback joins); the default sink does nothing. The data plane calls
 * `record` off the hot path and never awaits it before answering; a sink must not throw, must
 * bound its own memory, and must count what it drops.
 */
import type { Tensor } from './tensor.js';

export interface InferenceRecord {
  /** The request id (the client's `id`, or one Kiln generated). */
  readonly requestId: string;
  readonly deployment: string;
  readonly model: string;
  readonly version: number;
  readonly receivedAt: Date;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly queueSeconds: number;
  readonly computeSeconds: number;
  readonly totalSeconds: number;
}

export interface InferenceSink {
  record(entry: InferenceRecord): void;
  close(): Promise<void>;
}

/** The default sink: keeps nothing. */
export const nullInferenceSink: InferenceSink = Object.freeze({
  record() {},
  async close() {},
});
