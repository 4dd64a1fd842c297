// One measured Kiln run, in its own process so its peak RSS is its own:
//   node bench/drift/kiln_drift_child.mjs <exact|sketch|load-only> <reference> <current>
// Prints one JSON line: wall seconds (compareSides from load to report), peak RSS, the report's columns.
import { resolve } from 'node:path';

const [mode, reference, current] = process.argv.slice(2);
const dist = resolve(import.meta.dirname, '../../dist');
const started = performance.now();
let out;
if (mode === 'load-only') {
  // The floor: DuckDB reads the same columns into typed arrays (no statistics), as compareSides does.
  const { DuckEngine } = await import(`${dist}/store/duckdb/duck-engine.js`);
  const { loadColumns, describeRelation } = await import(`${dist}/monitor/drift-input/load-columns.js`);
  const { relationFor } = await import(`${dist}/monitor/drift-input/resolve-side.js`);
  const { isNumericType } = await import(`${dist}/monitor/drift-input/column-plan.js`);
  const duck = await DuckEngine.open();
  let rows = 0;
  for (const file of [reference, current]) {
    const rel = relationFor(resolve(file), 'parquet');
    const schema = await describeRelation(duck, rel, 'side');
    const side = await loadColumns(
      duck,
      rel,
      schema.map((c) => ({ name: c.name, kind: isNumericType(c.type) ? 'numeric' : 'categorical' })),
      'side',
    );
    rows += side.rows;
  }
  duck.close();
  out = { rows };
} else {
  const { compareSides } = await import(`${dist}/monitor/drift-compare.js`);
  const report = await compareSides(reference, current, { mode });
  out = {
    dataset_drift: report.dataset_drift,
    drifted_columns: report.number_of_drifted_columns,
    columns: report.columns.map((c) => ({
      column: c.column,
      test: c.test,
      statistic: c.statistic,
      drifted: c.drifted,
      all: c.all,
    })),
  };
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, max_rss_mb: process.resourceUsage().maxRSS / 1024, ...out }));
