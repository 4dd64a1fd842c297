/**
 * @module validate/quarantine
 * `on_fail: quarantine`: the rows that break any failed row-wise expectation are moved to a
 * quarantine table, the others continue. Only row-wise ("map") expectations name rows; when a
 * table-level or aggregate expectation failed, no set of rows can be said to be at fault, and the
 * caller must block instead ({@link QuarantineSplit.blockingFailures} lists them).
 */
import { KilnError } from '../core/errors.js';
import { type DuckEngine, quoteIdent } from '../store/duckdb/duck-engine.js';
import { whereSql } from './expectations/details.js';
import { compileSuite, fromSql, ROW_ORDINAL } from './expectations/plan.js';
import type { ExpectationSuite, ValidationResult } from './suite-types.js';

export interface QuarantineSplit {
  /** Rows that pass every row-wise expectation (a new table). */
  readonly passingTable: string;
  readonly passingRows: number;
  /** Rows that break at least one failed row-wise expectation (a new table). */
  readonly failingTable: string;
  readonly failingRows: number;
  /** The row-wise expectations whose failing rows were moved, as `type(column)`. */
  readonly quarantined: readonly string[];
  /** Failed expectations that are not row-wise (the data cannot be repaired by removing rows). */
  readonly blockingFailures: readonly string[];
}

/**
 * Splits `relation` by the failed row-wise expectations of `result` (the validation of this
 * relation by this suite) into two new tables `<relation>__passing` and `<relation>__quarantine`.
 */
export async function splitFailingRows(
  duck: DuckEngine,
  relation: string,
  suite: ExpectationSuite,
  result: ValidationResult,
): Promise<QuarantineSplit> {
  if (result.results.length !== suite.expectations.length) {
    throw new KilnError('INTERNAL', 'the validation result does not belong to this suite');
  }
  const columns = await duck.describe(relation);
  const plan = compileSuite(suite, relation, columns, {
    resultFormat: 'BOOLEAN_ONLY',
    partialLimit: 0,
    keyColumns: [],
  });
  const predicates: string[] = [];
  const windows = new Set<string>();
  const quarantined: string[] = [];
  const blockingFailures: string[] = [];
  plan.entries.forEach((entry, i) => {
    const r = result.results[i]!;
    if (r.success) return;
    const label = describe(entry.config.type, entry.config.kwargs);
    if (entry.compiled?.kind !== 'map' || r.exception_info?.raised_exception) {
      blockingFailures.push(label);
      return;
    }
    predicates.push(`(${whereSql(entry.compiled)})`);
    for (const w of entry.windows) windows.add(w);
    quarantined.push(label);
  });
  const failingTable = `${relation}__quarantine`;
  const passingTable = `${relation}__passing`;
  const bad = predicates.length > 0 ? predicates.join(' OR ') : 'FALSE';
  const helperColumns = windows.size > 0 ? [ROW_ORDINAL, ...windows] : [];
  const exclude =
    helperColumns.length > 0 ? ` EXCLUDE (${helperColumns.map((c) => quoteIdent(c)).join(', ')})` : '';
  const from = fromSql(plan, windows);
  // The flag is computed once per row, so both tables see the same verdict for window expectations.
  const flagged = `(SELECT *${exclude}, coalesce(${bad}, FALSE) AS __kiln_bad FROM ${from}) AS __kiln_flagged`;
  await duck.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(`${relation}__flagged`)} AS SELECT * FROM ${flagged}`,
  );
  try {
    const src = quoteIdent(`${relation}__flagged`);
    await duck.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(failingTable)} AS SELECT * EXCLUDE (__kiln_bad) FROM ${src} WHERE __kiln_bad`,
    );
    await duck.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(passingTable)} AS SELECT * EXCLUDE (__kiln_bad) FROM ${src} WHERE NOT __kiln_bad`,
    );
  } finally {
    await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(`${relation}__flagged`)}`);
  }
  const count = async (t: string) =>
    Number((await duck.query(`SELECT count(*) AS n FROM ${quoteIdent(t)}`)).rows[0]?.n ?? 0);
  return {
    passingTable,
    passingRows: await count(passingTable),
    failingTable,
    failingRows: await count(failingTable),
    quarantined,
    blockingFailures,
  };
}

function describe(type: string, kwargs: Readonly<Record<string, unknown>>): string {
  const col = kwargs.column ?? kwargs.column_list ?? kwargs.column_A;
  return col === undefined ? type : `${type}(${Array.isArray(col) ? col.join(',') : String(col)})`;
}
