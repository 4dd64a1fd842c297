// The serving benchmark: Kiln's REST and gRPC inference against its limits and its peer, in ONE run.
//
//   npm run bench:serve                      # = npm run build && node bench/serve/run.mjs
//   node bench/serve/run.mjs [--reps 5] [--duration 3] [--warmup 0.5] [--no-peer] [--no-grpc]
//                            [--big-grpc] [--no-install] [--cpu-prof] [--quick]
//
//   --quick     1 s measurements (a smoke run of the whole pipeline, not for numbers; its JSON goes
//               to bench/.cache/, not bench/results/)
//   --big-grpc  also measure gRPC on the compute-bound model (adds ~40 s)
//   --cpu-prof  run Kiln under `node --cpu-prof`; the profile lands in bench/.cache/profiles/
//   --diagnose  also measure Kiln configurations that isolate a cost (small MLP, REST): public
//               deployments (no token check) at c=64, and no queue delay at c=1 and c=64 (~+70 s)
//
// Never run in CI: it installs Debian packages, takes ~7–10 minutes and saturates the machine.
// Everything listens on 127.0.0.1 only, on free ports picked at start. What it compares, how, and
// the targets it checks are printed first (the workload statement) and described in
// bench/README.md. Results: a table and PASS/FAIL lines on stdout, one JSON line per comparison,
// and bench/results/serve-<date>-<commit>.json (raw samples included).
//
// Processes: this script (orchestrator) starts the Kiln server, the floor server (floor-server.mjs)
// and the peer (peer_server.py) once, then for every measurement spawns a load generator in its
// own process (http-load.mjs: autocannon; grpc-load.mjs: @grpc/grpc-js) and waits for its JSON
// line. Servers are stopped at the end, on error, and on Ctrl-C / SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CACHE = join(ROOT, 'bench', '.cache');
const RESULTS = join(ROOT, 'bench', 'results');
const PY = '/usr/bin/python3';
const KILN = join(ROOT, 'dist', 'cli', 'main.js');
const APT_PACKAGES = ['python3-fastapi', 'python3-uvicorn', 'python3-torch', 'python3-numpy', 'python3-onnx'];

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '0.5' },
    'no-peer': { type: 'boolean', default: false },
    'no-grpc': { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    'big-grpc': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const REPS = Math.max(1, Number(args.reps));
const DURATION = args.quick ? 1 : Number(args.duration);
const WARMUP = args.quick ? 0.3 : Number(args.warmup);
const WITH_PEER = !args['no-peer'];
const CONCURRENCY = [1, 16, 64];
const BIG_CONCURRENCY = 64;
const ORT_SECONDS = args.quick ? 0.3 : 0.5;

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: every child we start is stopped on the way out, whatever the way out is.
const children = new Set();
function track(child, name) {
  child.benchName = name;
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
async function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
async function stopAll() {
  // Under --cpu-prof Kiln writes its profile while exiting: give it time.
  await Promise.all([...children].map((c) => stopChild(c, args['cpu-prof'] ? 20_000 : 5000)));
}
process.on('exit', () => {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {}
  }
});
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${sig}: stopping the servers…`);
    await stopAll();
    process.exit(130);
  });
}

const log = (...m) => console.error('[bench]', ...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion; resolves with stdout; rejects with stderr on failure / timeout. */
function run(cmd, argv, { timeoutMs = 120_000, env = process.env, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, argv, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] }), cmd);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      err += `\n(killed after ${timeoutMs} ms)`;
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else {
        const e = new Error(`${cmd} ${argv.join(' ')} exited ${code ?? signal}: ${err.trim().slice(-2000)}`);
        e.stdout = out;
        e.code = code;
        reject(e);
      }
    });
    if (input) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Starts a long-lived server; resolves once `ready()` says so (polled), rejects if it exits first. */
async function startServer(name, cmd, argv, { env = process.env, ready, timeoutMs = 90_000 }) {
  const child = track(spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }), name);
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited during start-up:\n${output.slice(-3000)}`);
    try {
      if (await ready(output)) return { child, output: () => output };
    } catch {}
    await sleep(150);
  }
  await stopChild(child);
  throw new Error(`${name} not ready after ${timeoutMs} ms:\n${output.slice(-3000)}`);
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc: the server's CPU (all threads) and the whole machine's.
function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return null;
  }
}
function machineBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
}

// ---------------------------------------------------------------------------------------------
// Statistics
const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs.filter(Number.isFinite));
const max = (xs) => Math.max(...xs.filter(Number.isFinite));
const fmtN = (n, d = 0) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const fmtMs = (n) => (n === null || !Number.isFinite(n) ? '–' : n < 1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n.toFixed(1));

// ---------------------------------------------------------------------------------------------
function gitInfo() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD') ?? 'nocommit';
  const dirty = (git('status', '--porcelain') ?? '').length > 0;
  return { commit, dirty };
}

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Debian's Python packages: installed when missing (apt-get install -y …, apt-get update if needed). */
async function ensurePython() {
  const probe = 'import fastapi, uvicorn, torch, numpy, onnx; print(torch.__version__, fastapi.__version__, uvicorn.__version__, onnx.__version__)';
  try {
    return (await run(PY, ['-c', probe])).trim();
  } catch {}
  if (args['no-install']) throw new Error(`${PY} lacks ${APT_PACKAGES.join(' ')} and --no-install was given`);
  log(`installing the peer's Debian packages: apt-get install -y ${APT_PACKAGES.join(' ')}`);
  try {
    await run('apt-get', ['install', '-y', ...APT_PACKAGES], { timeoutMs: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (e) {
    log(`apt-get install failed (${e.message.split('\n').at(-1)}); running apt-get update first and retrying`);
    await run('apt-get', ['update'], { timeoutMs: 300_000 });
    await run('apt-get', ['install', '-y', ...APT_PACKAGES], { timeoutMs: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return (await run(PY, ['-c', probe])).trim();
}

// ---------------------------------------------------------------------------------------------
// Requests: the same bytes go to Kiln, the floor and the peer.
function features(n, salt) {
  // Deterministic values in [-1, 1], 6 decimals (what a client would send as JSON numbers).
  return Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 1.7 + salt) * 1e6) / 1e6);
}
function inferBody(n, salt) {
  return JSON.stringify({ inputs: [{ name: 'x', shape: [1, n], datatype: 'FP32', data: features(n, salt) }] });
}

async function post(url, body, token) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}: ${bytes.toString().slice(0, 300)}`);
  return bytes;
}
async function getJson(url, token) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const started = new Date();
  const loadavgStart = loadavg();
  const { commit, dirty } = gitInfo();
  const nproc = availableParallelism();
  mkdirSync(CACHE, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  if (!existsSync(KILN)) throw new Error(`${KILN} is missing: run "npm run build" first (npm run bench:serve does)`);

  // --- Python peer's packages and the models -----------------------------------------------------
  // make-models.py needs torch and onnx even without the peer, so this runs in every case.
  let pyVersions;
  try {
    pyVersions = await ensurePython();
  } catch (e) {
    throw new Error(`Debian's Python packages are missing and could not be installed: ${e.message.split('\n')[0]}`);
  }
  log('building the models (bench/serve/make-models.py)');
  const models = JSON.parse((await run(PY, [join(HERE, 'make-models.py'), '--out', CACHE])).trim().split('\n').at(-1));
  const smallOnnx = join(ROOT, 'test', 'fixtures', 'models', 'mlp_small.onnx');
  const bigOnnx = join(CACHE, 'mlp_big.onnx');

  const smallBody = inferBody(30, 0.3);
  const bigBody = inferBody(256, 0.7);
  const smallBodyFile = join(CACHE, 'body-small.json');
  const bigBodyFile = join(CACHE, 'body-big.json');
  writeFileSync(smallBodyFile, smallBody);
  writeFileSync(bigBodyFile, bigBody);

  // --- Kiln: workspace, models, deployments --------------------------------------------------------
  const ws = join(CACHE, 'kiln-ws');
  rmSync(ws, { recursive: true, force: true });
  const kilnEnv = { ...process.env, KILN_LOG_LEVEL: 'warn' };
  const kiln = (...a) => run(process.execPath, [KILN, '--workspace', ws, ...a], { env: kilnEnv });
  log('creating the Kiln workspace, registering the models and creating the deployments');
  await run(process.execPath, [KILN, 'init', ws], { env: kilnEnv });
  const token = JSON.parse(readFileSync(join(ws, '.kiln', 'credentials'), 'utf8')).token;
  await kiln('models', 'register', 'small', smallOnnx);
  await kiln('models', 'register', 'big', bigOnnx);
  const DEPLOYMENTS = {
    small_batch: ['small@1', '--max-batch-size', '64', '--max-queue-delay-us', '500'],
    small_nobatch: ['small@1', '--max-batch-size', '1'],
    big_batch: ['big@1', '--max-batch-size', '64', '--max-queue-delay-us', '500'],
    big_nobatch: ['big@1', '--max-batch-size', '1'],
    ...(args.diagnose
      ? {
          // Same as small_batch / small_nobatch but public: inference skips the token check.
          small_batch_public: ['small@1', '--max-batch-size', '64', '--max-queue-delay-us', '500', '--public'],
          small_nobatch_public: ['small@1', '--max-batch-size', '1', '--public'],
          // Batching without a queue delay: batches form only from what arrived while the model ran.
          small_batch_nodelay: ['small@1', '--max-batch-size', '64', '--max-queue-delay-us', '0'],
        }
      : {}),
  };
  for (const [name, [ref, ...settings]] of Object.entries(DEPLOYMENTS)) {
    await kiln('deploy', 'create', name, '--model', ref, ...settings);
  }

  // --- The runtime limit: raw onnxruntime-node, before any server runs ------------------------------
  log('raw onnxruntime-node session.run (ort-raw.mjs), batch 1 and 64, both models');
  const ortRaw = [];
  for (const [model, file, n] of [
    ['small', smallOnnx, 30],
    ['big', bigOnnx, 256],
  ]) {
    const out = await run(process.execPath, [
      join(HERE, 'ort-raw.mjs'),
      '--model',
      file,
      '--features',
      String(n),
      '--batches',
      '1,64',
      '--seconds',
      String(ORT_SECONDS),
      '--reps',
      String(REPS),
    ]);
    for (const line of out.trim().split('\n')) ortRaw.push({ ...JSON.parse(line), model });
  }

  // --- Servers ---------------------------------------------------------------------------------------
  const [kilnPort, kilnGrpcPort, floorPort, peerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const serveHelp = await run(process.execPath, [KILN, 'serve', '--help']);
  let grpcProblem = null;
  if (args['no-grpc']) grpcProblem = 'skipped (--no-grpc)';
  else if (!serveHelp.includes('--grpc-port')) grpcProblem = 'not available: `kiln serve` does not accept --grpc-port yet';
  const serveArgs = ['--workspace', ws, 'serve', '--host', '127.0.0.1', '--port', String(kilnPort)];
  // Always pin the gRPC port when the flag exists, so that no default port (8081) is taken.
  if (serveHelp.includes('--grpc-port')) serveArgs.push('--grpc-port', String(kilnGrpcPort));
  log(`starting Kiln (REST ${kilnPort}${serveHelp.includes('--grpc-port') ? `, gRPC ${kilnGrpcPort}` : ''})`);
  const profDir = join(CACHE, 'profiles');
  if (args['cpu-prof']) mkdirSync(profDir, { recursive: true });
  const nodeFlags = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const kilnServer = await startServer('kiln', process.execPath, [...nodeFlags, KILN, ...serveArgs], {
    env: kilnEnv,
    ready: async (out) => out.includes('Kiln is serving on'),
  });
  const kilnUrl = `http://127.0.0.1:${kilnPort}`;
  const kilnBanner = kilnServer.output().match(/Kiln is serving on[^\n]*/)?.[0] ?? '';

  // One real Kiln answer: the bytes the floor will return.
  const kilnSmall = await post(`${kilnUrl}/v2/models/small_nobatch/infer`, smallBody, token);
  const floorResponseFile = join(CACHE, 'floor-response.json');
  writeFileSync(floorResponseFile, kilnSmall);
  const kilnBig = await post(`${kilnUrl}/v2/models/big_nobatch/infer`, bigBody, token);
  const meta = await getJson(`${kilnUrl}/v2/models/small_nobatch`, token);

  log(`starting the floor (node:http, port ${floorPort})`);
  await startServer('floor', process.execPath, [join(HERE, 'floor-server.mjs'), '--port', String(floorPort), '--response-file', floorResponseFile], {
    ready: async (out) => out.includes('floor listening'),
  });
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  const floorAnswer = await post(`${floorUrl}/v2/models/small_nobatch/infer`, smallBody);
  if (!floorAnswer.equals(kilnSmall)) throw new Error('the floor does not return Kiln’s bytes');

  let peerUrl = null;
  let peerBanner = null;
  let peerCheck = null;
  if (WITH_PEER) {
    log(`starting the peer (FastAPI + uvicorn + PyTorch, port ${peerPort})`);
    const peer = await startServer(
      'peer',
      PY,
      [join(HERE, 'peer_server.py'), '--port', String(peerPort), '--model', `small=${join(CACHE, 'mlp_small.pt')}`, '--model', `big=${join(CACHE, 'mlp_big.pt')}`],
      { ready: async () => (await fetch(`http://127.0.0.1:${peerPort}/v2/health/ready`)).status === 200 },
    );
    peerUrl = `http://127.0.0.1:${peerPort}`;
    peerBanner = peer.output().match(/peer:[^\n]*/)?.[0] ?? null;
    // The peer serves the same models: same outputs as Kiln, to float precision.
    const ps = JSON.parse(await post(`${peerUrl}/v2/models/small/infer`, smallBody));
    const pb = JSON.parse(await post(`${peerUrl}/v2/models/big/infer`, bigBody));
    const ks = JSON.parse(kilnSmall).outputs[0].data[0];
    const kb = JSON.parse(kilnBig).outputs[0].data[0];
    peerCheck = {
      small: { kiln: ks, peer: ps.outputs[0].data[0], abs_diff: Math.abs(ks - ps.outputs[0].data[0]) },
      big: { kiln: kb, peer: pb.outputs[0].data[0], abs_diff: Math.abs(kb - pb.outputs[0].data[0]) },
    };
    if (peerCheck.small.abs_diff > 1e-5 || peerCheck.big.abs_diff > 1e-4)
      throw new Error(`the peer's outputs differ from Kiln's: ${JSON.stringify(peerCheck)}`);
  }

  // gRPC: reachable and answering? (grpc-load's first call checks auth and the output's shape.)
  const grpcTarget = `127.0.0.1:${kilnGrpcPort}`;
  if (!grpcProblem) {
    try {
      await run(process.execPath, [join(HERE, 'grpc-load.mjs'), '--target', grpcTarget, '--model', 'small_nobatch', '--features', '30', '--data-file', smallBodyFile, '--token', token, '--concurrency', '1', '--duration', '0.2', '--warmup', '0'], { timeoutMs: 30_000 });
    } catch (e) {
      grpcProblem = `not available: ${e.message.split('\n')[0].slice(0, 300)}`;
    }
  }
  if (grpcProblem) log(`gRPC ${grpcProblem}`);

  // --- Workload statement ------------------------------------------------------------------------------
  const workload = {
    models: {
      small: {
        file: 'test/fixtures/models/mlp_small.onnx',
        layers: 'FP32 x[batch,30] → Gemm 64 → ReLU → Gemm 32 → ReLU → Gemm 1 → Sigmoid → y[batch,1]',
        params: models.mlp_small.params,
        bytes: readFileSync(smallOnnx).length,
      },
      big: {
        file: 'bench/.cache/mlp_big.onnx (make-models.py, torch.manual_seed(0), opset 15)',
        layers: 'FP32 x[batch,256] → Linear 2048 → ReLU → Linear 2048 → ReLU → Linear 1 → Sigmoid → y[batch,1]',
        params: models.mlp_big.params,
        bytes: readFileSync(bigOnnx).length,
      },
    },
    request: {
      rows_per_request: 1,
      small_body_bytes: Buffer.byteLength(smallBody),
      big_body_bytes: Buffer.byteLength(bigBody),
      small_response_bytes: kilnSmall.length,
      big_response_bytes: kilnBig.length,
      small_body_example: smallBody,
    },
    concurrency: CONCURRENCY,
    big_concurrency: BIG_CONCURRENCY,
    repetitions: REPS,
    duration_s: DURATION,
    warmup_s: WARMUP,
    deployments: DEPLOYMENTS,
    kiln_workers: 'auto (the default: inline when a single-row run is cheap, else a worker pool)',
    load_generators: {
      rest: `autocannon ${pkgVersion('autocannon')} in its own process (http-load.mjs): N keep-alive connections, 1 request in flight each`,
      grpc: `@grpc/grpc-js ${pkgVersion('@grpc/grpc-js')} in its own process (grpc-load.mjs): N concurrent unary calls over 1 channel, typed fp32_contents`,
    },
  };
  const w = workload;
  console.log(`
=== Kiln serving benchmark (npm run bench:serve) ===
${started.toISOString()}  commit ${commit}${dirty ? ' (working tree has changes)' : ''}  nproc ${nproc}  ${cpus()[0]?.model ?? ''}  Node ${process.version}
Workload:
  small MLP  ${w.models.small.layers}; ${w.models.small.params} params, ${w.models.small.bytes} B ONNX
  big MLP    ${w.models.big.layers}; ${w.models.big.params.toLocaleString('en-US')} params, ${(w.models.big.bytes / 1e6).toFixed(1)} MB ONNX
  request    1 row per request, JSON body ${w.request.small_body_bytes} B (small) / ${w.request.big_body_bytes} B (big); response ${w.request.small_response_bytes} B / ${w.request.big_response_bytes} B
  load       concurrency ${CONCURRENCY.join(', ')} (small), ${BIG_CONCURRENCY} (big); ${REPS} repetitions of ${WARMUP} s warm-up + ${DURATION} s measured, servers alternating within each repetition
  Kiln       ${kilnBanner}
             deployments: ${Object.entries(DEPLOYMENTS).map(([k, v]) => `${k} (${v.join(' ')})`).join('; ')}; workers auto
  floor      bare node:http (floor-server.mjs): JSON.parse of the body, answers Kiln's captured ${kilnSmall.length} B
  peer       ${WITH_PEER ? `FastAPI + uvicorn + PyTorch, 1 process, uvicorn defaults (peer_server.py); ${pyVersions ? `torch/fastapi/uvicorn/onnx ${pyVersions}` : ''}; ${peerBanner ?? ''}` : 'skipped (--no-peer)'}
  gRPC       ${grpcProblem ?? `inference.GRPCInferenceService/ModelInfer on ${grpcTarget}`}
  limit      raw onnxruntime-node ${pkgVersion('onnxruntime-node')} session.run in-process (ort-raw.mjs), intraOpNumThreads 1
  check      Kiln's model input ${meta.inputs[0].name} ${JSON.stringify(meta.inputs[0].shape)} → ${meta.outputs[0].name}; ${peerCheck ? `peer − Kiln output: small ${peerCheck.small.abs_diff.toExponential(1)}, big ${peerCheck.big.abs_diff.toExponential(1)}` : ''}
`);

  // --- Measurement cases --------------------------------------------------------------------------------
  const cases = [];
  const grpcOk = !grpcProblem;
  for (const c of CONCURRENCY) {
    cases.push({ id: `small/floor/rest/c${c}`, model: 'small', server: 'floor', proto: 'rest', c, url: `${floorUrl}/v2/models/small_nobatch/infer`, body: smallBodyFile });
    for (const b of ['batch', 'nobatch']) {
      cases.push({ id: `small/kiln/rest/${b}/c${c}`, model: 'small', server: 'kiln', proto: 'rest', batching: b, c, deployment: `small_${b}`, url: `${kilnUrl}/v2/models/small_${b}/infer`, body: smallBodyFile, token });
      if (grpcOk) cases.push({ id: `small/kiln/grpc/${b}/c${c}`, model: 'small', server: 'kiln', proto: 'grpc', batching: b, c, deployment: `small_${b}`, body: smallBodyFile, features: 30 });
    }
    if (peerUrl) cases.push({ id: `small/peer/rest/c${c}`, model: 'small', server: 'peer', proto: 'rest', c, url: `${peerUrl}/v2/models/small/infer`, body: smallBodyFile });
    if (args.diagnose) {
      const variants = c === 64 ? ['batch_public', 'nobatch_public', 'batch_nodelay'] : c === 1 ? ['batch_nodelay'] : [];
      for (const v of variants)
        cases.push({ id: `small/kiln/rest/${v}/c${c}`, model: 'small', server: 'kiln', proto: 'rest', batching: v, diagnostic: true, c, deployment: `small_${v}`, url: `${kilnUrl}/v2/models/small_${v}/infer`, body: smallBodyFile, token });
    }
  }
  for (const b of ['batch', 'nobatch']) {
    cases.push({ id: `big/kiln/rest/${b}/c${BIG_CONCURRENCY}`, model: 'big', server: 'kiln', proto: 'rest', batching: b, c: BIG_CONCURRENCY, deployment: `big_${b}`, url: `${kilnUrl}/v2/models/big_${b}/infer`, body: bigBodyFile, token });
    if (grpcOk && args['big-grpc']) cases.push({ id: `big/kiln/grpc/${b}/c${BIG_CONCURRENCY}`, model: 'big', server: 'kiln', proto: 'grpc', batching: b, c: BIG_CONCURRENCY, deployment: `big_${b}`, body: bigBodyFile, features: 256 });
  }
  if (peerUrl) cases.push({ id: `big/peer/rest/c${BIG_CONCURRENCY}`, model: 'big', server: 'peer', proto: 'rest', c: BIG_CONCURRENCY, url: `${peerUrl}/v2/models/big/infer`, body: bigBodyFile });

  const pids = { kiln: kilnServer.child.pid, floor: [...children].find((c) => c.benchName === 'floor')?.pid, peer: [...children].find((c) => c.benchName === 'peer')?.pid };
  const estimate = REPS * cases.length * (WARMUP + DURATION + 0.6);
  log(`${cases.length} cases × ${REPS} repetitions ≈ ${Math.round(estimate / 60)} min`);

  async function kilnStats(deployment) {
    const s = (await getJson(`${kilnUrl}/v2/models/${deployment}/stats`, token)).model_stats[0];
    return {
      inference: s.inference_count,
      executions: s.execution_count,
      success: s.inference_stats.success.count,
      successNs: s.inference_stats.success.ns,
      queueNs: s.inference_stats.queue.ns,
      computeNs: s.inference_stats.compute_infer.ns,
    };
  }

  async function measure(k) {
    const serverPid = pids[k.server];
    const statsBefore = k.server === 'kiln' ? await kilnStats(k.deployment) : null;
    const ours = () => Object.values(pids).reduce((n, pid) => n + (pid ? procCpuSeconds(pid) ?? 0 : 0), 0);
    const ours0 = ours();
    const cpu0 = procCpuSeconds(serverPid);
    const busy0 = machineBusySeconds();
    const self0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const argv =
      k.proto === 'rest'
        ? [join(HERE, 'http-load.mjs'), '--url', k.url, '--body-file', k.body, '--connections', String(k.c), '--duration', String(DURATION), '--warmup', String(WARMUP), ...(k.token ? ['--header', `authorization: Bearer ${k.token}`] : [])]
        : [join(HERE, 'grpc-load.mjs'), '--target', grpcTarget, '--model', k.deployment, '--features', String(k.features), '--data-file', k.body, '--token', token, '--concurrency', String(k.c), '--duration', String(DURATION), '--warmup', String(WARMUP)];
    let r;
    try {
      r = JSON.parse((await run(process.execPath, argv, { timeoutMs: (WARMUP + DURATION + 30) * 1000 })).trim().split('\n').at(-1));
    } catch (e) {
      r = { error: e.message.slice(0, 500), rps: null };
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = procCpuSeconds(serverPid);
    const ours1 = ours();
    const busy1 = machineBusySeconds();
    const self = process.cpuUsage(self0);
    const serverCpu = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null;
    // CPU used on this machine by everything else (other users' jobs): machine total − our three
    // servers − the load generator − this script.
    const others = busy1 - busy0 - (ours1 - ours0) - (r.loadgen_total_cpu_s ?? 0) - (self.user + self.system) / 1e6;
    const sample = {
      ...r,
      server_cpu_s: serverCpu,
      // Server CPU per answered request over the whole run (warm-up included, so per request of all sent).
      wall_s: wall,
      others_cores: Math.max(0, others / wall),
    };
    if (statsBefore) {
      const a = await kilnStats(k.deployment);
      const d = (f) => a[f] - statsBefore[f];
      sample.kiln_requests = d('success');
      sample.kiln_avg_batch = d('executions') > 0 ? d('inference') / d('executions') : null;
      sample.kiln_in_server_us = d('success') > 0 ? d('successNs') / d('success') / 1000 : null;
      sample.kiln_queue_us = d('success') > 0 ? d('queueNs') / d('success') / 1000 : null;
      sample.kiln_compute_us = d('success') > 0 ? d('computeNs') / d('success') / 1000 : null;
      sample.server_cpu_us_per_req = serverCpu !== null && d('success') > 0 ? (serverCpu * 1e6) / d('success') : null;
    } else if (serverCpu !== null && r.requests) {
      // Requests sent during the whole run ≈ counted ones scaled by the run's share that was measured.
      sample.server_cpu_us_per_req = (serverCpu * 1e6) / (r.rps * (WARMUP + DURATION));
    }
    return sample;
  }

  const samples = Object.fromEntries(cases.map((k) => [k.id, []]));
  const benchStart = Date.now();
  for (let rep = 0; rep < REPS; rep++) {
    // Alternate: within a repetition the servers take turns at each concurrency; the order rotates.
    const groups = new Map();
    for (const k of cases) {
      const g = `${k.model}/c${k.c}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(k);
    }
    for (const group of groups.values()) {
      const shift = rep % group.length;
      const order = [...group.slice(shift), ...group.slice(0, shift)];
      for (const k of order) {
        const s = await measure(k);
        samples[k.id].push(s);
        const bad = s.error || s.errors || s.non2xx;
        log(
          `rep ${rep + 1}/${REPS} ${k.id.padEnd(28)} ${s.rps === null ? 'FAILED' : `${fmtN(s.rps)} req/s  p50 ${fmtMs(s.p50_ms)} ms  p99 ${fmtMs(s.p99_ms)} ms`}` +
            `${s.kiln_avg_batch ? `  batch ${s.kiln_avg_batch.toFixed(1)}` : ''}  others ${s.others_cores.toFixed(2)} cores${bad ? `  ERRORS ${JSON.stringify({ e: s.error, errors: s.errors, non2xx: s.non2xx, codes: s.error_codes })}` : ''}`,
        );
        await sleep(100);
      }
    }
  }
  const benchSeconds = (Date.now() - benchStart) / 1000;

  // --- Summaries ---------------------------------------------------------------------------------------
  const summary = {};
  for (const k of cases) {
    const ss = samples[k.id];
    const rps = ss.map((s) => s.rps).filter(Number.isFinite);
    summary[k.id] = {
      ...k,
      url: undefined,
      token: undefined,
      body: undefined,
      rps_median: median(rps),
      rps_min: rps.length ? min(rps) : null,
      rps_max: rps.length ? max(rps) : null,
      p50_ms: median(ss.map((s) => s.p50_ms)),
      p99_ms: median(ss.map((s) => s.p99_ms)),
      p99_min: min(ss.map((s) => s.p99_ms)),
      p99_max: max(ss.map((s) => s.p99_ms)),
      cpu_us_per_req: median(ss.map((s) => s.server_cpu_us_per_req)),
      loadgen_us_per_req: median(ss.map((s) => (s.requests ? (s.loadgen_cpu_s * 1e6) / s.requests : null))),
      avg_batch: median(ss.map((s) => s.kiln_avg_batch ?? null)),
      in_server_us: median(ss.map((s) => s.kiln_in_server_us ?? null)),
      queue_us: median(ss.map((s) => s.kiln_queue_us ?? null)),
      compute_us: median(ss.map((s) => s.kiln_compute_us ?? null)),
      others_cores: median(ss.map((s) => s.others_cores)),
      errors: ss.reduce((n, s) => n + (s.errors ?? 0) + (s.non2xx ?? 0) + (s.error ? 1 : 0), 0),
      reps: rps.length,
    };
  }
  const S = (id) => summary[id];
  const ratio = (a, b) => (a !== null && b !== null && b > 0 ? a / b : null);
  // Paired per-repetition ratios (same repetition, adjacent in time): their spread shows how stable a ratio is.
  const pairedRange = (idA, idB, field = 'rps') => {
    const a = samples[idA];
    const b = samples[idB];
    if (!a || !b) return null;
    const rs = a.map((s, i) => ratio(s[field], b[i]?.[field])).filter(Number.isFinite);
    return rs.length ? [min(rs), max(rs)] : null;
  };

  // --- Table ---------------------------------------------------------------------------------------------
  const rows = [];
  const label = (k) =>
    k.server === 'kiln'
      ? `Kiln ${k.proto === 'rest' ? 'REST' : 'gRPC'} ${{ batch: 'batching', nobatch: 'no batching', batch_public: 'batching, public (no token check)', nobatch_public: 'no batching, public (no token check)', batch_nodelay: 'batching, queue delay 0' }[k.batching]}`
      : k.server === 'floor' ? 'floor (node:http)' : 'peer (FastAPI+torch)';
  console.log('\n## Results: medians of %d repetitions (min–max)\n', REPS);
  console.log('| model | server | conc. | req/s | p50 ms | p99 ms (min–max) | vs floor | vs peer | server CPU µs/req | load-gen CPU µs/req | Kiln avg batch | Kiln in-server µs (queue / compute) | others’ CPU (cores) |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const k of cases) {
    const s = S(k.id);
    const floor = k.model === 'small' ? S(`small/floor/rest/c${k.c}`) : null;
    const peer = S(`${k.model}/peer/rest/c${k.c}`);
    const vsFloor = floor && k.server !== 'floor' ? ratio(s.rps_median, floor.rps_median) : null;
    const vsPeer = peer && k.server !== 'peer' ? ratio(s.rps_median, peer.rps_median) : null;
    const line = `| ${k.model} | ${label(k)} | ${k.c} | ${fmtN(s.rps_median)} (${fmtN(s.rps_min)}–${fmtN(s.rps_max)}) | ${fmtMs(s.p50_ms)} | ${fmtMs(s.p99_ms)} (${fmtMs(s.p99_min)}–${fmtMs(s.p99_max)}) | ${vsFloor === null ? '' : `${(vsFloor * 100).toFixed(0)} %`} | ${vsPeer === null ? '' : `${vsPeer.toFixed(1)}×`} | ${fmtN(s.cpu_us_per_req)} | ${fmtN(s.loadgen_us_per_req)} | ${s.avg_batch === null ? '' : s.avg_batch.toFixed(1)} | ${s.in_server_us === null ? '' : `${fmtN(s.in_server_us)} (${fmtN(s.queue_us)} / ${fmtN(s.compute_us)})`} | ${s.others_cores === null ? '' : s.others_cores.toFixed(2)} |${s.errors ? ` ⚠ ${s.errors} errors` : ''}`;
    rows.push(line);
    console.log(line);
  }
  if (grpcProblem) console.log(`| – | Kiln gRPC | – | ${grpcProblem} | | | | | | | | | |`);
  const busy = cases.filter((k) => (S(k.id).others_cores ?? 0) > 0.25);
  if (busy.length)
    console.log(
      `\nNote: processes outside the benchmark used > 0.25 cores (median) during ${busy.length} of ${cases.length} measurements ` +
        `(${busy.map((k) => k.id).join(', ')}): their absolute numbers are depressed; compare ratios, and rerun on a quieter machine.`,
    );

  console.log('\n## Limit: raw onnxruntime-node session.run, in-process, sequential, intraOpNumThreads 1\n');
  console.log('| model | batch | runs/s (min–max) | rows/s | p50 µs | p99 µs |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const ortSummary = {};
  for (const model of ['small', 'big']) {
    for (const batch of [1, 64]) {
      const xs = ortRaw.filter((r) => r.model === model && r.batch === batch);
      const s = {
        runs_per_s: median(xs.map((x) => x.runs_per_s)),
        runs_min: min(xs.map((x) => x.runs_per_s)),
        runs_max: max(xs.map((x) => x.runs_per_s)),
        rows_per_s: median(xs.map((x) => x.rows_per_s)),
        p50_us: median(xs.map((x) => x.p50_us)),
        p99_us: median(xs.map((x) => x.p99_us)),
      };
      ortSummary[`${model}/b${batch}`] = s;
      console.log(`| ${model} | ${batch} | ${fmtN(s.runs_per_s)} (${fmtN(s.runs_min)}–${fmtN(s.runs_max)}) | ${fmtN(s.rows_per_s)} | ${fmtN(s.p50_us, 1)} | ${fmtN(s.p99_us, 1)} |`);
    }
  }

  // --- Targets ---------------------------------------------------------------------------------------
  const targets = [];
  const target = (name, value, threshold, op, detail, range) => {
    const pass = value === null ? null : op === '>=' ? value >= threshold : value <= threshold;
    targets.push({ name, value, threshold, op, pass, detail, paired_range: range });
  };
  for (const b of ['batch', 'nobatch']) {
    for (const proto of ['rest', 'grpc']) {
      const id = `small/kiln/${proto}/${b}/c64`;
      if (!S(id)) continue;
      const tag = `${proto === 'rest' ? 'REST' : 'gRPC'}, ${b === 'batch' ? 'batching' : 'no batching'}`;
      const informational =
        proto === 'grpc'
          ? ' [gRPC: informational, the target is on REST]'
          : b === 'batch'
            ? ''
            : ' [no batching: for comparison, the target is on the batching deployment]';
      target(
        `small MLP: Kiln ${tag} at c=64 ≥ 60 % of the floor's req/s${informational}`,
        ratio(S(id).rps_median, S('small/floor/rest/c64').rps_median),
        0.6,
        '>=',
        `${fmtN(S(id).rps_median)} vs ${fmtN(S('small/floor/rest/c64').rps_median)} req/s`,
        pairedRange(id, 'small/floor/rest/c64'),
      );
      if (peerUrl)
        target(
          `small MLP: Kiln ${tag} at c=64 ≥ 5× the peer's req/s${informational}`,
          ratio(S(id).rps_median, S('small/peer/rest/c64').rps_median),
          5,
          '>=',
          `${fmtN(S(id).rps_median)} vs ${fmtN(S('small/peer/rest/c64').rps_median)} req/s`,
          pairedRange(id, 'small/peer/rest/c64'),
        );
      const id16 = `small/kiln/${proto}/${b}/c16`;
      target(
        `small MLP: Kiln ${tag} p99 at c=16 ≤ 3× the floor's p99${informational}`,
        ratio(S(id16).p99_ms, S('small/floor/rest/c16').p99_ms),
        3,
        '<=',
        `${fmtMs(S(id16).p99_ms)} vs ${fmtMs(S('small/floor/rest/c16').p99_ms)} ms`,
        pairedRange(id16, 'small/floor/rest/c16', 'p99_ms'),
      );
    }
  }
  for (const proto of ['rest', 'grpc']) {
    const on = `big/kiln/${proto}/batch/c${BIG_CONCURRENCY}`;
    const off = `big/kiln/${proto}/nobatch/c${BIG_CONCURRENCY}`;
    if (!S(on)) continue;
    target(
      `big MLP: Kiln ${proto === 'rest' ? 'REST' : 'gRPC'} dynamic batching ≥ 3× no batching at c=${BIG_CONCURRENCY}`,
      ratio(S(on).rps_median, S(off).rps_median),
      3,
      '>=',
      `${fmtN(S(on).rps_median)} vs ${fmtN(S(off).rps_median)} req/s`,
      pairedRange(on, off),
    );
  }
  console.log('\n## Targets\n');
  for (const t of targets) {
    const v = t.value === null ? '–' : t.op === '<=' ? `${t.value.toFixed(2)}×` : t.threshold < 1 ? `${(t.value * 100).toFixed(0)} %` : `${t.value.toFixed(2)}×`;
    const thr = t.threshold < 1 ? `${t.threshold * 100} %` : `${t.threshold}×`;
    const rng = t.paired_range ? ` (per-repetition ${t.threshold < 1 ? t.paired_range.map((x) => `${(x * 100).toFixed(0)} %`).join('–') : t.paired_range.map((x) => `${x.toFixed(2)}×`).join('–')})` : '';
    console.log(`${t.pass === null ? 'N/A ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${v}${rng} ${t.op} ${thr} — ${t.detail}`);
  }

  // --- JSON lines ---------------------------------------------------------------------------------------
  console.log('\n## JSON (one line per comparison)\n');
  const jsonLines = [];
  for (const k of cases.filter((x) => x.server === 'kiln')) {
    const s = S(k.id);
    const floor = k.model === 'small' ? S(`small/floor/rest/c${k.c}`) : null;
    const peer = S(`${k.model}/peer/rest/c${k.c}`);
    // The big model has no serving floor; its limit is raw ORT at batch 64 (rows/s, one session, 1 thread).
    const limit = k.model === 'small' ? floor?.rps_median ?? null : ortSummary['big/b64'].rows_per_s;
    jsonLines.push({
      bench: `serve.${k.id.replaceAll('/', '.')}.rps`,
      unit: 'req/s',
      kiln: s.rps_median,
      limit,
      limit_is: k.model === 'small' ? 'floor: bare node:http, same bytes' : 'raw onnxruntime-node session.run, batch 64, rows/s',
      peer: peer?.rps_median ?? null,
      ratio_to_limit: ratio(s.rps_median, limit),
      ratio_to_peer: ratio(s.rps_median, peer?.rps_median ?? null),
      kiln_range: [s.rps_min, s.rps_max],
      reps: s.reps,
      ...(k.diagnostic ? { diagnostic: true } : {}),
    });
    if (k.model === 'small') {
      jsonLines.push({
        bench: `serve.${k.id.replaceAll('/', '.')}.p99`,
        unit: 'ms (lower is better)',
        kiln: s.p99_ms,
        limit: floor?.p99_ms ?? null,
        peer: peer?.p99_ms ?? null,
        ratio_to_limit: ratio(s.p99_ms, floor?.p99_ms ?? null),
        ratio_to_peer: ratio(s.p99_ms, peer?.p99_ms ?? null),
        reps: s.reps,
      });
    }
  }
  for (const proto of ['rest', 'grpc']) {
    const on = S(`big/kiln/${proto}/batch/c${BIG_CONCURRENCY}`);
    const off = S(`big/kiln/${proto}/nobatch/c${BIG_CONCURRENCY}`);
    if (!on) continue;
    jsonLines.push({
      bench: `serve.big.kiln.${proto}.batching_gain.c${BIG_CONCURRENCY}`,
      unit: 'req/s, batching vs none',
      kiln: on.rps_median,
      limit: ortSummary['big/b64'].rows_per_s,
      peer: S(`big/peer/rest/c${BIG_CONCURRENCY}`)?.rps_median ?? null,
      kiln_without_batching: off.rps_median,
      batching_gain: ratio(on.rps_median, off.rps_median),
      ratio_to_limit: ratio(on.rps_median, ortSummary['big/b64'].rows_per_s),
      ratio_to_peer: ratio(on.rps_median, S(`big/peer/rest/c${BIG_CONCURRENCY}`)?.rps_median ?? null),
    });
  }
  for (const [key, s] of Object.entries(ortSummary)) {
    jsonLines.push({ bench: `serve.ort_raw.${key.replace('/', '.')}`, unit: 'runs/s', kiln: null, limit: s.runs_per_s, rows_per_s: s.rows_per_s, peer: null, ratio_to_limit: null, ratio_to_peer: null });
  }
  for (const j of jsonLines) console.log(JSON.stringify(j));

  // --- Results file -----------------------------------------------------------------------------------
  const ended = new Date();
  const result = {
    bench: 'serve',
    command: 'npm run bench:serve',
    argv: process.argv.slice(2),
    started: started.toISOString(),
    ended: ended.toISOString(),
    bench_seconds: benchSeconds,
    commit,
    dirty,
    nproc,
    cpu: cpus()[0]?.model ?? null,
    mem_gb: Math.round(totalmem() / 2 ** 30),
    loadavg_start: loadavgStart,
    loadavg_end: loadavg(),
    node: process.version,
    versions: {
      'onnxruntime-node': pkgVersion('onnxruntime-node'),
      autocannon: pkgVersion('autocannon'),
      '@grpc/grpc-js': pkgVersion('@grpc/grpc-js'),
      fastify: pkgVersion('fastify'),
      python: pyVersions ? `torch fastapi uvicorn onnx: ${pyVersions}` : null,
    },
    workload,
    kiln_banner: kilnBanner,
    peer_banner: peerBanner,
    peer_check: peerCheck,
    grpc: grpcProblem ?? 'measured',
    targets,
    comparisons: jsonLines,
    summary,
    ort_raw: { summary: ortSummary, samples: ortRaw },
    samples,
    table_markdown: rows,
  };
  const day = started.toISOString().slice(0, 10);
  // --quick is a smoke run, not numbers to keep: its file goes to the cache, not bench/results/.
  const file = join(args.quick ? CACHE : RESULTS, `serve-${day}-${commit}${args.diagnose ? '-diagnose' : ''}${args.quick ? '-quick' : ''}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`\nwrote ${file.slice(ROOT.length + 1)} (measurements took ${Math.round(benchSeconds)} s)`);
}

try {
  await main();
  await stopAll();
  process.exit(0);
} catch (e) {
  console.error(`[bench] FAILED: ${e.stack ?? e.message}`);
  await stopAll();
  process.exit(1);
}
