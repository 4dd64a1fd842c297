/**
 * @module ingest/steps/test-support/step-harness
 * Test helper: runs one step (parsed from YAML, as a user writes it) on a TEMP table built from
 * literal SQL, and reads the result back as JSON-safe rows.
 */
import { DuckEngine, quoteIdent, toJsonValue } from '../../../store/duckdb/duck-engine.js';
import { parsePipelineSpec } from '../../pipeline/spec.js';
import { runStep } from '../index.js';
import type { StepContext } from '../step.js';

export interface StepHarness {
  readonly duck: DuckEngine;
  /** Runs `stepYaml` (e.g. `impute: {a: mean}`) on `input`; returns params and output rows. */
  run(
    stepYaml: string,
    options?: { fitFilter?: string; sources?: string[] },
  ): Promise<{ params: unknown; rows: Record<string, unknown>[]; columns: { name: string; type: string }[] }>;
  tempTables(): Promise<string[]>;
  close(): void;
}

/** `inputSql` is a SELECT producing the step's input rows. */
export async function stepHarness(inputSql: string): Promise<StepHarness> {
  const duck = await DuckEngine.open(':memory:', { threads: 1 });
  await duck.run(`CREATE TEMP TABLE t_in AS ${inputSql}`);
  await duck.run('CREATE TEMP VIEW input AS SELECT * FROM temp.t_in');
  return {
    duck,
    async run(stepYaml, options = {}) {
      const spec = parsePipelineSpec(
        `name: t\nsources:\n  s: {type: csv, path: x.csv}\nsteps:\n  - ${stepYaml}\n`,
        'p.yaml',
      );
      await duck.run('DROP TABLE IF EXISTS temp.t_out');
      const columns = await duck.describe('t_in');
      const ctx: StepContext = {
        duck,
        index: 0,
        where: 'p.yaml:5 steps[0]',
        input: 't_in',
        output: 't_out',
        columns,
        sources: options.sources ?? [],
        fitFilter: options.fitFilter ?? null,
      };
      const params = await runStep(ctx, spec.steps[0]);
      const r = await duck.query(`SELECT * FROM temp.${quoteIdent('t_out')}`);
      return {
        params,
        rows: r.rows.map((row) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])),
        ),
        columns: await duck.describe('t_out'),
      };
    },
    async tempTables() {
      const r = await duck.query(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'temp' ORDER BY 1",
      );
      return r.rows.map((row) => String(row.table_name));
    },
    close: () => duck.close(),
  };
}
