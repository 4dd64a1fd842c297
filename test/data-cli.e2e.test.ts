/**
 * The data stage as a user runs it: `kiln pipeline run`, `kiln data …` on a real workspace, the
 * compiled CLI in child processes. Covers the bad inputs of the issue: each gives a clear error,
 * a non-zero exit, no dataset version and no partial files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverChildren, makeTempDir, runKiln, runKilnJson } from './support/run-kiln.js';

const root = makeTempDir('data-cli');
const ws = join(root, 'ws');
const opts = { cwd: ws, env: { KILN_HOME: ws, KILN_LOG_LEVEL: 'silent' }, timeoutMs: 60_000 };

function write(rel: string, text: string | Buffer): void {
  mkdirSync(join(ws, rel, '..'), { recursive: true });
  writeFileSync(join(ws, rel), text);
}

function spec(path: string, steps = '  - cast: {amount: DOUBLE}\n', options = ''): string {
  return `name: tx\nsources:\n  raw: {type: csv, path: "${path}"${options}}\nsteps:\n${steps}`;
}

beforeAll(async () => {
  mkdirSync(ws, { recursive: true });
  const init = await runKiln(['init'], opts);
  expect(init.code, init.stderr).toBe(0);
  write('data/tx.csv', 'id,amount,segment\n1,10.5,retail\n2,20,business\n3,7,retail\n4,9,business\n');
});
afterAll(() => killLeftoverChildren());

// Each step spawns the CLI (about a second each, more on a loaded machine).
describe('kiln pipeline and kiln data', { timeout: 180_000 }, () => {
  it('runs a pipeline, then lists, shows, heads, profiles, suggests and validates', async () => {
    write('p.yaml', spec('data/tx.csv'));
    const run = await runKilnJson<{ dataset: { ref: string; row_count: number } }>(
      ['pipeline', 'run', 'p.yaml'],
      opts,
    );
    expect(run.dataset).toMatchObject({ ref: 'tx@1', row_count: 4 });
    const show = await runKiln(['data', 'show', 'tx@1'], opts);
    expect(show.stdout).toContain('amount');
    expect(show.stdout).toMatch(/sha256:[0-9a-f]{12}/);
    const head = await runKilnJson<{ rows: unknown[] }>(['data', 'head', 'tx@1', '-n', '2'], opts);
    expect(head.rows).toHaveLength(2);
    const profile = await runKiln(['data', 'profile', 'tx@1', '--html', 'profile.html'], opts);
    expect(profile.code, profile.stderr).toBe(0);
    expect(readFileSync(join(ws, 'profile.html'), 'utf8')).toContain('<svg');
    const suggest = await runKiln(['data', 'suggest', 'tx@1'], opts);
    expect(suggest.code, suggest.stderr).toBe(0);
    write('suite.yaml', suggest.stdout);
    const pass = await runKiln(
      ['data', 'validate', 'data/tx.csv', '--suite', 'suite.yaml', '--html', 'v.html'],
      opts,
    );
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toContain('PASSED');
    write('data/new.csv', 'id,amount,segment\n1,10.5,retail\n1,-3,alien\n');
    const fail = await runKiln(
      ['--json', 'data', 'validate', 'data/new.csv', '--suite', 'suite.yaml', '--key', 'id'],
      opts,
    );
    expect(fail.code).toBe(1);
    const result = JSON.parse(fail.stdout);
    expect(result.success).toBe(false);
    const failed = result.results
      .filter((r: { success: boolean }) => !r.success)
      .map(
        (r: { expectation_config: { type: string; kwargs: { column?: string } } }) =>
          `${r.expectation_config.type}(${r.expectation_config.kwargs.column ?? ''})`,
      );
    expect(failed).toEqual(
      expect.arrayContaining([
        'expect_column_values_to_be_unique(id)',
        'expect_column_values_to_be_between(amount)',
        'expect_column_values_to_be_in_set(segment)',
      ]),
    );
  });

  it('diffs two versions', async () => {
    write('data/tx2.csv', 'id,amount,segment,extra\n1,100,retail,x\n');
    write('p2.yaml', spec('data/tx2.csv'));
    await runKilnJson(['pipeline', 'run', 'p2.yaml'], opts);
    const diff = await runKilnJson<{ added: { name: string }[]; rowCount: { delta: number } }>(
      ['data', 'diff', 'tx@1', 'tx@2'],
      opts,
    );
    expect(diff.added.map((c) => c.name)).toEqual(['extra']);
    expect(diff.rowCount.delta).toBe(-3);
    const runs = await runKilnJson<{ runs: { status: string }[] }>(['pipeline', 'runs'], opts);
    expect(runs.runs.every((r) => r.status === 'COMPLETED')).toBe(true);
  });

  const badInputs: [string, string, string | Buffer, string][] = [
    ['a missing file', 'data/none.csv', '', 'SOURCE_NOT_FOUND'],
    ['an empty file', 'bad/empty.csv', '', 'SOURCE_UNREADABLE'],
    ['ragged rows', 'bad/ragged.csv', 'id,amount\n1,2\n3,4,5,6\n', 'SOURCE_UNREADABLE'],
    ['a wrong delimiter', 'bad/semi.csv', 'id;amount;segment\n1;2;a\n', 'SOURCE_UNREADABLE'],
    [
      'invalid UTF-8',
      'bad/latin1.csv',
      Buffer.from([0x69, 0x64, 0x2c, 0x61, 0x6d, 0x6f, 0x75, 0x6e, 0x74, 0x0a, 0x31, 0x2c, 0xe9, 0x0a]),
      'SOURCE_UNREADABLE',
    ],
    ['a value that fails to cast', 'bad/cast.csv', 'id,amount\n1,2\n2,abc\n', 'CAST_FAILED'],
  ];
  for (const [what, path, content, code] of badInputs) {
    it(`refuses ${what} with ${code}, no version, no partial files`, async () => {
      if (path !== 'data/none.csv') write(path, content);
      write('bad.yaml', spec(path, undefined, path.includes('semi') ? ', options: {delimiter: ","}' : ''));
      const before = readdirSync(join(ws, '.kiln', 'artifacts'), { recursive: true }).length;
      const r = await runKiln(['--json', 'pipeline', 'run', 'bad.yaml'], opts);
      expect(r.code).toBe(1);
      const err = JSON.parse(r.stderr).error;
      expect(err.code, r.stderr).toBe(code);
      expect(err.message.length).toBeGreaterThan(10);
      expect(readdirSync(join(ws, '.kiln', 'artifacts'), { recursive: true }).length).toBe(before);
      expect(existsSync(join(ws, '.kiln', 'tmp')) ? readdirSync(join(ws, '.kiln', 'tmp')) : []).toEqual([]);
      const versions = await runKilnJson<{ versions: unknown[] }>(['data', 'versions', 'tx'], opts);
      expect(versions.versions).toHaveLength(2);
    });
  }

  it('names the cast failure row and column, a missing column, a bad regex and unknown spec keys', async () => {
    write('bad/cast2.csv', 'id,amount\n1,2\n2,abc\n');
    write('c.yaml', spec('bad/cast2.csv'));
    const cast = JSON.parse((await runKiln(['--json', 'pipeline', 'run', 'c.yaml'], opts)).stderr).error;
    expect(cast.message).toContain('amount');
    expect(cast.message).toContain('abc');
    write('m.yaml', spec('data/tx.csv', '  - filter: nope > 0\n'));
    const missing = JSON.parse((await runKiln(['--json', 'pipeline', 'run', 'm.yaml'], opts)).stderr).error;
    expect(missing.code).toBe('COLUMN_NOT_FOUND');
    write('u.yaml', `${spec('data/tx.csv')}colour: red\n`);
    const unknown = JSON.parse((await runKiln(['--json', 'pipeline', 'run', 'u.yaml'], opts)).stderr).error;
    expect(unknown.code).toBe('PIPELINE_SPEC_INVALID');
    expect(unknown.message).toMatch(/u\.yaml:\d+/);
    write(
      're.yaml',
      'name: s\nexpectations:\n  - type: expect_column_values_to_match_regex\n    kwargs: {column: segment, regex: "("}\n',
    );
    const regex = await runKiln(['--json', 'data', 'validate', 'data/tx.csv', '--suite', 're.yaml'], opts);
    expect(regex.code).toBe(1);
    expect(JSON.parse(regex.stderr).error.code).toBe('SUITE_INVALID');
  });

  it('refuses an unreachable PostgreSQL source without leaking its password', async () => {
    write(
      'pg.yaml',
      'name: pgx\nsources:\n  c: {type: postgres, url: "postgres://u:hunter2secret@127.0.0.1:1/db", query: "select 1"}\n',
    );
    const r = await runKiln(['--json', 'pipeline', 'run', 'pg.yaml'], opts);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr).error.code).toBe('SOURCE_UNREACHABLE');
    expect(r.stderr + r.stdout).not.toContain('hunter2secret');
  });
});
