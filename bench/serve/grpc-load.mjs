// gRPC load generator of the serving benchmark, run in ITS OWN process (never in the server's):
// `inference.GRPCInferenceService/ModelInfer` unary calls over @grpc/grpc-js, from the proto Kiln
// serves (dist/server/grpc/grpc_predict_v2.proto, copied there from src/ by the build).
//
//   node bench/serve/grpc-load.mjs --target 127.0.0.1:18083 --model small --input x \
//     --features 30 --token kiln_… --concurrency 16 --duration 3 [--warmup 0.5] [--channels 1]
//
// One row per request: FP32 input [1, features] in typed `contents.fp32_contents` (the same 30
// values as the REST body when --data-file is given). `concurrency` independent loops each keep
// one unary call in flight (a new call as soon as the previous answers), multiplexed as HTTP/2
// streams over `channels` connections (default 1, what a gRPC client normally holds). The request
// message is serialised once and its bytes reused; responses are not decoded during the load (the
// first is, to check it carries an FP32 output of the expected shape). Bounded in time: loops stop
// issuing calls at warmup + duration, and every call has a 10 s deadline.
//
// Prints ONE JSON line on stdout, like http-load.mjs: {rps, requests, p50_ms, p90_ms, p99_ms,
// max_ms, mean_ms, errors, error_codes, elapsed_s, loadgen_cpu_s, …}. Exit code 3 when the server
// cannot be reached or the first call fails (the message is on stderr and in the JSON's `error`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const { values: a } = parseArgs({
  options: {
    target: { type: 'string' },
    model: { type: 'string' },
    input: { type: 'string', default: 'x' },
    features: { type: 'string', default: '30' },
    'data-file': { type: 'string' },
    token: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '0.5' },
    channels: { type: 'string', default: '1' },
    proto: {
      type: 'string',
      default: fileURLToPath(new URL('../../dist/server/grpc/grpc_predict_v2.proto', import.meta.url)),
    },
  },
});
if (!a.target || !/^127\.0\.0\.1:\d+$/.test(a.target)) {
  console.error('grpc-load: --target must be 127.0.0.1:<port>');
  process.exit(2);
}
const concurrency = Number(a.concurrency);
const duration = Number(a.duration);
const warmup = Number(a.warmup);
const features = Number(a.features);
const CALL_DEADLINE_MS = 10_000;

const definition = loadSync(a.proto, {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const method = definition['inference.GRPCInferenceService'].ModelInfer;
const path = method.path; // /inference.GRPCInferenceService/ModelInfer

const data = a['data-file']
  ? JSON.parse(readFileSync(a['data-file'], 'utf8')).inputs[0].data
  : Array.from({ length: features }, (_, i) => Math.sin(i));
if (data.length !== features) {
  console.error(`grpc-load: ${data.length} values for ${features} features`);
  process.exit(2);
}
const requestBytes = method.requestSerialize({
  model_name: a.model,
  inputs: [
    {
      name: a.input,
      datatype: 'FP32',
      shape: ['1', String(features)],
      contents: { fp32_contents: data },
    },
  ],
});
const metadata = new Metadata();
if (a.token) metadata.set('authorization', `Bearer ${a.token}`);

const identity = (b) => b;
const clients = Array.from(
  { length: Number(a.channels) },
  (_, i) =>
    // A distinct channel option per client keeps grpc-js from sharing one subchannel (connection).
    new Client(a.target, credentials.createInsecure(), { 'kiln.bench.channel': i }),
);

function call(client, decode) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    client.makeUnaryRequest(
      path,
      identity,
      decode ? method.responseDeserialize : identity,
      requestBytes,
      metadata,
      { deadline: Date.now() + CALL_DEADLINE_MS },
      (err, res) => resolve({ err, res, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
    );
  });
}

function fail(message) {
  console.error(`grpc-load: ${message}`);
  process.stdout.write(`${JSON.stringify({ error: message })}\n`);
  for (const c of clients) c.close();
  process.exit(3);
}

// First call: reachable, authorised, and the answer has the expected shape.
const first = await call(clients[0], true);
if (first.err) fail(`first ModelInfer failed: ${first.err.code} ${first.err.details ?? first.err.message}`);
const out = first.res.outputs?.[0];
const rawOut = first.res.raw_output_contents?.[0];
const values = out?.contents?.fp32_contents?.length || (rawOut ? rawOut.length / 4 : 0);
if (!out || out.datatype !== 'FP32' || values !== 1) {
  fail(`unexpected first response: ${JSON.stringify(first.res).slice(0, 300)}`);
}
const sample = out.contents?.fp32_contents?.[0] ?? rawOut?.readFloatLE(0);

let lat = new Float64Array(1 << 16);
let n = 0;
let errors = 0;
const errorCodes = {};
let counting = false;
let stopped = false;
const cpu0 = process.cpuUsage();
let countStart = 0n;
let countEnd = 0n;
setTimeout(() => {
  counting = true;
  countStart = process.hrtime.bigint();
}, warmup * 1000);
setTimeout(
  () => {
    counting = false;
    stopped = true;
    countEnd = process.hrtime.bigint();
  },
  (warmup + duration) * 1000,
);

async function loop(client) {
  while (!stopped) {
    const r = await call(client, false);
    if (!counting) continue; // answers that arrive inside the window count (as in http-load.mjs)
    if (r.err) {
      errors++;
      errorCodes[r.err.code] = (errorCodes[r.err.code] ?? 0) + 1;
      continue;
    }
    if (n === lat.length) {
      const bigger = new Float64Array(lat.length * 2);
      bigger.set(lat);
      lat = bigger;
    }
    lat[n++] = r.ms;
  }
}
await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(clients[i % clients.length])));
for (const c of clients) c.close();
const elapsed = Number(countEnd - countStart) / 1e9;
const sorted = lat.subarray(0, n).sort();
const pct = (p) => (n ? sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] : null);
let sum = 0;
for (let i = 0; i < n; i++) sum += sorted[i];
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    rps: n / elapsed,
    requests: n,
    p50_ms: pct(50),
    p90_ms: pct(90),
    p99_ms: pct(99),
    max_ms: n ? sorted[n - 1] : null,
    mean_ms: n ? sum / n : null,
    errors,
    error_codes: errorCodes,
    elapsed_s: elapsed,
    concurrency,
    channels: clients.length,
    first_output: sample,
    loadgen_cpu_s: (cpu.user + cpu.system) / 1e6,
    // This process's whole CPU time, start-up included (run.mjs subtracts it from the machine's).
    loadgen_total_cpu_s: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  })}\n`,
);
process.exit(0);
