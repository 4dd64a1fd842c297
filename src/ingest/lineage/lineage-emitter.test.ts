import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { LineageEmitter, lineageErrorOf } from './lineage-emitter.js';
import type { LineageSink } from './lineage-sink.js';
import { RunEventBuilder } from './openlineage-event.js';
import type { OpenLineageRunEvent } from './openlineage-types.js';
import { SAMPLE_PRODUCER, sampleRun } from './test-support/sample-run.js';

function recorder() {
  const warnings: { details: Record<string, unknown>; message: string }[] = [];
  return {
    warnings,
    warn: (details: Record<string, unknown>, message: string) => void warnings.push({ details, message }),
  };
}

describe('LineageEmitter', () => {
  const builder = new RunEventBuilder(SAMPLE_PRODUCER);

  it('builds and emits each transition of a run', async () => {
    const seen: OpenLineageRunEvent[] = [];
    const sink: LineageSink = { emit: async (e) => void seen.push(e) };
    const emitter = new LineageEmitter(builder, sink, recorder());
    const started = await emitter.emit('START', sampleRun());
    const failed = await emitter.emit('FAIL', sampleRun({ error: { message: 'STEP_FAILED: x' } }));
    expect(started.failures).toEqual([]);
    expect(failed.failures).toEqual([]);
    expect(seen.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(seen[1]).toEqual(failed.event);
  });

  it('does not throw when the event cannot be built, and sends nothing', async () => {
    const seen: OpenLineageRunEvent[] = [];
    const log = recorder();
    const emitter = new LineageEmitter(builder, { emit: async (e) => void seen.push(e) }, log);
    const outcome = await emitter.emit('COMPLETE', sampleRun({ runId: 'not-a-uuid' }));
    expect(outcome.event).toBeNull();
    expect(outcome.failures).toEqual([
      { sink: 'builder', code: 'INVALID_ARGUMENT', message: 'runId: expected a UUID, got "not-a-uuid"' },
    ]);
    expect(seen).toEqual([]);
    expect(log.warnings[0]!.details).toMatchObject({ eventType: 'COMPLETE', details: { field: 'runId' } });
  });

  it('does not throw when a plain sink rejects', async () => {
    const log = recorder();
    const sink: LineageSink = {
      name: 'flaky',
      emit: async () => {
        throw new KilnError('UNAVAILABLE', 'down');
      },
    };
    const outcome = await new LineageEmitter(builder, sink, log).emit('START', sampleRun());
    expect(outcome.event?.eventType).toBe('START');
    expect(outcome.failures).toEqual([{ sink: 'flaky', code: 'UNAVAILABLE', message: 'down' }]);
    expect(log.warnings).toHaveLength(1);
  });
});

describe('lineageErrorOf', () => {
  it('prefixes the message with the error code', () => {
    expect(lineageErrorOf(new KilnError('CAST_FAILED', 'column "amount": "n/a" is not a DOUBLE'))).toEqual({
      message: 'CAST_FAILED: column "amount": "n/a" is not a DOUBLE',
    });
    expect(lineageErrorOf(new RangeError('boom'))).toEqual({ message: 'INTERNAL: boom' });
  });
});
