// REST load generator of the serving benchmark: autocannon, run programmatically in ITS OWN process
// (run.mjs spawns one per measurement, never in the server's process).
//
//   node bench/serve/http-load.mjs --url http://127.0.0.1:18080/v2/models/small/infer \
//     --body-file body.json [--header 'authorization: Bearer …'] --connections 16 \
//     --duration 3 [--warmup 0.5]
//
// Each of `connections` keep-alive connections sends one POST at a time (no pipelining), for
// warmup + duration seconds. Only responses that arrive after the warm-up are counted. Latency is
// recorded per response from autocannon's 'response' event (sub-millisecond; autocannon's own
// histogram rounds to whole milliseconds). Prints ONE JSON line on stdout:
//   {rps, requests, p50_ms, p90_ms, p99_ms, max_ms, mean_ms, errors, non2xx, timeouts,
//    elapsed_s, loadgen_cpu_s}
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    'body-file': { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    connections: { type: 'string', default: '1' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '0.5' },
    timeout: { type: 'string', default: '10' },
  },
});
if (!a.url || !/^http:\/\/127\.0\.0\.1:\d+\//.test(a.url)) {
  console.error('http-load: --url must be http://127.0.0.1:<port>/…');
  process.exit(2);
}
const body = a['body-file'] ? readFileSync(a['body-file']) : undefined;
const headers = { 'content-type': 'application/json' };
for (const h of a.header) {
  const i = h.indexOf(':');
  headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
}
const connections = Number(a.connections);
const duration = Number(a.duration);
const warmup = Number(a.warmup);

// Latencies of counted responses, in ms (grown as needed).
let lat = new Float64Array(1 << 16);
let n = 0;
let non2xx = 0;
let counting = false;
let countStart = 0n;
let countEnd = 0n;
const cpu0 = process.cpuUsage();

const instance = autocannon({
  url: a.url,
  method: body ? 'POST' : 'GET',
  headers,
  ...(body ? { body } : {}),
  connections,
  pipelining: 1,
  // autocannon counts its duration in whole seconds; the run is stopped right after the counted
  // window instead (below), and this is only the outer bound.
  duration: Math.ceil(warmup + duration) + 5,
  timeout: Number(a.timeout),
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (!counting) return;
  if (statusCode < 200 || statusCode > 299) {
    non2xx++;
    return;
  }
  if (n === lat.length) {
    const bigger = new Float64Array(lat.length * 2);
    bigger.set(lat);
    lat = bigger;
  }
  lat[n++] = responseTime;
});
const warm = setTimeout(() => {
  counting = true;
  countStart = process.hrtime.bigint();
}, warmup * 1000);
const end = setTimeout(
  () => {
    counting = false;
    countEnd = process.hrtime.bigint();
    instance.stop();
  },
  (warmup + duration) * 1000,
);
let errors = 0;
instance.on('reqError', () => {
  if (counting) errors++;
});
const result = await instance;
clearTimeout(warm);
clearTimeout(end);
if (countEnd === 0n) countEnd = process.hrtime.bigint();
const timeouts = result.timeouts ?? 0;
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
    non2xx,
    timeouts,
    elapsed_s: elapsed,
    connections,
    loadgen_cpu_s: (cpu.user + cpu.system) / 1e6,
    // This process's whole CPU time, start-up included (run.mjs subtracts it from the machine's).
    loadgen_total_cpu_s: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  })}\n`,
);
