/**
 * @module validate/validator
 * Validates a DuckDB table or view against an expectation suite and returns a GX-shaped
 * {@link ValidationResult}. The suite is compiled (see `expectations/plan.ts`) so that every aggregate,
 * every row-wise count and every pair/compound/uniqueness count is computed in ONE query over the
 * relation. Extra queries run only for failing row-wise expectations at BASIC and above (their
 * unexpected values and keys), for uniqueness expectations whose keys repeat (one grouped query
 * counts the rows of repeated keys for all of them), and — when the scan itself fails, e.g. because a kwarg cannot be cast
 * to its column's type — to isolate the failing expectations so that the others still evaluate.
 *
 * `meta.queries` counts the queries that read the relation; `meta.catalog_queries` counts the schema
 * lookup (`DESCRIBE`) that precedes compilation and reads no rows.
 */
import { performance } from 'node:perf_hooks';
import { invalid, KilnError, toKilnError } from '../core/errors.js';
import type { DuckEngine } from '../store/duckdb/duck-engine.js';
import { fetchUnexpected } from './expectations/details.js';
import {
  compileSuite,
  duplicateKeysOf,
  duplicatesSql,
  type PlanEntry,
  resolveColumn,
  type ScanPlan,
  scanSql,
} from './expectations/plan.js';
import { exceptionResult, jsonValue, mapResult, observedResult } from './expectations/results.js';
import type { ColumnInfo } from './expectations/types.js';
import { checkSuite, checkSuiteRegexes } from './suite-file.js';
import type { ExpectationResult, ExpectationSuite, ResultFormat, ValidationResult } from './suite-types.js';

export interface ValidateOptions {
  /** Detail level for every expectation without its own `result_format` kwarg; default SUMMARY. */
  readonly resultFormat?: ResultFormat;
  /** Columns that identify a row, reported for failing rows (GX `unexpected_index_column_names`). */
  readonly keyColumns?: readonly string[];
  /** What was validated, for `meta.data` (a file, `dataset@3`); default: the relation name. */
  readonly dataLabel?: string;
  /** How many unexpected values the partial lists hold (GX `partial_unexpected_count`); default 20. */
  readonly partialLimit?: number;
}

const RESULT_FORMATS: readonly ResultFormat[] = ['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE'];

type Row = Readonly<Record<string, unknown>>;

/** A DuckEngine whose queries are counted. */
class CountingQueries {
  count = 0;
  constructor(private readonly duck: DuckEngine) {}
  query(sql: string) {
    this.count++;
    return this.duck.query(sql);
  }
}

/** Names the code of a DuckDB error met while evaluating one expectation. */
function evaluationError(e: unknown): KilnError {
  if (e instanceof KilnError) return e;
  const message = (e as Error).message?.split('\n')[0] ?? String(e);
  const code = /^Conversion Error|Could not convert|explicit cast|Cannot compare/i.test(message)
    ? 'CAST_FAILED'
    : /^Binder Error|No function matches/i.test(message)
      ? 'INVALID_ARGUMENT'
      : 'INTERNAL';
  return new KilnError(code, `DuckDB could not evaluate the expectation: ${message}`, {}, { cause: e });
}

/**
 * Runs the one scan. When DuckDB refuses it, first checks the suite's regexes (a bad one is the
 * suite's fault: SUITE_INVALID), then evaluates each expectation on its own to find the ones at
 * fault, which fail with exception_info while the others get their results.
 */
async function runScan(db: CountingQueries, plan: ScanPlan, suite: ExpectationSuite): Promise<Row> {
  const queried = plan.entries.filter((e) => e.compiled && e.compiled.kind !== 'static');
  const row = await scanAll(db, plan, suite, queried);
  return countDuplicates(db, plan, queried, row);
}

/**
 * Fills `e<i>_u` of every uniqueness expectation: 0 where the scan found as many distinct keys as
 * rows, else from one grouped query for all of those that have repeats.
 */
async function countDuplicates(
  db: CountingQueries,
  plan: ScanPlan,
  queried: readonly PlanEntry[],
  row: Row,
): Promise<Row> {
  const filled: Record<string, unknown> = { ...row };
  const repeated: PlanEntry[] = [];
  for (const entry of queried) {
    if (entry.error || duplicateKeysOf(entry) === undefined) continue;
    const i = entry.index;
    if (Number(row[`e${i}_distinct`]) < Number(row[`e${i}_n`])) repeated.push(entry);
    else filled[`e${i}_u`] = 0;
  }
  if (repeated.length === 0) return filled;
  try {
    Object.assign(filled, (await db.query(duplicatesSql(plan, repeated))).rows[0]);
    for (const entry of repeated) filled[`e${entry.index}_u`] = filled[`u${entry.index}`];
  } catch (e) {
    for (const entry of repeated) entry.error = evaluationError(e);
  }
  return filled;
}

async function scanAll(
  db: CountingQueries,
  plan: ScanPlan,
  suite: ExpectationSuite,
  queried: readonly PlanEntry[],
): Promise<Row> {
  try {
    return (await db.query(scanSql(plan, queried))).rows[0] ?? {};
  } catch {
    await checkSuiteRegexes(db, suite);
  }
  const merged: Record<string, unknown> = {};
  try {
    // If even a bare count fails, the relation itself is at fault, not an expectation.
    Object.assign(merged, (await db.query(scanSql(plan, []))).rows[0]);
  } catch (e) {
    throw new KilnError(
      'SOURCE_UNREADABLE',
      `DuckDB could not read ${plan.relation}: ${(e as Error).message}`,
      {
        relation: plan.relation,
      },
    );
  }
  for (const entry of queried) {
    try {
      Object.assign(merged, (await db.query(scanSql(plan, [entry]))).rows[0]);
    } catch (e) {
      entry.error = evaluationError(e);
    }
  }
  return merged;
}

function resultOf(entry: PlanEntry, row: Row, rowCount: number): ExpectationResult {
  const compiled = entry.compiled;
  if (entry.error || !compiled) return exceptionResult(entry);
  const i = entry.index;
  switch (compiled.kind) {
    case 'static':
      return observedResult(entry, compiled.success, compiled.observed_value, compiled.details);
    case 'map':
      return mapResult(entry, {
        elementCount: rowCount,
        domainCount: Number(row[`e${i}_n`]),
        unexpectedCount: Number(row[`e${i}_u`]),
      });
    case 'aggregate': {
      const names = Object.keys(compiled.details ?? {});
      const details = Object.fromEntries(names.map((name, k) => [name, jsonValue(row[`e${i}_d${k}`])]));
      const observed = jsonValue(row[`e${i}_obs`]);
      const finished = compiled.finish
        ? compiled.finish(observed, details)
        : { observed_value: observed, details: names.length > 0 ? details : undefined };
      return observedResult(entry, row[`e${i}_ok`] === true, finished.observed_value, finished.details);
    }
  }
}

function checkOptions(options: ValidateOptions): void {
  if (options.resultFormat !== undefined && !RESULT_FORMATS.includes(options.resultFormat)) {
    throw invalid('resultFormat', RESULT_FORMATS.join(', '), options.resultFormat);
  }
  const limit = options.partialLimit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw invalid('partialLimit', 'a whole number ≥ 0', limit);
  }
}

async function describeRelation(duck: DuckEngine, relation: string): Promise<ColumnInfo[]> {
  try {
    return await duck.describe(relation);
  } catch (e) {
    throw new KilnError(
      'SOURCE_NOT_FOUND',
      `no table or view "${relation}" to validate: ${(e as Error).message}`,
      {
        relation,
      },
    );
  }
}

/**
 * Validates `relation` (a table or view of `duck`, named as one identifier) against `suite`.
 * Never throws for data that fails: failures are in the result. Throws `SUITE_INVALID` for a suite
 * that breaks the catalogue's rules (including a regex RE2 cannot compile), `SOURCE_NOT_FOUND` when
 * the relation does not exist, `COLUMN_NOT_FOUND` for an unknown key column and `INVALID_ARGUMENT`
 * for bad options.
 */
export async function validateRelation(
  duck: DuckEngine,
  relation: string,
  suite: ExpectationSuite,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  checkOptions(options);
  checkSuite(suite);
  const started = performance.now();
  const runTime = new Date().toISOString();
  const columns = await describeRelation(duck, relation);
  const keyColumns = options.keyColumns ?? [];
  for (const key of keyColumns) resolveColumn(columns, key, relation);

  const plan = compileSuite(suite, relation, columns, {
    resultFormat: options.resultFormat ?? 'SUMMARY',
    partialLimit: options.partialLimit ?? 20,
    keyColumns,
  });
  const db = new CountingQueries(duck);
  const row = await runScan(db, plan, suite);
  const rowCount = Number(row.row_count ?? 0);

  const results: ExpectationResult[] = [];
  for (const entry of plan.entries) {
    let result = resultOf(entry, row, rowCount);
    const compiled = entry.compiled;
    const unexpected = (result.result.unexpected_count ?? 0) > 0;
    if (!result.success && unexpected && compiled?.kind === 'map' && entry.format.rank >= 1) {
      try {
        const lists = await fetchUnexpected(db, plan, entry, compiled);
        result = { ...result, result: { ...result.result, ...lists } };
      } catch (e) {
        entry.error = toKilnError(e);
        result = exceptionResult(entry);
      }
    }
    results.push(result);
  }

  const successful = results.filter((r) => r.success).length;
  return {
    success: successful === results.length,
    suite_name: suite.name,
    results,
    statistics: {
      evaluated_expectations: results.length,
      successful_expectations: successful,
      unsuccessful_expectations: results.length - successful,
      success_percent: results.length > 0 ? (successful / results.length) * 100 : null,
    },
    meta: {
      data: options.dataLabel ?? relation,
      row_count: rowCount,
      run_time: runTime,
      queries: db.count,
      catalog_queries: 1,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    },
  };
}
