/**
 * One real `kiln serve` per conformance file: a workspace made by `kiln init`, the fixture models
 * registered and deployed through the CLI, then the server started on free ports (REST and gRPC).
 * The shared `startServe` reports the REST URL; the gRPC port is read here from the same line.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_MODELS, initWorkspace } from '../support/kiln-workspace.js';
import { type Env, makeTempDir, runKiln, type ServeProcess, startServe } from '../support/run-kiln.js';

/** `Kiln is serving on http://127.0.0.1:PORT (gRPC on port GPORT; …)`. */
const GRPC_PORT_RE = /Kiln is serving on http:\/\/127\.0\.0\.1:\d+ \(gRPC on port (\d+);/;

export type FixtureModel = 'simple' | 'all_types' | 'bytes_identity' | 'mlp_small' | 'fixed_batch';

export interface DeploymentSpec {
  readonly name: string;
  /** `model@version` or `model@alias`. */
  readonly model: string;
  /** Extra `kiln deploy create` flags, e.g. `['--max-batch-size', '8']`. */
  readonly flags?: readonly string[];
}

export interface ConformanceSetup {
  readonly models: readonly FixtureModel[];
  readonly deployments: readonly DeploymentSpec[];
  /** Aliases set before the deployments are created: `[model, alias, version]`. */
  readonly aliases?: readonly (readonly [string, string, number])[];
  /** Aliases removed after the deployments are created (their deployments cannot resolve). */
  readonly removeAliases?: readonly (readonly [string, string])[];
  /** Environment of `kiln serve` (e.g. KILN_BODY_LIMIT_BYTES). */
  readonly serveEnv?: Env;
}

export interface ConformanceKiln {
  readonly dir: string;
  readonly server: ServeProcess;
  readonly url: string;
  readonly grpcPort: number;
  /** The admin token `kiln init` wrote (admin ≥ predictor). */
  readonly token: string;
  /** `{authorization: 'Bearer …'}`. */
  readonly auth: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

async function kiln(dir: string, args: readonly string[]): Promise<void> {
  const r = await runKiln(args, { cwd: dir, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kiln ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
}

/** Builds the workspace and starts the server; rejects with the CLI's output when a step fails. */
export async function startConformanceKiln(
  prefix: string,
  setup: ConformanceSetup,
): Promise<ConformanceKiln> {
  const dir = makeTempDir(prefix);
  const token = await initWorkspace(dir);
  // One at a time: the registry is one SQLite file, and each registration validates in a child.
  for (const m of setup.models) await kiln(dir, ['models', 'register', m, join(FIXTURE_MODELS, `${m}.onnx`)]);
  for (const [model, alias, version] of setup.aliases ?? []) {
    await kiln(dir, ['models', 'alias', model, alias, String(version)]);
  }
  for (const d of setup.deployments) {
    await kiln(dir, ['deploy', 'create', d.name, '--model', d.model, ...(d.flags ?? [])]);
  }
  for (const [model, alias] of setup.removeAliases ?? [])
    await kiln(dir, ['models', 'unalias', model, alias]);
  const server = await startServe({ cwd: dir, env: setup.serveEnv ?? {}, timeoutMs: 60_000 });
  const m = GRPC_PORT_RE.exec(server.stderr());
  if (!m) throw new Error(`kiln serve did not report its gRPC port:\n${server.stderr()}`);
  return {
    dir,
    server,
    url: server.url,
    grpcPort: Number(m[1]),
    token,
    auth: { authorization: `Bearer ${token}` },
    async close() {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
