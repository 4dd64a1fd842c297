/**
 * @module ingest/lineage/lineage-emitter
 * What the pipeline runner calls at the start and end of a run: builds the event and hands it to
 * the sink, and never throws — a lineage input the builder rejects (say, a NaN statistic) or a
 * sink that fails is logged as a warning and returned as a failure, and the run carries on.
 */
import { toKilnError } from '../../core/errors.js';
import type { LineageSink } from './lineage-sink.js';
import type { LineageError, LineageEventType, LineageRunInput } from './lineage-types.js';
import type { RunEventBuilder } from './openlineage-event.js';
import type { OpenLineageRunEvent } from './openlineage-types.js';
import {
  FanOutLineageSink,
  type LineageSinkFailure,
  type WarningLogger,
} from './sinks/fan-out-lineage-sink.js';

/** The `errorMessage` of a failed run: `<CODE>: <message>` of the KilnError (INTERNAL for others). */
export function lineageErrorOf(e: unknown): LineageError {
  const err = toKilnError(e);
  return { message: `${err.code}: ${err.message}` };
}

export interface EmitOutcome {
  /** The event sent; null when it could not be built. */
  readonly event: OpenLineageRunEvent | null;
  readonly failures: readonly LineageSinkFailure[];
}

export class LineageEmitter {
  readonly #builder: RunEventBuilder;
  readonly #sink: FanOutLineageSink;
  readonly #logger: WarningLogger;

  /** A sink that is not a fan-out is wrapped in one, so that its failures are caught and logged. */
  constructor(builder: RunEventBuilder, sink: LineageSink, logger: WarningLogger) {
    this.#builder = builder;
    this.#sink = sink instanceof FanOutLineageSink ? sink : new FanOutLineageSink([sink], logger);
    this.#logger = logger;
  }

  /** Builds and emits one event; resolves with what happened, never rejects. */
  async emit(eventType: LineageEventType, input: LineageRunInput): Promise<EmitOutcome> {
    let event: OpenLineageRunEvent;
    try {
      event = this.#builder.build(eventType, input);
    } catch (e) {
      return { event: null, failures: [this.#warn('builder', e, eventType, input.runId)] };
    }
    // The fan-out never rejects and has logged its failures already.
    return { event, failures: await this.#sink.emitAll(event) };
  }

  #warn(sink: string, e: unknown, eventType: LineageEventType, runId: unknown): LineageSinkFailure {
    const err = toKilnError(e);
    const failure = { sink, code: err.code, message: err.message };
    try {
      this.#logger.warn(
        {
          ...failure,
          eventType,
          runId,
          ...(Object.keys(err.details).length ? { details: err.details } : {}),
        },
        `lineage ${eventType} event not emitted (${sink}): ${err.message}`,
      );
    } catch {
      // Never let logging fail the run.
    }
    return failure;
  }
}
