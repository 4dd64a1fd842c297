/**
 * @module ingest/lineage/lineage-sink
 * Where lineage events go. Implementations in `sinks/`: an NDJSON file ({@link FileLineageSink}),
 * an OpenLineage HTTP endpoint such as Marquez ({@link HttpLineageSink}), and several at once
 * ({@link FanOutLineageSink}, the one the pipeline runner holds: it never throws).
 *
 * @see ./sinks/file-lineage-sink.ts
 * @see ./sinks/http-lineage-sink.ts
 * @see ./sinks/fan-out-lineage-sink.ts
 */
import type { OpenLineageRunEvent } from './openlineage-types.js';

export interface LineageSink {
  /** For logs and failure reports, e.g. `file:/ws/lineage/openlineage.ndjson`. */
  readonly name?: string;
  /**
   * Delivers one event. Resolves once it is written or accepted; rejects with a KilnError when it
   * was not (the event is then lost for this sink: sinks do not retry). Safe to call concurrently.
   */
  emit(event: OpenLineageRunEvent): Promise<void>;
}
