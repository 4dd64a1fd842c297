/**
 * @module ingest/lineage/create-lineage-sink
 * Builds the sink a pipeline runner holds from the resolved `lineage.*` settings: the NDJSON file
 * (`lineage.file`, on unless set to an empty string) and, when `lineage.url` is set, the HTTP
 * endpoint — behind a {@link FanOutLineageSink}, so emitting never fails a run.
 */
import { isAbsolute, resolve } from 'node:path';
import type { OutboundPolicy } from '../../govern/network/outbound-policy.js';
import type { LineageSink } from './lineage-sink.js';
import { FanOutLineageSink, type WarningLogger } from './sinks/fan-out-lineage-sink.js';
import { FileLineageSink } from './sinks/file-lineage-sink.js';
import { HttpLineageSink } from './sinks/http-lineage-sink.js';

export interface LineageSettings {
  /** Absolute path of the NDJSON file; null or '' to write none. */
  readonly file: string | null;
  /** OpenLineage server base URL (e.g. Marquez); null or '' for none. Must be in `network.allow`. */
  readonly url: string | null;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The absolute path of the `lineage.file` setting (default `.kiln/lineage/openlineage.ndjson`):
 * a relative path is resolved against the workspace folder; an empty setting means no file (null).
 */
export function resolveLineageFile(workspaceRoot: string, setting: string): string | null {
  if (setting === '') return null;
  return isAbsolute(setting) ? setting : resolve(workspaceRoot, setting);
}

/**
 * The fan-out over the configured sinks (possibly none). URL_NOT_ALLOWED when `url` is not in the
 * allow-list; INVALID_ARGUMENT for a relative file path or a bad timeout — configuration errors
 * surface at start-up, not at the first run.
 */
export function createLineageSink(
  settings: LineageSettings,
  outbound: OutboundPolicy,
  logger: WarningLogger,
): FanOutLineageSink {
  const sinks: LineageSink[] = [];
  if (settings.file) sinks.push(new FileLineageSink(settings.file));
  if (settings.url) {
    sinks.push(
      new HttpLineageSink({
        url: settings.url,
        outbound,
        ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
        ...(settings.headers ? { headers: settings.headers } : {}),
      }),
    );
  }
  return new FanOutLineageSink(sinks, logger);
}
