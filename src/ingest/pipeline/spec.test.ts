import { describe, expect, it } from 'vitest';
import { parsePipelineSpec } from './spec.js';

const EXAMPLE = `name: transactions                 # the output dataset
sources:
  raw: {type: csv, path: "data/transactions/*.csv", options: {delimiter: ",", header: true}}
  customers: {type: postgres, url_env: CUSTOMERS_DB_URL, query: "select customer_id, segment from customers"}
steps:
  - sql: select t.*, c.segment from raw t left join customers c using (customer_id)
  - cast: {amount: DOUBLE, ts: TIMESTAMP}
  - filter: amount > 0
  - dedupe: {key: [transaction_id]}
  - impute: {amount: median, segment: {constant: unknown}}
  - scale: {amount: standard}
  - encode: {segment: onehot}
  - label: {name: is_fraud, expr: "chargeback = 1"}
  - split: {key: transaction_id, test_fraction: 0.2, seed: 7}
expectations: suites/transactions.yaml
on_fail: quarantine                # block | warn | quarantine
`;

function error(text: string, file = 'pipelines/t.yaml'): { code: string; message: string } {
  try {
    parsePipelineSpec(text, file);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected the spec to be refused');
}

describe('parsePipelineSpec', () => {
  it('parses the reference example with defaults filled in', () => {
    const spec = parsePipelineSpec(EXAMPLE, 'pipelines/transactions.yaml');
    expect(spec.name).toBe('transactions');
    expect(spec.on_fail).toBe('quarantine');
    expect(spec.expectations).toBe('suites/transactions.yaml');
    expect(spec.sources.raw).toEqual({
      type: 'csv',
      location: { file: 'pipelines/transactions.yaml', line: 3 },
      path: ['data/transactions/*.csv'],
      options: { delimiter: ',', header: true, skip: 0 },
    });
    expect(spec.sources.customers).toMatchObject({
      type: 'postgres',
      url_env: 'CUSTOMERS_DB_URL',
      query: 'select customer_id, segment from customers',
      fetch_size: 10000,
    });
    expect(spec.steps.map((s) => s.kind)).toEqual([
      'sql',
      'cast',
      'filter',
      'dedupe',
      'impute',
      'scale',
      'encode',
      'label',
      'split',
    ]);
    expect(spec.steps[1]).toMatchObject({
      columns: { amount: 'DOUBLE', ts: 'TIMESTAMP' },
      location: { line: 7 },
    });
    expect(spec.steps[3]).toMatchObject({ key: ['transaction_id'], keep: 'first' });
    expect(spec.steps[4]).toMatchObject({ columns: { amount: 'median', segment: { constant: 'unknown' } } });
    expect(spec.steps[6]).toMatchObject({ columns: { segment: { method: 'onehot', max_categories: 50 } } });
    expect(spec.steps[8]).toMatchObject({ key: 'transaction_id', test_fraction: 0.2, seed: 7 });
    expect(Object.isFrozen(spec.steps[0])).toBe(true);
  });

  it('defaults on_fail to block and steps to none; reads every csv option, json format and lists of paths', () => {
    const spec = parsePipelineSpec(
      `name: t
sources:
  a:
    type: csv
    path: [a/*.csv, b.csv]
    options: {delimiter: ";", header: false, quote: "'", escape: "\\\\", null_strings: [NA, ""], skip: 2, columns: {id: bigint, amount: "decimal(10, 2)"}}
`,
      'p.yaml',
    );
    expect(spec.on_fail).toBe('block');
    expect(spec.steps).toEqual([]);
    expect(spec.sources.a).toMatchObject({
      path: ['a/*.csv', 'b.csv'],
      options: {
        delimiter: ';',
        header: false,
        quote: "'",
        escape: '\\',
        null_strings: ['NA', ''],
        skip: 2,
        columns: { id: 'BIGINT', amount: 'DECIMAL(10, 2)' },
      },
    });
    const json = parsePipelineSpec(
      'name: j\nsources:\n  e: {type: json, path: e.ndjson, format: newline_delimited}\n',
      'j.yaml',
    );
    expect(json.sources.e).toMatchObject({ type: 'json', format: 'newline_delimited' });
  });

  it('names file:line, the key path, what was expected and what came', () => {
    const e = error(`name: t
sources:
  raw: {type: csv, path: a.csv}
steps:
  - cast: {a: DOUBLE}
  - select: [a]
  - filter: 3
`);
    expect(e.code).toBe('PIPELINE_SPEC_INVALID');
    expect(e.message).toBe(
      'pipelines/t.yaml:7 steps[2].filter: expected a SQL boolean expression string, got 3',
    );
  });

  it('refuses unknown keys with a suggestion, at every level', () => {
    expect(error('name: t\nsources:\n  raw: {type: csv, path: a.csv}\non_fial: warn\n').message).toMatch(
      /^pipelines\/t\.yaml:4 on_fial: unknown key "on_fial" \(did you mean "on_fail"\?\); known keys: name, sources/,
    );
    const opt = error(
      'name: t\nsources:\n  raw:\n    type: csv\n    path: a.csv\n    options: {delimeter: ";"}\n',
    );
    expect(opt.message).toContain(
      'pipelines/t.yaml:6 sources.raw.options.delimeter: unknown key "delimeter" (did you mean "delimiter"?)',
    );
    const step = error('name: t\nsources:\n  raw: {type: csv, path: a.csv}\nsteps:\n  - fliter: a > 1\n');
    expect(step.message).toContain(
      'pipelines/t.yaml:5 steps[0].fliter: unknown key "fliter" (did you mean "filter"?)',
    );
    const dd = error('name: t\nsources:\n  raw: {type: csv, path: a.csv}\nsteps:\n  - dedupe: {keys: [a]}\n');
    expect(dd.message).toContain('steps[0].dedupe.keys: unknown key "keys" (did you mean "key"?)');
  });

  it('refuses bad values with the right path', () => {
    const cases: [string, RegExp][] = [
      ['name: 9lives\nsources:\n  r: {type: csv, path: a.csv}\n', /:1 name: must start with a letter/],
      [
        'name: t\nsources:\n  r: {type: excel, path: a.xlsx}\n',
        /:3 sources\.r\.type: expected one of csv, parquet, json, postgres, got "excel"/,
      ],
      ['name: t\nsources:\n  r: {type: csv}\n', /:3 sources\.r: missing key "path"/],
      [
        'name: t\nsources:\n  my-src: {type: csv, path: a.csv}\n',
        /sources\.my-src: a source name must be a SQL identifier/,
      ],
      ['name: t\nsources:\n  input: {type: csv, path: a.csv}\n', /sources\.input: a source name must be/],
      ['name: t\nsources: {}\n', /:2 sources: expected at least one source/],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv, options: {delimiter: ""}}\n',
        /options\.delimiter: expected 1 to 4 characters/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv, options: {skip: -1}}\n',
        /options\.skip: expected an integer from 0, got -1/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv, options: {columns: {a: "INT; DROP TABLE x"}}}\n',
        /options\.columns\.a: expected a DuckDB type name/,
      ],
      [
        'name: t\nsources:\n  r: {type: json, path: a.json, format: xml}\n',
        /sources\.r\.format: expected one of auto, array, newline_delimited/,
      ],
      ['name: t\nsources:\n  r: {type: postgres, url_env: X}\n', /give exactly one of "query" and "table"/],
      [
        'name: t\nsources:\n  r: {type: postgres, url_env: X, url: "postgres://a@b/c", table: t}\n',
        /give exactly one of "url" and "url_env"/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - {filter: a > 1, select: [a]}\n',
        /:5 steps\[0\]: a step has exactly one key \(its kind\), got filter, select/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - impute: {a: average}\n',
        /steps\[0\]\.impute\.a: expected mean, median, mode or \{constant: value\}, got "average"/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - scale: {a: zscore}\n',
        /steps\[0\]\.scale\.a: expected one of standard, minmax, robust/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - encode: {a: {method: onehot, max_categories: 0}}\n',
        /encode\.a\.max_categories: expected an integer from 1 to 1000, got 0/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - split: {key: id, test_fraction: 1.5}\n',
        /split\.test_fraction: expected a number strictly between 0 and 1, got 1\.5/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - label: {name: y}\n',
        /steps\[0\]\.label: a label needs "name"/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\nsteps:\n  - dedupe: {key: [a], keep: middle}\n',
        /dedupe\.keep: expected one of first, last, got "middle"/,
      ],
      [
        'name: t\nsources:\n  r: {type: csv, path: a.csv}\non_fail: explode\n',
        /:4 on_fail: expected one of block, warn, quarantine/,
      ],
      [
        'name: t\nsources:\n  a: {type: csv, path: a.csv}\n  b: {type: csv, path: b.csv}\nsteps:\n  - filter: x > 1\n',
        /the first step must be "sql"/,
      ],
      [
        'name: t\nname: u\nsources:\n  a: {type: csv, path: a.csv}\n',
        /:2 not valid YAML: Map keys must be unique/,
      ],
      ['', /:1 expected a mapping with name, sources and steps, got nothing/],
    ];
    for (const [text, re] of cases) {
      const e = error(text);
      expect(e.code, text).toBe('PIPELINE_SPEC_INVALID');
      expect(e.message, text).toMatch(re);
    }
  });

  it('never shows a PostgreSQL URL (it may hold a password)', () => {
    const e = error('name: t\nsources:\n  r: {type: postgres, url: "mysql://u:s3cret@h/d", table: t}\n');
    expect(e.message).toMatch(/sources\.r\.url: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(e.message).not.toContain('s3cret');
  });
});
