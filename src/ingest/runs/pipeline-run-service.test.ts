import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../../server/test-support/test-kiln.js';

describe('PipelineRunService', () => {
  let t: TestKiln;
  beforeAll(async () => {
    t = await createTestKiln();
  });
  afterAll(async () => t.close());

  it('records a run from RUNNING to COMPLETED with its dataset version, audited', async () => {
    const runs = t.kiln.pipelineRuns;
    const run = await runs.start(SYSTEM_ACTOR, 'transactions', 'spec1');
    expect(run).toMatchObject({ status: 'RUNNING', dataset: null, endedAt: null, error: null });
    const done = await runs.complete(SYSTEM_ACTOR, run.id, {
      versionKey: 'k',
      datasetVersion: 3,
      reused: true,
      summary: { rows: 10 },
    });
    expect(done).toMatchObject({ status: 'COMPLETED', dataset: 'transactions@3', reused: true, summary: { rows: 10 } });
    expect(done.endedAt).not.toBeNull();
    const actions = (await t.kiln.audit.list()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['pipeline.run.start', 'pipeline.run.complete']));
  });

  it('records a failure with its code and message and lists newest first', async () => {
    const runs = t.kiln.pipelineRuns;
    const run = await runs.start(SYSTEM_ACTOR, 'other', 'spec2');
    const failed = await runs.fail(SYSTEM_ACTOR, run.id, { code: 'CAST_FAILED', message: 'amount: row 3' });
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'CAST_FAILED', message: 'amount: row 3' } });
    const list = await runs.list();
    expect(list).toHaveLength(2);
    expect((await runs.list({ pipeline: 'other' })).map((r) => r.id)).toEqual([run.id]);
    await expect(runs.get('nope')).rejects.toMatchObject({ code: 'PIPELINE_RUN_NOT_FOUND' });
    await expect(runs.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
