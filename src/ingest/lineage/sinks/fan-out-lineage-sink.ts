/**
 * @module ingest/lineage/sinks/fan-out-lineage-sink
 * Sends each event to every configured sink at once and never fails: lineage is a by-product of a
 * pipeline run, so a full disk or a Marquez that is down must not fail the run. Each failure is
 * logged as a warning (sink, run, event type, error code and message) and returned to the caller.
 */
import { toKilnError } from '../../../core/errors.js';
import type { LineageSink } from '../lineage-sink.js';
import type { OpenLineageRunEvent } from '../openlineage-types.js';

/** The part of a logger this sink uses (a pino Logger fits). */
export interface WarningLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface LineageSinkFailure {
  readonly sink: string;
  readonly code: string;
  readonly message: string;
}

export class FanOutLineageSink implements LineageSink {
  readonly name = 'fan-out';
  readonly sinks: readonly LineageSink[];
  readonly #logger: WarningLogger;

  constructor(sinks: readonly LineageSink[], logger: WarningLogger) {
    this.sinks = Object.freeze([...sinks]);
    this.#logger = logger;
  }

  /** Never rejects; see {@link emitAll} for the failures. */
  async emit(event: OpenLineageRunEvent): Promise<void> {
    await this.emitAll(event);
  }

  /** Resolves (never rejects) once every sink has succeeded or failed, with the failures. */
  async emitAll(event: OpenLineageRunEvent): Promise<LineageSinkFailure[]> {
    const outcomes = await Promise.allSettled(
      // A sink that throws synchronously is caught like one that rejects.
      this.sinks.map(async (sink) => sink.emit(event)),
    );
    const failures: LineageSinkFailure[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') return;
      const e = toKilnError(outcome.reason);
      const failure = { sink: this.sinks[i]!.name ?? `sink #${i}`, code: e.code, message: e.message };
      failures.push(failure);
      try {
        this.#logger.warn(
          { ...failure, runId: event.run?.runId, eventType: event.eventType, job: event.job?.name },
          `lineage event not delivered to ${failure.sink}: ${e.message}`,
        );
      } catch {
        // A broken logger must not turn a lineage problem into a failed run either.
      }
    });
    return failures;
  }
}
