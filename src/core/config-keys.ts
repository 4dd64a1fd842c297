/**
 * @module core/config-keys
 * The table of every configuration key: its place in `kiln.yaml`, its `KILN_*` variable, its type,
 * its default and what it means. `config.ts` resolves and validates against it; the configuration
 * reference in `docs/configuration.md` is checked against it by a test.
 */

export type KeyType = 'string' | 'integer' | 'boolean' | 'string-list' | 'enum';

export interface ConfigKey {
  /** Dotted path in kiln.yaml, e.g. `server.port`. */
  readonly path: string;
  /** Environment variable that overrides the file. */
  readonly env: string;
  readonly type: KeyType;
  readonly default: string | number | boolean | readonly string[];
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** For `string` keys: the empty string is a valid value (meaning off / default). */
  readonly allowEmpty?: boolean;
}

const MiB = 1024 * 1024;

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    path: 'server.host',
    env: 'KILN_HOST',
    type: 'string',
    default: '127.0.0.1',
    description: 'Address the HTTP and gRPC servers bind to. Use 0.0.0.0 only behind a firewall or proxy.',
  },
  {
    path: 'server.port',
    env: 'KILN_PORT',
    type: 'integer',
    default: 8080,
    min: 0,
    max: 65535,
    description: 'HTTP port: control plane `/api/v1`, data plane `/v2`, `/metrics`, `/api/docs`.',
  },
  {
    path: 'server.grpc_port',
    env: 'KILN_GRPC_PORT',
    type: 'integer',
    default: 8081,
    min: 0,
    max: 65535,
    description: 'gRPC port of the Open Inference Protocol service.',
  },
  {
    path: 'server.body_limit_bytes',
    env: 'KILN_BODY_LIMIT_BYTES',
    type: 'integer',
    default: 64 * MiB,
    min: 1024,
    description: 'Largest JSON request body accepted by the HTTP server.',
  },
  {
    path: 'store.url',
    env: 'KILN_STORE',
    type: 'string',
    default: 'sqlite:.kiln/kiln.db',
    description:
      'Metadata store. `sqlite:<path>` (relative to the workspace) or `postgres://user@host:port/db`.',
  },
  {
    path: 'artifacts.path',
    env: 'KILN_ARTIFACTS',
    type: 'string',
    default: '.kiln/artifacts',
    description: 'Folder of the content-addressed artifact store (relative to the workspace).',
  },
  {
    path: 'registry.max_model_bytes',
    env: 'KILN_MAX_MODEL_BYTES',
    type: 'integer',
    default: 512 * MiB,
    min: 1,
    description: 'Largest ONNX file the registry accepts.',
  },
  {
    path: 'registry.inspect_timeout_ms',
    env: 'KILN_INSPECT_TIMEOUT_MS',
    type: 'integer',
    default: 60_000,
    min: 100,
    description: 'Time allowed to the child process that checks an uploaded model.',
  },
  {
    path: 'jobs.concurrency',
    env: 'KILN_JOBS_CONCURRENCY',
    type: 'integer',
    default: 2,
    min: 1,
    max: 64,
    description: 'Jobs a `kiln serve` process runs at once.',
  },
  {
    path: 'jobs.poll_interval_ms',
    env: 'KILN_JOBS_POLL_INTERVAL_MS',
    type: 'integer',
    default: 250,
    min: 10,
    description: 'How often idle workers look for due jobs.',
  },
  {
    path: 'jobs.lease_ms',
    env: 'KILN_JOBS_LEASE_MS',
    type: 'integer',
    default: 30_000,
    min: 100,
    description:
      'A running job whose worker stops renewing its lease for this long is taken over by another worker (at-least-once).',
  },
  {
    path: 'network.allow',
    env: 'KILN_NETWORK_ALLOW',
    type: 'string-list',
    default: [],
    description:
      'Outbound URL patterns Kiln may call (webhooks, alerts, lineage), e.g. `https://*.example.com`, `http://127.0.0.1:*`. Empty: no outbound calls.',
  },
  {
    path: 'data.roots',
    env: 'KILN_DATA_ROOTS',
    type: 'string-list',
    default: [],
    description: 'Folders that file paths arriving through the API must resolve inside (after symlinks).',
  },
  {
    path: 'lineage.file',
    env: 'KILN_LINEAGE_FILE',
    type: 'string',
    allowEmpty: true,
    default: '.kiln/lineage/openlineage.ndjson',
    description:
      'File (relative to the workspace) that OpenLineage RunEvents of pipeline runs are appended to, one JSON per line. Empty: no file.',
  },
  {
    path: 'lineage.url',
    env: 'KILN_LINEAGE_URL',
    type: 'string',
    allowEmpty: true,
    default: '',
    description:
      'Base URL of an OpenLineage HTTP endpoint such as Marquez (events are POSTed to `<url>/api/v1/lineage`); must match `network.allow`. Empty: off.',
  },
  {
    path: 'data.duckdb_memory_limit',
    env: 'KILN_DATA_DUCKDB_MEMORY_LIMIT',
    type: 'string',
    allowEmpty: true,
    default: '',
    description:
      "DuckDB `memory_limit` for pipelines, validation and profiling, e.g. `4GB`. Empty: DuckDB's default (80 % of RAM).",
  },
  {
    path: 'drift.exact_max_rows',
    env: 'KILN_DRIFT_EXACT_MAX_ROWS',
    type: 'integer',
    default: 5_000_000,
    min: 1,
    description:
      'Monitors compute drift exactly (every value in memory) up to this many rows per side; above it they switch to the bounded-memory sketches (error bounds in docs/drift.md).',
  },
  {
    path: 'metrics.public',
    env: 'KILN_METRICS_PUBLIC',
    type: 'boolean',
    default: false,
    description: 'Serve `/metrics` without a token.',
  },
  {
    path: 'log.level',
    env: 'KILN_LOG_LEVEL',
    type: 'enum',
    default: 'info',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    description: 'Level of the structured JSON logs (pino) written to stderr.',
  },
];
