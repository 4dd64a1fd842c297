// --diagnose: variants of Kiln's own generated scan query (from the validator's compileSuite/scanSql),
// each run on its own like the limit, to split the validator's time into its parts:
//
//   scan        the scan query exactly as validateRelation runs it (no DESCRIBE, compile or results)
//   no_rownum   the same without the `row_number() OVER ()` subquery fromSql() adds whenever a window
//               is used (only increasing/decreasing read it; this suite has neither)
//   no_windows  the scan of the 18 expectations that need no window (without the two uniqueness ones)
//
// These read the compiled dist/ internals (expectations/plan.js); they are measurements, not features.

const ROW_NUMBER =
  /\(SELECT \*, row_number\(\) OVER \(\) AS "?__kiln_row"? FROM ("data")\) AS __kiln_ordered/;

/** The diagnostic queries for `suite` over the view `data` with the given columns. */
export function diagnosticQueries(plan, suite, columns) {
  const p = plan.compileSuite(suite, 'data', columns, {
    resultFormat: 'SUMMARY',
    partialLimit: 20,
    keyColumns: [],
  });
  const queried = p.entries.filter((e) => e.compiled && e.compiled.kind !== 'static');
  const scan = plan.scanSql(p, queried);
  const queries = [{ id: 'scan', label: "diagnostic: Kiln's scan SQL alone", sql: scan }];
  if (ROW_NUMBER.test(scan)) {
    queries.push({
      id: 'no_rownum',
      label: 'diagnostic: … without row_number() OVER ()',
      sql: scan.replace(ROW_NUMBER, '$1'),
    });
  }
  const unwindowed = queried.filter((e) => e.windows.size === 0);
  if (unwindowed.length < queried.length) {
    queries.push({
      id: 'no_windows',
      label: `diagnostic: … without the ${queried.length - unwindowed.length} window expectations`,
      sql: plan.scanSql(p, unwindowed),
    });
  }
  return queries;
}
