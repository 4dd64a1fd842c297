// The validation benchmark's data: a deterministic N-row × 20-column "orders" table (ids, integers,
// doubles with nulls, categories, patterned strings, dates/timestamps, booleans), written by DuckDB as
// Parquet and as CSV under bench/.cache/validate/. Every value is a function of the row number through
// DuckDB's hash() (no random()), so the same N gives the same files. The files are cached: they are
// regenerated only when missing or when GENERATOR_VERSION, N or the DuckDB version changed (a stamp
// file records them).
//
//   node bench/validate/generate.mjs [--rows 10000000]     # generate (or reuse) and print the paths
//
// Also exports measureIngest(): the CSV → Parquet ingest (DuckDB COPY … TO … (FORMAT parquet)), timed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
export const DATA_DIR = join(ROOT, 'bench', '.cache', 'validate');

/** Bump when the SQL below changes: cached files of another version are regenerated. */
export const GENERATOR_VERSION = 1;

/** The 20 columns, in order, with the DuckDB type each has in the Parquet file. */
export const COLUMNS = [
  ['id', 'BIGINT'],
  ['customer_id', 'BIGINT'],
  ['order_seq', 'INTEGER'],
  ['quantity', 'INTEGER'],
  ['amount', 'DOUBLE'],
  ['discount', 'DOUBLE'],
  ['score', 'DOUBLE'],
  ['currency', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['country', 'VARCHAR'],
  ['sku', 'VARCHAR'],
  ['email', 'VARCHAR'],
  ['created_date', 'DATE'],
  ['created_at', 'TIMESTAMP'],
  ['shipped_at', 'TIMESTAMP'],
  ['is_gift', 'BOOLEAN'],
  ['is_returned', 'BOOLEAN'],
  ['channel', 'VARCHAR'],
  ['rating', 'INTEGER'],
  ['note', 'VARCHAR'],
];

/** How the columns are made, for the workload statement. */
export const COLUMN_RECIPES = {
  id: 'row number 0…N−1 (unique)',
  customer_id: 'i mod 1,000,003 + 1',
  order_seq: 'i div 1,000,003 + 1 ((customer_id, order_seq) unique)',
  quantity: 'uniform 1…100',
  amount: 'uniform 0…10,000, 2 decimals, 2 % null',
  discount: 'uniform 0…0.5, 3 decimals, 10 % null',
  score: '(sum of 4 hashed uniforms − 2) × 10',
  currency: '5 codes',
  status: '5 values',
  country: '20 ISO codes',
  sku: "'SKU-' + 6 digits",
  email: "'user<customer_id>@' + 3 domains",
  created_date: '2020-01-01 + 0…2190 days',
  created_at: 'created_date + 0…86,399 s',
  shipped_at: 'created_at + 0…14 days; null unless shipped/delivered (~40 % set)',
  is_gift: '7 % true',
  is_returned: '3 % true',
  channel: 'web/app/store/phone',
  rating: '1…5, 60 % null',
  note: '8 phrases + " #" + 0…999, 70 % null',
};

/** A uniform double in [0, 1) from the row number and a salt. */
const u = (salt) => `((hash(i, ${salt}) >> 11) / 9007199254740992.0)`;
/** An element of a SQL list literal, picked uniformly by salt. */
const pick = (list, salt) =>
  `[${list.map((v) => `'${v}'`).join(', ')}][1 + CAST(floor(${u(salt)} * ${list.length}) AS INTEGER)]`;

const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'ES', 'IT', 'NL', 'BE', 'SE', 'NO'];
const COUNTRIES2 = ['DK', 'FI', 'PL', 'AT', 'CH', 'IE', 'PT', 'CA', 'JP', 'AU'];
const NOTES = [
  'leave at the door',
  'call before delivery',
  'gift wrap please',
  'fragile',
  'deliver after 6pm',
  'no substitutions',
  'ring twice',
  'back entrance',
];

/** The SELECT that makes `rows` rows; deterministic in `rows`. */
export function generatorSql(rows) {
  return `
SELECT
  i AS id,
  (i % 1000003) + 1 AS customer_id,
  CAST(i // 1000003 + 1 AS INTEGER) AS order_seq,
  CAST(floor(${u(1)} * 100) + 1 AS INTEGER) AS quantity,
  CASE WHEN ${u(2)} < 0.02 THEN NULL ELSE round(${u(3)} * 10000, 2) END AS amount,
  CASE WHEN ${u(4)} < 0.10 THEN NULL ELSE round(${u(5)} * 0.5, 3) END AS discount,
  (${u(6)} + ${u(7)} + ${u(8)} + ${u(9)} - 2.0) * 10 AS score,
  ${pick(['EUR', 'USD', 'GBP', 'CHF', 'JPY'], 10)} AS currency,
  status,
  ${pick([...COUNTRIES, ...COUNTRIES2], 12)} AS country,
  'SKU-' || lpad(CAST(hash(i, 13) % 1000000 AS VARCHAR), 6, '0') AS sku,
  'user' || ((i % 1000003) + 1) || '@' || ${pick(['example.com', 'mail.test', 'shop.example.org'], 14)} AS email,
  created_date,
  created_at,
  CASE WHEN status IN ('shipped', 'delivered')
       THEN created_at + to_seconds(CAST(floor(${u(15)} * 1209600) AS BIGINT)) END AS shipped_at,
  ${u(16)} < 0.07 AS is_gift,
  ${u(17)} < 0.03 AS is_returned,
  ${pick(['web', 'app', 'store', 'phone'], 18)} AS channel,
  CASE WHEN ${u(19)} < 0.6 THEN NULL ELSE CAST(floor(${u(20)} * 5) + 1 AS INTEGER) END AS rating,
  CASE WHEN ${u(21)} < 0.7 THEN NULL ELSE ${pick(NOTES, 22)} || ' #' || CAST(hash(i, 23) % 1000 AS VARCHAR) END AS note
FROM (
  SELECT i,
         ${pick(['placed', 'paid', 'shipped', 'delivered', 'cancelled'], 11)} AS status,
         created_date,
         created_date + to_seconds(CAST(floor(${u(25)} * 86400) AS BIGINT)) AS created_at
  FROM (SELECT i, DATE '2020-01-01' + CAST(floor(${u(24)} * 2191) AS INTEGER) AS created_date
        FROM range(${Number(rows)}) AS t(i))
)
ORDER BY id`;
}

const sqlPath = (p) => `'${p.replaceAll("'", "''")}'`;

/** The paths of the cached files for `rows` rows. */
export function dataPaths(rows) {
  const base = join(DATA_DIR, `orders-${rows}`);
  return { parquet: `${base}.parquet`, csv: `${base}.csv`, stamp: `${base}.stamp.json` };
}

/**
 * Makes sure the Parquet and CSV files for `rows` rows exist (generating them with `duck`, a
 * DuckEngine, when missing or stale). Returns the paths, their sizes and whether they were generated.
 */
export async function ensureData(duck, rows, log = () => {}) {
  mkdirSync(DATA_DIR, { recursive: true });
  const paths = dataPaths(rows);
  const version = String((await duck.query('SELECT version() AS v')).rows[0].v);
  const wanted = { generator: GENERATOR_VERSION, rows, duckdb: version };
  let current = null;
  try {
    current = JSON.parse(readFileSync(paths.stamp, 'utf8'));
  } catch {}
  const fresh =
    current &&
    current.generator === wanted.generator &&
    current.rows === wanted.rows &&
    current.duckdb === wanted.duckdb &&
    existsSync(paths.parquet) &&
    existsSync(paths.csv);
  let seconds = null;
  if (!fresh) {
    log(`generating ${rows.toLocaleString('en-US')} rows × ${COLUMNS.length} columns into ${DATA_DIR}`);
    rmSync(paths.stamp, { force: true });
    const t0 = performance.now();
    const tmpParquet = `${paths.parquet}.tmp`;
    const tmpCsv = `${paths.csv}.tmp`;
    await duck.run(`COPY (${generatorSql(rows)}) TO ${sqlPath(tmpParquet)} (FORMAT parquet)`);
    // The CSV is written from the Parquet file so that both hold exactly the same values, in row order.
    await duck.run(
      `COPY (SELECT * FROM read_parquet(${sqlPath(tmpParquet)})) TO ${sqlPath(tmpCsv)} (FORMAT csv, HEADER)`,
    );
    renameSync(tmpParquet, paths.parquet);
    renameSync(tmpCsv, paths.csv);
    seconds = (performance.now() - t0) / 1000;
    writeFileSync(paths.stamp, `${JSON.stringify({ ...wanted, seconds }, null, 2)}\n`);
    log(`generated in ${seconds.toFixed(1)} s`);
  }
  // The Parquet file must have exactly the declared schema (the suite's column set relies on it).
  const described = (await duck.query(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(paths.parquet)})`)).rows;
  const got = described.map((r) => [String(r.column_name), String(r.column_type)]);
  if (JSON.stringify(got) !== JSON.stringify(COLUMNS))
    throw new Error(
      `${paths.parquet} has columns ${JSON.stringify(got)}, expected ${JSON.stringify(COLUMNS)}`,
    );
  return {
    ...paths,
    rows,
    generated: !fresh,
    generate_seconds: seconds,
    parquet_bytes: statSync(paths.parquet).size,
    csv_bytes: statSync(paths.csv).size,
  };
}

/**
 * Times the CSV → Parquet ingest on `duck`: `COPY (SELECT * FROM read_csv(csv)) TO out (FORMAT
 * parquet)` (DuckDB's defaults: type sniffing, Snappy, its row-group size). Returns the seconds and
 * the rows written (read back from the output's metadata); removes the output.
 */
export async function measureIngest(duck, csv, out) {
  rmSync(out, { force: true });
  const t0 = performance.now();
  await duck.run(`COPY (SELECT * FROM read_csv(${sqlPath(csv)})) TO ${sqlPath(out)} (FORMAT parquet)`);
  const seconds = (performance.now() - t0) / 1000;
  const meta = await duck.query(`SELECT sum(num_rows) AS n FROM parquet_file_metadata(${sqlPath(out)})`);
  const rows = Number(meta.rows[0].n);
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  return { seconds, rows, bytes };
}

// Standalone: generate (or reuse) and print the paths.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000000' } } });
  const { DuckEngine } = await import('../../dist/store/duckdb/duck-engine.js');
  const duck = await DuckEngine.open();
  try {
    const data = await ensureData(duck, Number(values.rows), (m) => console.error('[generate]', m));
    console.log(JSON.stringify(data));
  } finally {
    duck.close();
  }
}
