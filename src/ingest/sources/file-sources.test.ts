import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuckEngine, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { parsePipelineSpec } from '../pipeline/spec.js';
import type { SourceSpec } from '../pipeline/spec-types.js';
import { loadSource } from './index.js';
import type { SourceContext } from './source.js';

let dir: string;
let duck: DuckEngine;
let ctx: SourceContext;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kiln-sources-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  duck = await DuckEngine.open(':memory:', { threads: 1 });
  ctx = { duck, baseDir: dir, env: {} };
});
afterEach(() => duck.close());

/** Writes `files` into the temp dir and parses a one-source spec from `yaml` (the source's body). */
function source(yaml: string, files: Record<string, string | Buffer> = {}): SourceSpec {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return parsePipelineSpec(`name: t\nsources:\n  raw: ${yaml}\n`, join(dir, 'p.yaml')).sources.raw;
}

async function rows(sql: string) {
  return (await duck.query(sql)).rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toJsonValue(v)])),
  );
}

async function tables(): Promise<string[]> {
  return (await duck.query('SELECT table_name FROM duckdb_tables() ORDER BY 1')).rows.map((r) =>
    String(r.table_name),
  );
}

describe('csv sources', () => {
  it('loads a glob of files into a table named after the key, with digests', async () => {
    const spec = source('{type: csv, path: "tx-*.csv", options: {delimiter: ","}}', {
      'tx-1.csv': 'id,amount,note\n1,10.5,a\n2,3,\n',
      'tx-2.csv': 'id,amount,note\n3,7.25,"with, comma"\n',
    });
    const loaded = await loadSource(ctx, 'raw', spec);
    expect(loaded.rowCount).toBe(3);
    expect(loaded.files?.map((f) => f.path)).toEqual([join(dir, 'tx-1.csv'), join(dir, 'tx-2.csv')]);
    expect(loaded.files?.[0].sha256).toBe(
      createHash('sha256').update('id,amount,note\n1,10.5,a\n2,3,\n').digest('hex'),
    );
    expect(await rows('SELECT * FROM raw ORDER BY id')).toEqual([
      { id: 1, amount: 10.5, note: 'a' },
      { id: 2, amount: 3, note: null },
      { id: 3, amount: 7.25, note: 'with, comma' },
    ]);
    expect(await duck.describe('raw')).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'note', type: 'VARCHAR' },
    ]);
  });

  it('maps options onto read_csv: delimiter, header, quote, null strings, skip, explicit columns', async () => {
    const spec = source(
      "{type: csv, path: semi.csv, options: {delimiter: ';', header: false, quote: \"'\", null_strings: [NA, '-'], skip: 1, columns: {code: VARCHAR, qty: INTEGER}}}",
      { 'semi.csv': "# exported 2024-01-01\n007;NA\n'x;y';-\n010;4\n" },
    );
    await loadSource(ctx, 'raw', spec);
    expect(await rows('SELECT * FROM raw')).toEqual([
      { code: '007', qty: null },
      { code: 'x;y', qty: null },
      { code: '010', qty: 4 },
    ]);
  });

  it('SOURCE_NOT_FOUND for a missing file', async () => {
    await expect(loadSource(ctx, 'raw', source('{type: csv, path: nope.csv}'))).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: expect.stringContaining('no such file "nope.csv"'),
    });
  });

  it('SOURCE_UNREADABLE "file is empty"', async () => {
    const err = await loadSource(
      ctx,
      'raw',
      source('{type: csv, path: empty.csv}', { 'empty.csv': '' }),
    ).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREADABLE');
    expect(err.message).toMatch(/p\.yaml:3 sources\.raw: .*empty\.csv: file is empty$/);
    expect(await tables()).toEqual([]);
  });

  it('ragged rows fail naming the file and line, with or without a declared delimiter', async () => {
    const content = 'a,b\n1,2\n3,4\n5,6,7\n8,9\n';
    for (const yaml of [
      '{type: csv, path: ragged.csv}',
      "{type: csv, path: ragged.csv, options: {delimiter: ',', quote: '\"'}}",
    ]) {
      const err = await loadSource(ctx, 'raw', source(yaml, { 'ragged.csv': content })).catch((e) => e);
      expect(err.code, yaml).toBe('SOURCE_UNREADABLE');
      expect(err.message, yaml).toContain('ragged.csv line 4: ragged row: 3 fields where the file has 2');
      expect(await tables()).toEqual([]);
    }
  });

  it('a wrong delimiter is named, with the likely right one', async () => {
    const spec = source("{type: csv, path: semi2.csv, options: {delimiter: ','}}", {
      'semi2.csv': 'a;b;c\n1;2;3\n',
    });
    const err = await loadSource(ctx, 'raw', spec).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREADABLE');
    expect(err.message).toContain(
      'options.delimiter is "," but the header "a;b;c" reads as one column containing ";"; is the delimiter ";"?',
    );
    expect(await tables()).toEqual([]);
  });

  it('invalid UTF-8 is SOURCE_UNREADABLE naming the file, offset and line', async () => {
    const bytes = Buffer.concat([Buffer.from('name,city\nx,M'), Buffer.from([0xfc]), Buffer.from('nchen\n')]);
    const err = await loadSource(
      ctx,
      'raw',
      source('{type: csv, path: latin1.csv}', { 'latin1.csv': bytes }),
    ).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREADABLE');
    expect(err.message).toContain(
      `${join(dir, 'latin1.csv')}: not valid UTF-8 (first bad byte at offset 13, line 2)`,
    );
  });

  it('a value that does not fit a declared column type is CAST_FAILED naming line, column and value', async () => {
    const spec = source('{type: csv, path: typed.csv, options: {columns: {id: INTEGER, amount: DOUBLE}}}', {
      'typed.csv': 'id,amount\n1,2.5\n2,abc\n',
    });
    const err = await loadSource(ctx, 'raw', spec).catch((e) => e);
    expect(err.code).toBe('CAST_FAILED');
    expect(err.message).toContain('line 3: column "amount" value "abc" is not a valid DOUBLE');
    expect(await tables()).toEqual([]);
  });
});

describe('parquet and json sources', () => {
  it('loads parquet files (union by name)', async () => {
    await duck.run(
      `COPY (SELECT 1 AS id, 'a' AS s UNION ALL SELECT 2, 'b') TO '${join(dir, 'p1.parquet')}' (FORMAT parquet)`,
    );
    await duck.run(`COPY (SELECT 3 AS id, 2.5 AS extra) TO '${join(dir, 'p2.parquet')}' (FORMAT parquet)`);
    const loaded = await loadSource(ctx, 'raw', source('{type: parquet, path: "p*.parquet"}'));
    expect(loaded).toMatchObject({ type: 'parquet', rowCount: 3 });
    expect(await rows('SELECT id, s, extra FROM raw ORDER BY id')).toEqual([
      { id: 1, s: 'a', extra: null },
      { id: 2, s: 'b', extra: null },
      { id: 3, s: null, extra: 2.5 },
    ]);
  });

  it('a file that is not parquet is SOURCE_UNREADABLE', async () => {
    const err = await loadSource(
      ctx,
      'raw',
      source('{type: parquet, path: fake.parquet}', { 'fake.parquet': 'id\n1\n' }),
    ).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREADABLE');
    expect(err.message).toMatch(/sources\.raw: .*fake\.parquet/);
  });

  it('loads a JSON array and NDJSON, auto-detected or declared', async () => {
    writeFileSync(join(dir, 'arr.json'), JSON.stringify([{ id: 1, tag: 'x' }, { id: 2 }]));
    writeFileSync(join(dir, 'lines.ndjson'), '{"id": 3, "tag": "y"}\n{"id": 4, "tag": null}\n');
    await loadSource(ctx, 'raw', source('{type: json, path: arr.json, format: array}'));
    expect(await rows('SELECT * FROM raw ORDER BY id')).toEqual([
      { id: 1, tag: 'x' },
      { id: 2, tag: null },
    ]);
    await duck.run('DROP TABLE raw');
    await loadSource(ctx, 'raw', source('{type: json, path: [arr.json, lines.ndjson]}'));
    expect((await rows('SELECT id FROM raw ORDER BY id')).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('malformed JSON is SOURCE_UNREADABLE', async () => {
    const err = await loadSource(
      ctx,
      'raw',
      source('{type: json, path: bad.json, format: array}', { 'bad.json': '[{"id": 1}, {"id": ' }),
    ).catch((e) => e);
    expect(err.code).toBe('SOURCE_UNREADABLE');
    expect(err.message).toContain('sources.raw');
    expect(await tables()).toEqual([]);
  });

  it('PATH_NOT_ALLOWED when a source escapes data.roots', async () => {
    writeFileSync(join(dir, 'ok.csv'), 'a\n1\n');
    const spec = source('{type: csv, path: ../ok.csv}');
    const err = await loadSource(
      { ...ctx, baseDir: join(dir, 'sub'), allowedRoots: [join(dir, 'sub')] },
      'raw',
      spec,
    ).catch((e) => e);
    expect(err.code).toBe('PATH_NOT_ALLOWED');
  });
});
