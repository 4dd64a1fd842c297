// The validation benchmark: Kiln's validator against its limit and its peer, in ONE run.
//
//   npm run bench:validate                     # = npm run build && node bench/validate/run.mjs
//   node bench/validate/run.mjs [--rows 10000000] [--reps 5] [--quick] [--no-peer] [--no-ingest]
//                               [--no-install] [--diagnose]
//
//   --quick     1,000,000 rows and 3 repetitions (a smoke run; its JSON goes to bench/.cache/, not
//               bench/results/)
//   --diagnose  also time variants of Kiln's generated scan query (diagnose.mjs): alone (no DESCRIBE,
//               compile or results), without its row_number() subquery, without its window
//               expectations — to split the validator's time into its parts
//
// Never run in CI: it may install python3-pandas, writes ~2 GB of data to bench/.cache/validate/
// (kept for the next run) and takes ~10–15 minutes at 10 M rows on 2 cores.
//
// Data: generate.mjs (10 M × 20 "orders" rows, deterministic), as Parquet and as CSV. Suite:
// suite.yaml (20 expectations, all passing, so Kiln runs its one scan and nothing else).
// Kiln: validateRelation(duck, 'data', suite) on a view `data` over read_parquet(…) / read_csv(…),
// compile included. The limit: limit.mjs, one hand-written DuckDB query over the same view. The peer:
// peer_pandas.py, pandas read_csv + the same 20 checks (CSV only: Debian has no Parquet reader for
// pandas). Each Kiln and limit measurement opens a fresh in-memory DuckDB (default threads = nproc)
// and creates the view before the clock starts; Kiln and the limit alternate, in an order that flips
// every repetition (the peer's turn rotates too). One untimed warm-up of Kiln and the limit per
// format comes first (it also fills the OS page cache). All three answers are compared on every
// repetition; a difference fails the benchmark.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareResults, kilnResults } from './compare.mjs';
import { diagnosticQueries } from './diagnose.mjs';
import { COLUMN_RECIPES, COLUMNS, DATA_DIR, ensureData, measureIngest } from './generate.mjs';
import { LIMIT_SQL, runLimit } from './limit.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CACHE = join(ROOT, 'bench', '.cache');
const RESULTS = join(ROOT, 'bench', 'results');
const PY = '/usr/bin/python3';
const DIST = join(ROOT, 'dist');

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    reps: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    'no-ingest': { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows ?? (args.quick ? 1_000_000 : 10_000_000));
const REPS = Number(args.reps ?? (args.quick ? 3 : 5));
if (!Number.isSafeInteger(ROWS) || ROWS < 1000)
  throw new Error(`--rows: expected a whole number ≥ 1000, got ${args.rows}`);
if (!Number.isSafeInteger(REPS) || REPS < 1)
  throw new Error(`--reps: expected a whole number ≥ 1, got ${args.reps}`);
const WITH_PEER = !args['no-peer'];
const FORMATS = ['parquet', 'csv'];
const TARGET_LIMIT = 1.5;
const TARGET_PEER = 5;

const log = (...m) => console.error('[bench]', ...m);

// ---------------------------------------------------------------------------------------------
// Small helpers (as in bench/serve/run.mjs)
const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs.filter(Number.isFinite));
const max = (xs) => Math.max(...xs.filter(Number.isFinite));
const fmtS = (n) => (n === null || !Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const fmtN = (n, d = 0) =>
  n === null || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ratio = (a, b) => (a !== null && b !== null && b > 0 ? a / b : null);

function gitInfo() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return null;
    }
  };
  return {
    commit: git('rev-parse', '--short', 'HEAD') ?? 'nocommit',
    dirty: (git('status', '--porcelain') ?? '').length > 0,
  };
}

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Machine-wide busy CPU seconds (all cores), from /proc/stat. */
function machineBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
}

/** Runs a command to completion; resolves with stdout; rejects with stderr on failure / timeout. */
function run(cmd, argv, { timeoutMs = 1_800_000, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${argv.join(' ')} exited ${code ?? signal}: ${err.trim().slice(-2000)}`));
    });
  });
}

/** Debian's pandas: installed when /usr/bin/python3 cannot import it. */
async function ensurePandas() {
  const probe = 'import pandas, numpy; print(pandas.__version__, numpy.__version__)';
  try {
    return (await run(PY, ['-c', probe])).trim();
  } catch {}
  if (args['no-install']) throw new Error(`${PY} cannot import pandas and --no-install was given`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('installing the peer’s Debian packages: apt-get install -y python3-pandas');
  try {
    await run('apt-get', ['install', '-y', 'python3-pandas'], { env });
  } catch {
    log('apt-get install failed; running apt-get update first and retrying');
    await run('apt-get', ['update'], { env });
    await run('apt-get', ['install', '-y', 'python3-pandas'], { env });
  }
  return (await run(PY, ['-c', probe])).trim();
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const started = new Date();
  const loadavgStart = loadavg();
  const { commit, dirty } = gitInfo();
  const nproc = availableParallelism();
  for (const f of ['validate/validator.js', 'validate/suite-file.js', 'store/duckdb/duck-engine.js']) {
    if (!existsSync(join(DIST, f)))
      throw new Error(`dist/${f} is missing: run "npm run build" first (npm run bench:validate does)`);
  }
  const { DuckEngine } = await import('../../dist/store/duckdb/duck-engine.js');
  const { parseSuite } = await import('../../dist/validate/suite-file.js');
  const { validateRelation } = await import('../../dist/validate/validator.js');
  const plan = args.diagnose ? await import('../../dist/validate/expectations/plan.js') : null;
  mkdirSync(CACHE, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });

  const pandasVersions = WITH_PEER ? await ensurePandas() : null;

  // --- Data and suite ---------------------------------------------------------------------------------
  const genDuck = await DuckEngine.open();
  let data;
  let duckdbVersion;
  let threads;
  try {
    data = await ensureData(genDuck, ROWS, log);
    const r = (await genDuck.query("SELECT version() AS v, current_setting('threads') AS t")).rows[0];
    duckdbVersion = String(r.v);
    threads = Number(r.t);
  } finally {
    genDuck.close();
  }
  const suitePath = join(HERE, 'suite.yaml');
  const suite = parseSuite(readFileSync(suitePath, 'utf8'), suitePath);
  const lit = (p) => `'${p.replaceAll("'", "''")}'`;
  const source = { parquet: `read_parquet(${lit(data.parquet)})`, csv: `read_csv(${lit(data.csv)})` };

  const workload = {
    rows: ROWS,
    columns: COLUMNS.length,
    schema: COLUMNS.map(([name, type]) => `${name} ${type}`),
    recipes: COLUMN_RECIPES,
    files: {
      parquet: {
        path: data.parquet.slice(ROOT.length + 1),
        bytes: data.parquet_bytes,
        note: 'DuckDB defaults: Snappy, 122,880-row groups',
      },
      csv: {
        path: data.csv.slice(ROOT.length + 1),
        bytes: data.csv_bytes,
        note: 'header, comma, DuckDB COPY … (FORMAT csv)',
      },
    },
    suite: {
      file: 'bench/validate/suite.yaml',
      expectations: suite.expectations.length,
      types: suite.expectations.map((e) => e.type),
    },
    repetitions: REPS,
    duckdb_threads: threads,
    kiln: "validateRelation(duck, 'data', suite) — DESCRIBE + compile + one scan + GX result objects; result_format SUMMARY",
    limit:
      'one hand-written DuckDB query over the same view (limit.mjs): aggregates with count(DISTINCT) for the two keys (a grouped second query only if a key repeats)',
    peer: WITH_PEER
      ? `pandas ${pandasVersions} (peer_pandas.py): read_csv(parse_dates=3 columns) + 20 vectorised checks`
      : 'skipped (--no-peer)',
  };
  console.log(`
=== Kiln validation benchmark (npm run bench:validate) ===
${started.toISOString()}  commit ${commit}${dirty ? ' (working tree has changes)' : ''}  nproc ${nproc}  ${cpus()[0]?.model ?? ''}  Node ${process.version}  DuckDB ${duckdbVersion}
load average at start: ${loadavgStart.map((x) => x.toFixed(2)).join(' ')}
Workload:
  data    ${fmtN(ROWS)} rows × ${COLUMNS.length} columns (generate.mjs, deterministic: hash of the row number)${data.generated ? ` — generated now in ${fmtS(data.generate_seconds)} s` : ' — cached'}
          ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}
          Parquet ${fmtN(data.parquet_bytes / 1e6, 1)} MB (Snappy), CSV ${fmtN(data.csv_bytes / 1e6, 1)} MB
  suite   bench/validate/suite.yaml: ${suite.expectations.length} expectations, all passing on this data (Kiln's one-scan path: 1 query + 1 DESCRIBE)
          ${[...new Set(suite.expectations.map((e) => e.type.replace(/^expect_/, '')))].join(', ')}
  Kiln    validateRelation(duck, 'data', suite), compile included; 'data' = VIEW over read_parquet(…) / read_csv(…)
  limit   one hand-written DuckDB query (bench/validate/limit.mjs) over the same view: the same counts and statistics
  peer    ${workload.peer}; CSV only (Debian has no Parquet reader for pandas); times taken inside the Python process
  timing  ${REPS} repetitions after 1 untimed warm-up of Kiln and the limit per format; fresh in-memory DuckDB per measurement,
          ${threads} threads (DuckDB default); Kiln and the limit alternate, order flipped each repetition; the peer's turn rotates
`);

  // --- Measurements -------------------------------------------------------------------------------------
  async function withView(format, fn) {
    const duck = await DuckEngine.open();
    try {
      await duck.run(`CREATE VIEW data AS SELECT * FROM ${source[format]}`);
      return await fn(duck);
    } finally {
      duck.close();
    }
  }
  function timed(fn) {
    return async (...a) => {
      const busy0 = machineBusySeconds();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await fn(...a);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const ownCpu = (cpu.user + cpu.system) / 1e6;
      const othersCores = Math.max(0, (machineBusySeconds() - busy0 - ownCpu) / seconds);
      return { seconds, cpu_s: ownCpu, others_cores: othersCores, ...out };
    };
  }
  const measure = {
    kiln: (format) =>
      withView(format, (duck) =>
        timed(async () => {
          const v = await validateRelation(duck, 'data', suite);
          return { results: kilnResults(v), success: v.success, queries: v.meta.queries };
        })(),
      ),
    limit: (format) => withView(format, (duck) => timed(async () => ({ results: await runLimit(duck) }))()),
    peer: async () => {
      const busy0 = machineBusySeconds();
      const t0 = performance.now();
      const out = JSON.parse(
        (await run(PY, [join(HERE, 'peer_pandas.py'), data.csv])).trim().split('\n').at(-1),
      );
      const wall = (performance.now() - t0) / 1000;
      const othersCores = Math.max(0, (machineBusySeconds() - busy0 - out.cpu_s) / wall);
      return {
        seconds: out.total_s,
        read_s: out.read_s,
        check_s: out.check_s,
        cpu_s: out.cpu_s,
        process_wall_s: wall,
        others_cores: othersCores,
        results: out.results,
        rows: out.rows,
      };
    },
  };

  const mismatches = [];
  const reference = {};
  function check(format, engine, rep, sample) {
    const tag = `${engine}/${format}${rep === null ? ' (warm-up)' : ` rep ${rep + 1}`}`;
    if (engine === 'kiln' && !(sample.success && sample.queries === 1)) {
      mismatches.push(
        `${tag}: Kiln's suite did not pass in one query (success ${sample.success}, queries ${sample.queries})`,
      );
    }
    if (!sample.results) return;
    if (!reference[format]) {
      if (engine !== 'kiln') throw new Error('internal: Kiln must answer first');
      reference[format] = sample.results;
      return;
    }
    for (const p of compareResults(suite, reference[format], `Kiln/${format}`, sample.results, tag))
      mismatches.push(p);
  }

  log('warm-up (untimed): Kiln and the limit on each format');
  for (const format of FORMATS) {
    check(format, 'kiln', null, await measure.kiln(format));
    check(format, 'limit', null, await measure.limit(format));
  }
  // The same data in both files: Kiln's answers on Parquet and CSV agree.
  for (const p of compareResults(suite, reference.parquet, 'Kiln/parquet', reference.csv, 'Kiln/csv'))
    mismatches.push(p);

  const engines = { parquet: ['kiln', 'limit'], csv: ['kiln', 'limit', ...(WITH_PEER ? ['peer'] : [])] };
  const LABEL = {
    kiln: 'Kiln validateRelation',
    limit: 'limit: hand-written DuckDB query',
    peer: 'peer: pandas read_csv + checks',
  };
  if (plan) {
    // --diagnose: variants of Kiln's generated query (diagnose.mjs), measured like the limit.
    for (const format of FORMATS) {
      const queries = await withView(format, async (duck) =>
        diagnosticQueries(plan, suite, await duck.describe('data')),
      );
      for (const q of queries) {
        const id = `diag_${q.id}`;
        LABEL[id] = q.label;
        engines[format].push(id);
        measure[id] ??= {};
        measure[id][format] = q.sql;
      }
    }
    for (const id of Object.keys(LABEL).filter((k) => k.startsWith('diag_'))) {
      const sqlOf = measure[id];
      measure[id] = (format) =>
        withView(format, (duck) =>
          timed(async () => {
            await duck.query(sqlOf[format]);
            return {};
          })(),
        );
    }
  }
  const samples = {};
  for (const f of FORMATS) for (const e of engines[f]) samples[`${f}/${e}`] = [];
  const benchStart = Date.now();
  for (let rep = 0; rep < REPS; rep++) {
    for (const format of FORMATS) {
      const list = engines[format];
      // Kiln and the limit swap places every repetition; with the peer the order rotates.
      const shift = rep % list.length;
      let order = [...list.slice(shift), ...list.slice(0, shift)];
      if (list.length === 2 && rep % 2 === 1) order = [list[1], list[0]];
      for (const engine of order) {
        const s = await measure[engine](format);
        check(format, engine, rep, s);
        const { results: _r, ...keep } = s;
        samples[`${format}/${engine}`].push(keep);
        log(
          `rep ${rep + 1}/${REPS} ${`${engine}/${format}`.padEnd(14)} ${fmtS(s.seconds)} s` +
            `${s.read_s !== undefined ? ` (read_csv ${fmtS(s.read_s)} s, checks ${fmtS(s.check_s)} s)` : ''}` +
            `  CPU ${fmtS(s.cpu_s)} s  others ${s.others_cores.toFixed(2)} cores`,
        );
      }
    }
  }
  const benchSeconds = (Date.now() - benchStart) / 1000;

  // --- CSV → Parquet ingest ---------------------------------------------------------------------------
  const ingest = [];
  if (!args['no-ingest']) {
    const out = join(DATA_DIR, `ingest-${ROWS}.parquet`);
    for (let rep = 0; rep < REPS; rep++) {
      const duck = await DuckEngine.open();
      try {
        const r = await measureIngest(duck, data.csv, out);
        if (r.rows !== ROWS) mismatches.push(`ingest rep ${rep + 1}: wrote ${r.rows} rows, expected ${ROWS}`);
        ingest.push({ ...r, rows_per_s: r.rows / r.seconds });
        log(
          `ingest rep ${rep + 1}/${REPS} CSV → Parquet ${fmtS(r.seconds)} s = ${fmtN(r.rows / r.seconds)} rows/s`,
        );
      } finally {
        duck.close();
      }
    }
  }

  // --- Summaries -------------------------------------------------------------------------------------
  const summary = {};
  for (const [id, ss] of Object.entries(samples)) {
    const xs = ss.map((s) => s.seconds);
    summary[id] = {
      seconds: median(xs),
      min: min(xs),
      max: max(xs),
      cpu_s: median(ss.map((s) => s.cpu_s)),
      others_cores: median(ss.map((s) => s.others_cores)),
      ...(id.endsWith('/peer')
        ? {
            read_s: median(ss.map((s) => s.read_s)),
            read_min: min(ss.map((s) => s.read_s)),
            read_max: max(ss.map((s) => s.read_s)),
            check_s: median(ss.map((s) => s.check_s)),
          }
        : {}),
      reps: xs.length,
    };
  }
  const S = (id) => summary[id] ?? null;
  /** Per-repetition ratios of two series (same repetition, adjacent in time). */
  const paired = (a, b, field = 'seconds') => {
    const rs = (samples[a] ?? [])
      .map((s, i) => ratio(s[field], samples[b]?.[i]?.[field]))
      .filter(Number.isFinite);
    return rs.length ? [min(rs), max(rs)] : null;
  };
  const ingestSummary = ingest.length
    ? {
        rows_per_s: median(ingest.map((r) => r.rows_per_s)),
        min: min(ingest.map((r) => r.rows_per_s)),
        max: max(ingest.map((r) => r.rows_per_s)),
        seconds: median(ingest.map((r) => r.seconds)),
        csv_mb_per_s: data.csv_bytes / 1e6 / median(ingest.map((r) => r.seconds)),
        parquet_bytes: ingest[0].bytes,
      }
    : null;

  // --- Table ---------------------------------------------------------------------------------------------
  const rows = [];
  console.log(`\n## Results: seconds, medians of ${REPS} repetitions (min–max); lower is better\n`);
  console.log(
    '| format | what | seconds (min–max) | × limit | pandas ÷ this | process CPU s | CPU × limit | others’ CPU (cores) |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const format of FORMATS) {
    const limit = S(`${format}/limit`);
    const peer = S(`${format}/peer`);
    for (const engine of engines[format]) {
      const s = S(`${format}/${engine}`);
      const x =
        engine === 'limit'
          ? '1.00×'
          : engine === 'peer'
            ? `${fmtS(ratio(s.seconds, limit.seconds))}×`
            : `${ratio(s.seconds, limit.seconds).toFixed(2)}×`;
      const vsPeer = peer && engine !== 'peer' ? `${ratio(peer.seconds, s.seconds).toFixed(1)}×` : '';
      const line = `| ${format} | ${LABEL[engine]} | ${fmtS(s.seconds)} (${fmtS(s.min)}–${fmtS(s.max)}) | ${x} | ${vsPeer} | ${fmtS(s.cpu_s)} | ${ratio(s.cpu_s, limit.cpu_s).toFixed(2)}× | ${s.others_cores.toFixed(2)} |`;
      rows.push(line);
      console.log(line);
      if (engine === 'peer') {
        const l2 = `| ${format} | … of which pandas read_csv | ${fmtS(s.read_s)} (${fmtS(s.read_min)}–${fmtS(s.read_max)}) | | | | | |`;
        const l3 = `| ${format} | … of which the 20 checks | ${fmtS(s.check_s)} | | | | | |`;
        rows.push(l2, l3);
        console.log(l2);
        console.log(l3);
      }
    }
  }
  if (ingestSummary) {
    console.log(
      `\n## CSV → Parquet ingest (DuckDB COPY (SELECT * FROM read_csv(…)) TO … (FORMAT parquet)), ${ingest.length} runs\n`,
    );
    console.log(
      `${fmtN(ingestSummary.rows_per_s)} rows/s (${fmtN(ingestSummary.min)}–${fmtN(ingestSummary.max)}); ${fmtS(ingestSummary.seconds)} s for ${fmtN(ROWS)} rows, ${fmtN(ingestSummary.csv_mb_per_s, 1)} MB/s of CSV`,
    );
  }
  const busy = Object.entries(summary).filter(([, s]) => s.others_cores > 0.25);
  if (busy.length)
    console.log(
      `\nNote: processes outside the benchmark used > 0.25 cores (median) during ${busy.map(([id]) => id).join(', ')}: ` +
        'absolute times are inflated; compare ratios, and rerun on a quieter machine.',
    );

  // --- Targets ---------------------------------------------------------------------------------------
  const targets = [];
  for (const format of FORMATS) {
    const value = ratio(S(`${format}/kiln`).seconds, S(`${format}/limit`).seconds);
    targets.push({
      name: `${format}: Kiln ≤ ${TARGET_LIMIT}× the limit's time`,
      value,
      threshold: TARGET_LIMIT,
      op: '<=',
      pass: value <= TARGET_LIMIT,
      paired_range: paired(`${format}/kiln`, `${format}/limit`),
      detail: `${fmtS(S(`${format}/kiln`).seconds)} s vs ${fmtS(S(`${format}/limit`).seconds)} s`,
    });
  }
  if (WITH_PEER) {
    const value = ratio(S('csv/peer').seconds, S('csv/kiln').seconds);
    targets.push({
      name: `csv: Kiln ≥ ${TARGET_PEER}× faster than pandas`,
      value,
      threshold: TARGET_PEER,
      op: '>=',
      pass: value >= TARGET_PEER,
      paired_range: paired('csv/peer', 'csv/kiln'),
      detail: `${fmtS(S('csv/peer').seconds)} s vs ${fmtS(S('csv/kiln').seconds)} s`,
    });
  }
  console.log('\n## Targets\n');
  for (const t of targets) {
    const rng = t.paired_range
      ? ` (per-repetition ${t.paired_range.map((x) => `${x.toFixed(2)}×`).join('–')})`
      : '';
    console.log(
      `${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value.toFixed(2)}×${rng} ${t.op} ${t.threshold}× — ${t.detail}`,
    );
  }
  console.log(
    mismatches.length === 0
      ? `PASS  agreement: Kiln, the limit${WITH_PEER ? ' and pandas' : ''} agree on all ${suite.expectations.length} expectations (success, counts, observed values) in every run`
      : `FAIL  agreement: ${mismatches.length} difference(s):\n${mismatches.map((m) => `      ${m}`).join('\n')}`,
  );

  // --- JSON lines ---------------------------------------------------------------------------------------
  console.log('\n## JSON (one line per comparison)\n');
  const jsonLines = [];
  for (const format of FORMATS) {
    const kiln = S(`${format}/kiln`);
    const limit = S(`${format}/limit`);
    const peer = S(`${format}/peer`);
    jsonLines.push({
      bench: `validate.${format}.seconds`,
      unit: 's (lower is better)',
      rows: ROWS,
      expectations: suite.expectations.length,
      kiln: kiln.seconds,
      limit: limit.seconds,
      peer: peer?.seconds ?? null,
      ratio_to_limit: ratio(kiln.seconds, limit.seconds),
      ratio_to_peer: ratio(kiln.seconds, peer?.seconds ?? null),
      cpu_s: { kiln: kiln.cpu_s, limit: limit.cpu_s, peer: peer?.cpu_s ?? null },
      cpu_ratio_to_limit: ratio(kiln.cpu_s, limit.cpu_s),
      speedup_vs_peer: ratio(peer?.seconds ?? null, kiln.seconds),
      ...(peer ? { peer_read_csv_s: peer.read_s, peer_checks_s: peer.check_s } : {}),
      ...Object.fromEntries(
        engines[format]
          .filter((e) => e.startsWith('diag_'))
          .map((e) => [`kiln_${e}`, S(`${format}/${e}`).seconds]),
      ),
      kiln_range: [kiln.min, kiln.max],
      limit_range: [limit.min, limit.max],
      reps: kiln.reps,
    });
  }
  if (ingestSummary) {
    jsonLines.push({
      bench: 'validate.ingest.csv_to_parquet',
      unit: 'rows/s',
      rows: ROWS,
      kiln: null,
      limit: ingestSummary.rows_per_s,
      limit_is: 'DuckDB COPY (SELECT * FROM read_csv(…)) TO … (FORMAT parquet)',
      peer: null,
      ratio_to_limit: null,
      ratio_to_peer: null,
      range: [ingestSummary.min, ingestSummary.max],
      reps: ingest.length,
    });
  }
  for (const j of jsonLines) console.log(JSON.stringify(j));

  // --- Results file -----------------------------------------------------------------------------------
  const result = {
    bench: 'validate',
    command: 'npm run bench:validate',
    argv: process.argv.slice(2),
    started: started.toISOString(),
    ended: new Date().toISOString(),
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
      duckdb: duckdbVersion,
      '@duckdb/node-api': pkgVersion('@duckdb/node-api'),
      pandas_numpy: pandasVersions,
    },
    workload,
    limit_sql: LIMIT_SQL,
    targets,
    agreement: { ok: mismatches.length === 0, mismatches },
    comparisons: jsonLines,
    summary,
    ingest: { summary: ingestSummary, samples: ingest },
    samples,
    table_markdown: rows,
  };
  const day = started.toISOString().slice(0, 10);
  // --quick is a smoke run, not numbers to keep: its file goes to the cache, not bench/results/.
  const file = join(
    args.quick ? CACHE : RESULTS,
    `validate-${day}-${commit}${args.diagnose ? '-diagnose' : ''}${args.quick ? '-quick' : ''}.json`,
  );
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(
    `\nwrote ${file.slice(ROOT.length + 1)} (measurements took ${Math.round(benchSeconds)} s); load average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  return mismatches.length === 0;
}

try {
  const agreed = await main();
  process.exit(agreed ? 0 : 1);
} catch (e) {
  console.error(`[bench] FAILED: ${e.stack ?? e.message}`);
  process.exit(1);
}
