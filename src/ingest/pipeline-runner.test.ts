import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM_ACTOR } from '../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../server/test-support/test-kiln.js';

const SUITE = `name: tx
expectations:
  - type: expect_column_values_to_not_be_null
    kwargs: {column: transaction_id}
  - type: expect_column_values_to_be_in_set
    kwargs: {column: segment, value_set: [retail, business, unknown]}
`;

function spec(onFail: string, extra = ''): string {
  return `name: transactions
sources:
  raw: {type: csv, path: "data/*.csv"}
steps:
  - cast: {amount: DOUBLE}
  - filter: amount > 0
  - impute: {segment: {constant: unknown}}
  - split: {key: transaction_id, test_fraction: 0.5, seed: 7}
expectations: suite.yaml
on_fail: ${onFail}
${extra}`;
}

describe('PipelineRunner', () => {
  let t: TestKiln;
  let dir: string;
  beforeAll(async () => {
    t = await createTestKiln();
    dir = join(t.dir, 'project');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'a.csv'),
      'transaction_id,amount,segment\n1,10.5,retail\n2,20,business\n3,-1,retail\n4,7,\n',
    );
    writeFileSync(join(dir, 'suite.yaml'), SUITE);
  });
  afterAll(async () => t.close());

  const run = (name: string, text: string, extra: Record<string, unknown> = {}) => {
    writeFileSync(join(dir, name), text);
    return t.kiln.pipelines.run(SYSTEM_ACTOR, { specPath: join(dir, name), ...extra });
  };

  it('makes a validated, profiled dataset version with lineage and OpenLineage events', async () => {
    const stages: string[] = [];
    const r = await run('p.yaml', spec('block'), {
      onProgress: (p: { stage: string }) => stages.push(p.stage),
    });
    expect(r.reused).toBe(false);
    expect(r.dataset?.ref).toBe('transactions@1');
    expect(r.dataset?.rowCount).toBe(3);
    expect(r.dataset?.schema.map((c) => c.name)).toEqual(['transaction_id', 'amount', 'segment', 'split']);
    expect(r.dataset?.validation).toMatchObject({ success: true, evaluated: 2, failed: 0 });
    expect(r.dataset?.lineage.sources[0]?.files?.[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.dataset?.lineage.steps.find((s) => s.kind === 'impute')?.params).toBeTruthy();
    expect(r.run).toMatchObject({ status: 'COMPLETED', dataset: 'transactions@1' });
    expect(stages).toEqual(expect.arrayContaining(['source', 'step', 'validate', 'write', 'profile']));
    const head = await t.kiln.datasets.head('transactions@1', 10);
    expect(head.rows.map((row) => row.segment)).toEqual(['retail', 'business', 'unknown']);
    const events = readFileSync(join(t.dir, '.kiln', 'lineage', 'openlineage.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(events[1].outputs[0].name).toBe('transactions@1');
    expect(events[1].inputs[0].name).toMatch(/a\.csv$/);
    expect(existsSync(join(t.dir, '.kiln', 'tmp', `run-${r.run.id}`))).toBe(false);
  });

  it('reuses the version when inputs and spec are unchanged, and makes a new one when a file changes', async () => {
    const again = await run('p.yaml', spec('block'));
    expect(again.reused).toBe(true);
    expect(again.dataset?.version).toBe(1);
    expect(again.run).toMatchObject({ status: 'COMPLETED', reused: true, dataset: 'transactions@1' });
    writeFileSync(join(dir, 'data', 'b.csv'), 'transaction_id,amount,segment\n9,5,retail\n');
    const changed = await run('p.yaml', spec('block'));
    expect(changed.reused).toBe(false);
    expect(changed.dataset?.ref).toBe('transactions@2');
    expect(changed.dataset?.rowCount).toBe(4);
    rmSync(join(dir, 'data', 'b.csv'));
  });

  it('blocks on a failing suite: no version, the run FAILED with VALIDATION_FAILED', async () => {
    writeFileSync(join(dir, 'data', 'bad.csv'), 'transaction_id,amount,segment\n7,3,alien\n');
    const before = (await t.kiln.datasets.versions('transactions')).length;
    await expect(run('p.yaml', spec('block'))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await t.kiln.datasets.versions('transactions')).length).toBe(before);
    const [last] = await t.kiln.pipelineRuns.list({ pipeline: 'transactions', limit: 1 });
    expect(last).toMatchObject({ status: 'FAILED', error: { code: 'VALIDATION_FAILED' } });
    expect(last?.summary).toMatchObject({ validation: { success: false } });
  });

  it('warns: the version is made and carries the failed validation', async () => {
    const r = await run('w.yaml', spec('warn'));
    expect(r.dataset?.validation).toMatchObject({
      success: false,
      failedExpectations: ['expect_column_values_to_be_in_set(segment)'],
    });
  });

  it('quarantines failing rows into <name>_quarantine and continues with the rest', async () => {
    const r = await run('q.yaml', spec('quarantine'));
    expect(r.quarantine?.dataset).toBe('transactions_quarantine');
    expect(r.quarantine?.rowCount).toBe(1);
    expect(r.quarantine?.lineage.quarantineOf).toBe('transactions');
    const kept = await t.kiln.datasets.head(r.dataset!.ref, 10);
    expect(kept.rows.map((row) => row.segment)).not.toContain('alien');
    expect(r.dataset?.validation).toMatchObject({ quarantinedRows: 1 });
    rmSync(join(dir, 'data', 'bad.csv'));
  });

  it('fails cleanly on bad data: the run is FAILED with the step error, a FAIL event, no temp files', async () => {
    writeFileSync(join(dir, 'data', 'cast.csv'), 'transaction_id,amount,segment\n8,abc,retail\n');
    const before = (await t.kiln.datasets.versions('transactions')).length;
    await expect(run('p.yaml', spec('block'))).rejects.toMatchObject({ code: 'CAST_FAILED' });
    expect((await t.kiln.datasets.versions('transactions')).length).toBe(before);
    const events = readFileSync(join(t.dir, '.kiln', 'lineage', 'openlineage.ndjson'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(events.at(-1)!).eventType).toBe('FAIL');
    expect(readdirSync(join(t.dir, '.kiln', 'tmp'))).toEqual([]);
    rmSync(join(dir, 'data', 'cast.csv'));
  });

  it('leaves no version and no files when the write fails midway', async () => {
    const before = (await t.kiln.datasets.versions('transactions')).length;
    const spy = vi.spyOn(t.kiln.artifacts, 'putFile').mockRejectedValueOnce(new Error('disk full'));
    try {
      await expect(run('p.yaml', spec('block'), { force: true })).rejects.toMatchObject({ code: 'INTERNAL' });
    } finally {
      spy.mockRestore();
    }
    expect((await t.kiln.datasets.versions('transactions')).length).toBe(before);
    expect(readdirSync(join(t.dir, '.kiln', 'tmp'))).toEqual([]);
    const [last] = await t.kiln.pipelineRuns.list({ pipeline: 'transactions', limit: 1 });
    expect(last?.status).toBe('FAILED');
  });

  it('refuses files outside data.roots when given allowed roots (runs through the API)', async () => {
    await expect(
      run('p.yaml', spec('block'), { allowedRoots: [join(t.dir, 'elsewhere')] }),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
  });

  it('refuses a bad spec before recording any run', async () => {
    const runs = (await t.kiln.pipelineRuns.list()).length;
    await expect(run('bad.yaml', 'name: x\nsources: {}\nbogus: 1\n')).rejects.toMatchObject({
      code: 'PIPELINE_SPEC_INVALID',
    });
    expect((await t.kiln.pipelineRuns.list()).length).toBe(runs);
  });
});
