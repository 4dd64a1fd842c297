/**
 * @module ingest/pipeline/transform
 * The pure part of a pipeline run: spec → transformed DuckDB table + fitted parameters. Loads each
 * source into a TEMP table named after its key, runs the steps in order (each makes a new TEMP
 * table from the previous one, visible to `sql` steps as `input`), then writes the result to
 * `main.<outputTable>` (default: the spec's name), replacing a table of that name.
 *
 * Ownership: on success only the output table remains; on failure nothing this call created
 * remains (sources, intermediates, the `input` view) and the KilnError of the failing source or
 * step is rethrown. One transform at a time per DuckEngine (the TEMP names are fixed). Recording
 * the run, validating and versioning the dataset belong to the runner.
 */
import { KilnError } from '../../core/errors.js';
import { type DuckEngine, quoteIdent } from '../../store/duckdb/duck-engine.js';
import { type LoadedSource, loadSource } from '../sources/index.js';
import { runStep, SPLIT_COLUMN, type StepColumn } from '../steps/index.js';
import type { PipelineSpec, StepKind } from './spec-types.js';

export interface TransformOptions {
  /** Folder relative source paths resolve against: the spec file's folder. */
  readonly baseDir: string;
  /** `data.roots` when the pipeline runs through the API; every source file must resolve inside. */
  readonly allowedRoots?: readonly string[];
  /** Environment for `url_env`; default: empty (library code does not read `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Called before each source, each step and the output: `stage` is source | step | output. */
  readonly onProgress?: (p: { stage: string; index: number; total: number }) => void;
  /** Name of the output table in DuckDB's `main` schema; default: the spec's name. */
  readonly outputTable?: string;
}

export interface TransformOutput {
  /** The output table, in DuckDB's `main` schema. */
  readonly table: string;
  readonly rowCount: number;
  readonly columns: readonly StepColumn[];
  readonly sources: readonly LoadedSource[];
  /** One entry per step: its fitted parameters (null for stateless steps) and rows out. */
  readonly steps: readonly { index: number; kind: StepKind; params: unknown; rowCount: number }[];
}

const INPUT_VIEW = 'input';

export async function runPipelineTransform(
  duck: DuckEngine,
  spec: PipelineSpec,
  options: TransformOptions,
): Promise<TransformOutput> {
  const progress = options.onProgress ?? (() => {});
  const sourceNames = Object.keys(spec.sources);
  const created: string[] = [];
  try {
    const sources: LoadedSource[] = [];
    for (const [i, name] of sourceNames.entries()) {
      progress({ stage: 'source', index: i, total: sourceNames.length });
      await dropTemp(duck, name); // a leftover from an earlier, killed transform
      sources.push(
        await loadSource(
          {
            duck,
            baseDir: options.baseDir,
            env: options.env ?? {},
            ...(options.allowedRoots ? { allowedRoots: options.allowedRoots } : {}),
          },
          name,
          spec.sources[name],
        ),
      );
      created.push(name);
    }
    // with several sources the parser guarantees the first step is sql
    let current = sourceNames[0];
    let splitRan = false;
    const steps: TransformOutput['steps'][number][] = [];
    for (const [index, step] of spec.steps.entries()) {
      progress({ stage: 'step', index, total: spec.steps.length });
      const columns = await describeTemp(duck, current);
      await duck.run(
        `CREATE OR REPLACE TEMP VIEW ${quoteIdent(INPUT_VIEW)} AS SELECT * FROM temp.${quoteIdent(current)}`,
      );
      const output = `__kiln_step_${index}`;
      await dropTemp(duck, output);
      const params = await runStep(
        {
          duck,
          index,
          where: `${step.location.file}:${step.location.line} steps[${index}].${step.kind}`,
          input: current,
          output,
          columns,
          sources: sourceNames,
          fitFilter:
            splitRan && columns.some((c) => c.name === SPLIT_COLUMN)
              ? `${quoteIdent(SPLIT_COLUMN)} = 'train'`
              : null,
        },
        step,
      );
      created.push(output);
      if (!sourceNames.includes(current)) await dropTemp(duck, current);
      current = output;
      if (step.kind === 'split') splitRan = true;
      steps.push({ index, kind: step.kind, params, rowCount: await countTemp(duck, output) });
    }
    progress({ stage: 'output', index: 0, total: 1 });
    const table = options.outputTable ?? spec.name;
    await duck.run(
      `CREATE OR REPLACE TABLE main.${quoteIdent(table)} AS SELECT * FROM temp.${quoteIdent(current)}`,
    );
    await dropAll(duck, created);
    const described = await duck.query(`DESCRIBE main.${quoteIdent(table)}`);
    const count = await duck.query(`SELECT count(*) AS n FROM main.${quoteIdent(table)}`);
    return {
      table,
      rowCount: Number(count.rows[0].n),
      columns: described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
      sources,
      steps,
    };
  } catch (e) {
    await dropAll(duck, created).catch(() => {});
    throw e instanceof KilnError
      ? e
      : new KilnError('STEP_FAILED', (e as Error).message ?? String(e), {}, { cause: e });
  }
}

async function describeTemp(duck: DuckEngine, table: string): Promise<StepColumn[]> {
  const r = await duck.query(`DESCRIBE temp.${quoteIdent(table)}`);
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

async function countTemp(duck: DuckEngine, table: string): Promise<number> {
  const r = await duck.query(`SELECT count(*) AS n FROM temp.${quoteIdent(table)}`);
  return Number(r.rows[0].n);
}

async function dropTemp(duck: DuckEngine, table: string): Promise<void> {
  await duck.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`);
}

async function dropAll(duck: DuckEngine, tables: readonly string[]): Promise<void> {
  await duck.run(`DROP VIEW IF EXISTS temp.${quoteIdent(INPUT_VIEW)}`);
  for (const t of tables) await dropTemp(duck, t);
}
