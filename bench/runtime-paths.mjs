// Compares the model runtime's execution paths (inline vs worker pools) on the fixture models and
// prints Markdown tables for docs/model-runtime.md. Runs the compiled code, so build first:
//
//   npm run build && node bench/runtime-paths.mjs [--quick]
//
// The measuring logic lives in src/serve/onnx/runtime-path-bench.ts (type-checked with the sources);
// this file only picks the cases and prints.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { benchRuntimePaths } from '../dist/serve/onnx/runtime-path-bench.js';

const quick = process.argv.includes('--quick');
const read = (path) => new Uint8Array(readFileSync(new URL(`../${path}`, import.meta.url)));
const mlp = read('test/fixtures/models/mlp_small.onnx');
const fraud = read('examples/fraud/model.onnx');
const mlpCase = (batchSize) => ({ model: 'mlp_small', bytes: mlp, batchSize });
const paths = [
  { model: 'fraud', bytes: fraud, batchSize: 1 },
  { model: 'fraud', bytes: fraud, batchSize: 64 },
  ...[1, 64, 1024, 4096, 16384].map(mlpCase),
];
const timing = quick ? { latencyRuns: 300, throughputMs: 300 } : { latencyRuns: 2000, throughputMs: 1500 };

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
function print(title, results) {
  console.log(`\n${title}\n`);
  console.log('| model | batch | path | intra | p50 µs | p99 µs | runs/s | rows/s | main thread busy |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.model} | ${r.batchSize} | ${r.path} | ${r.intraOpNumThreads} | ${fmt(r.p50Micros, 1)} | ` +
        `${fmt(r.p99Micros, 1)} | ${fmt(r.runsPerSec)} | ${fmt(r.rowsPerSec)} | ${fmt(r.mainThreadBusy * 100)} % |`,
    );
  }
}

console.log(`Node ${process.version}, ${availableParallelism()} cores; throughput with 8 runs in flight.`);
print('Execution paths (intraOpNumThreads = 1)', await benchRuntimePaths(paths, timing));
print(
  'Intra-op threads (inline)',
  await benchRuntimePaths([64, 1024, 4096, 16384].map(mlpCase), {
    ...timing,
    workerCounts: [0],
    intraOpNumThreads: 2,
  }),
);
