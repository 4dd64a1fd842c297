import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../../core/errors.js';
import { createLogger } from '../../../core/logger.js';
import type { LineageSink } from '../lineage-sink.js';
import { RunEventBuilder } from '../openlineage-event.js';
import type { OpenLineageRunEvent } from '../openlineage-types.js';
import { SAMPLE_PRODUCER, SAMPLE_RUN_ID, sampleRun } from '../test-support/sample-run.js';
import { FanOutLineageSink, type WarningLogger } from './fan-out-lineage-sink.js';
import { FileLineageSink } from './file-lineage-sink.js';

const root = mkdtempSync(join(tmpdir(), 'kiln-lineage-fanout-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const event = new RunEventBuilder(SAMPLE_PRODUCER).start(sampleRun());

class RecordingLogger implements WarningLogger {
  readonly warnings: { details: Record<string, unknown>; message: string }[] = [];
  warn(details: Record<string, unknown>, message: string): void {
    this.warnings.push({ details, message });
  }
}

class MemorySink implements LineageSink {
  readonly events: OpenLineageRunEvent[] = [];
  constructor(readonly name: string) {}
  async emit(e: OpenLineageRunEvent): Promise<void> {
    this.events.push(e);
  }
}

const rejecting: LineageSink = {
  name: 'http:http://marquez/api/v1/lineage',
  emit: async () => {
    throw new KilnError('UNAVAILABLE', 'lineage endpoint answered 500', { status: 500 });
  },
};
const throwingSync: LineageSink = {
  emit: () => {
    throw new TypeError('boom');
  },
};

describe('FanOutLineageSink', () => {
  it('delivers to every sink', async () => {
    const a = new MemorySink('a');
    const b = new MemorySink('b');
    const logger = new RecordingLogger();
    const failures = await new FanOutLineageSink([a, b], logger).emitAll(event);
    expect(failures).toEqual([]);
    expect(a.events).toEqual([event]);
    expect(b.events).toEqual([event]);
    expect(logger.warnings).toEqual([]);
  });

  it('never rejects: failing sinks are logged and returned while the others still get the event', async () => {
    const path = join(root, 'lineage', 'openlineage.ndjson');
    const logger = new RecordingLogger();
    const fanOut = new FanOutLineageSink([rejecting, new FileLineageSink(path), throwingSync], logger);
    const failures = await fanOut.emitAll(event);
    expect(failures).toEqual([
      {
        sink: 'http:http://marquez/api/v1/lineage',
        code: 'UNAVAILABLE',
        message: 'lineage endpoint answered 500',
      },
      { sink: 'sink #2', code: 'INTERNAL', message: 'boom' },
    ]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(event);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]!.details).toMatchObject({
      sink: 'http:http://marquez/api/v1/lineage',
      code: 'UNAVAILABLE',
      runId: SAMPLE_RUN_ID,
      eventType: 'START',
      job: 'fraud-features',
    });
    expect(logger.warnings[0]!.message).toContain('not delivered');
    await expect(fanOut.emit(event)).resolves.toBeUndefined();
  });

  it('survives a logger that throws', async () => {
    const logger: WarningLogger = {
      warn: () => {
        throw new Error('logger down');
      },
    };
    const failures = await new FanOutLineageSink([rejecting], logger).emitAll(event);
    expect(failures.map((f) => f.code)).toEqual(['UNAVAILABLE']);
  });

  it('accepts a pino logger', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    await new FanOutLineageSink([rejecting], logger).emitAll(event);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, sink: rejecting.name, code: 'UNAVAILABLE' });
  });
});
