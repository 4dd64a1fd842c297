/**
 * @module ingest/lineage/sinks/file-lineage-sink
 * Appends each event as one line of JSON (NDJSON) to a file, creating its folder. Each event is
 * one `write` on a file opened for appending (O_APPEND), so lines from concurrent emits — in this
 * process or another — never interleave, and a line is synced to disk before `emit` resolves. A
 * crash can leave at most a partial last line, which readers skip.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { KilnError, invalid } from '../../../core/errors.js';
import type { LineageSink } from '../lineage-sink.js';
import type { OpenLineageRunEvent } from '../openlineage-types.js';

export class FileLineageSink implements LineageSink {
  readonly path: string;
  readonly name: string;

  /** `path`: absolute (the caller resolves `lineage.file` against the workspace). */
  constructor(path: string) {
    if (typeof path !== 'string' || !isAbsolute(path))
      throw invalid('lineage.file', 'an absolute path', path);
    this.path = path;
    this.name = `file:${path}`;
  }

  /** UNAVAILABLE (with the system error code) when the folder or the line cannot be written. */
  async emit(event: OpenLineageRunEvent): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const fh = await open(this.path, 'a', 0o644);
      try {
        const { bytesWritten } = await fh.write(line, 0, line.length);
        if (bytesWritten !== line.length) {
          throw new KilnError(
            'UNAVAILABLE',
            `lineage file ${this.path}: wrote ${bytesWritten} of ${line.length} bytes (disk full?)`,
            { path: this.path },
          );
        }
        await fh.datasync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (e instanceof KilnError) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? 'ERROR';
      throw new KilnError(
        'UNAVAILABLE',
        `cannot append to lineage file ${this.path}: ${(e as Error).message}`,
        { path: this.path, code },
        { cause: e },
      );
    }
  }
}
