// The runtime limit of the serving benchmark: onnxruntime-node `session.run` called in-process,
// sequentially (one run at a time, awaited), on one session with the same options Kiln gives its
// sessions (intraOpNumThreads 1 unless --intra, interOpNumThreads 1, executionMode sequential).
// The input tensor is built once and reused: this measures the runtime only, no JSON, no HTTP.
//
//   node bench/serve/ort-raw.mjs --model test/fixtures/models/mlp_small.onnx --input x \
//     --features 30 [--batches 1,64] [--seconds 1] [--reps 5] [--intra 1]
//
// Prints one JSON line per (repetition, batch): {model, batch, rep, runs, runs_per_s, rows_per_s,
// p50_us, p99_us}. The repetitions alternate the batch sizes.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string' },
    input: { type: 'string', default: 'x' },
    features: { type: 'string' },
    batches: { type: 'string', default: '1,64' },
    seconds: { type: 'string', default: '1' },
    reps: { type: 'string', default: '5' },
    intra: { type: 'string', default: '1' },
  },
});
const features = Number(a.features);
const batches = a.batches.split(',').map(Number);
const seconds = Number(a.seconds);
const reps = Number(a.reps);

const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(a.model)), {
  intraOpNumThreads: Number(a.intra),
  interOpNumThreads: 1,
  executionMode: 'sequential',
});
// Deterministic pseudo-random inputs in [-1, 1).
let seed = 12345;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x40000000 - 1;
};
const feeds = new Map(
  batches.map((b) => {
    const data = new Float32Array(b * features);
    for (let i = 0; i < data.length; i++) data[i] = rand();
    return [b, { [a.input]: new ort.Tensor('float32', data, [b, features]) }];
  }),
);
// Warm-up: first runs allocate and pick kernels.
for (const b of batches) for (let i = 0; i < 20; i++) await session.run(feeds.get(b));

for (let rep = 0; rep < reps; rep++) {
  for (const b of batches) {
    const f = feeds.get(b);
    const times = [];
    const start = process.hrtime.bigint();
    const until = start + BigInt(Math.round(seconds * 1e9));
    let now = start;
    while (now < until) {
      const t0 = now;
      await session.run(f);
      now = process.hrtime.bigint();
      times.push(Number(now - t0) / 1000);
    }
    const elapsed = Number(now - start) / 1e9;
    times.sort((x, y) => x - y);
    const pct = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
    process.stdout.write(
      `${JSON.stringify({
        model: basename(a.model),
        batch: b,
        rep,
        runs: times.length,
        runs_per_s: times.length / elapsed,
        rows_per_s: (times.length * b) / elapsed,
        p50_us: pct(50),
        p99_us: pct(99),
        intra: Number(a.intra),
      })}\n`,
    );
  }
}
await session.release();
