import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KilnError } from '../../../core/errors.js';
import { RunEventBuilder } from '../openlineage-event.js';
import { runEventSchema, SAMPLE_PRODUCER, sampleRun } from '../test-support/sample-run.js';
import { checkSchema } from '../test-support/schema-check.js';
import { FileLineageSink } from './file-lineage-sink.js';

const root = mkdtempSync(join(tmpdir(), 'kiln-lineage-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const builder = new RunEventBuilder(SAMPLE_PRODUCER);

function lines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

describe('FileLineageSink', () => {
  it('creates the folders and appends one parseable event per line', async () => {
    const path = join(root, 'ws', 'lineage', 'openlineage.ndjson');
    const sink = new FileLineageSink(path);
    const start = builder.start(sampleRun());
    const complete = builder.complete(sampleRun({ eventTime: '2026-03-01T10:05:00Z' }));
    await sink.emit(start);
    await sink.emit(complete);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    const read = lines(path);
    expect(read).toEqual([start, complete]);
    for (const e of read) expect(checkSchema(runEventSchema(), e)).toEqual([]);
    expect(sink.name).toBe(`file:${path}`);
  });

  it('keeps existing lines and never interleaves concurrent appends', async () => {
    const path = join(root, 'concurrent.ndjson');
    writeFileSync(path, '{"earlier":true}\n');
    const sink = new FileLineageSink(path);
    // Big events (a wide schema) make an interleaving visible as a line that does not parse.
    const fields = Array.from({ length: 400 }, (_, i) => ({ name: `column_${i}`, type: 'DOUBLE' }));
    const events = Array.from({ length: 40 }, (_, i) =>
      builder.start(
        sampleRun({
          eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
          inputs: [{ namespace: 'file://h', name: `/in/${i}.csv`, fields }],
        }),
      ),
    );
    await Promise.all(events.map((e) => sink.emit(e)));
    const read = lines(path);
    expect(read).toHaveLength(41);
    expect(read[0]).toEqual({ earlier: true });
    expect(new Set(read.slice(1).map((e) => (e as { eventTime: string }).eventTime)).size).toBe(40);
  });

  it('rejects with UNAVAILABLE when the path is a folder', async () => {
    const sink = new FileLineageSink(root);
    const e = await sink.emit(builder.start(sampleRun())).then(
      () => null,
      (err: unknown) => err as KilnError,
    );
    expect(e?.code).toBe('UNAVAILABLE');
    expect(e?.details.code).toBe('EISDIR');
  });

  it('refuses a relative path', () => {
    expect(() => new FileLineageSink('lineage/openlineage.ndjson')).toThrow(/absolute path/);
  });
});
