/**
 * @module cli/cli-context
 * What every command gets: the global flags, a lazily opened API client (local workspace in this
 * process, or a remote server with `--url`), and output that honours `--json`. Errors are caught
 * once, at the boundary, printed to stderr with their stable code, and turned into exit code 1.
 */
import { KilnError, toKilnError } from '../core/errors.js';
import type { Kiln } from '../server/open-kiln.js';
import { readCredentials } from '../workspace/credentials.js';
import { findWorkspace } from '../workspace/find-workspace.js';
import { type ApiClient, HttpApiClient } from './api-client.js';

export interface GlobalOptions {
  readonly workspace?: string;
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly stderrIsTTY?: boolean;
}

export class CliContext {
  readonly io: CliIo;
  #opts: GlobalOptions = {};
  #client: ApiClient | null = null;
  #kiln: Kiln | null = null;
  /** What the process exits with when the command succeeds (e.g. 1: a validation failed). */
  exitCode = 0;

  constructor(io: CliIo) {
    this.io = io;
  }

  setOptions(opts: GlobalOptions): void {
    this.#opts = opts;
  }

  get json(): boolean {
    return this.#opts.json === true;
  }

  /** The workspace folder (local mode); WORKSPACE_NOT_FOUND when there is none. */
  workspaceDir(): string {
    return findWorkspace({ flag: this.#opts.workspace, kilnHome: this.io.env.KILN_HOME, cwd: this.io.cwd });
  }

  /** True with `--url`: the command goes to a remote server, never to local services. */
  get remote(): boolean {
    return this.#opts.url !== undefined;
  }

  /**
   * The actor for commands that call local services directly (they read the user's own files,
   * which the API would confine to `data.roots`): the token given, else the workspace's own.
   */
  async localActor(): Promise<import('../govern/auth/roles.js').Actor> {
    const kiln = await this.openLocal();
    const token = this.#opts.token ?? this.io.env.KILN_TOKEN ?? readCredentials(this.workspaceDir())?.token;
    if (!token)
      throw new KilnError('UNAUTHENTICATED', 'no token: pass --token, set KILN_TOKEN, or run kiln init');
    return kiln.tokens.authenticate(token);
  }

  /** Services of the local workspace, for commands that run locally only (serve, init). */
  async openLocal(overrides: Record<string, unknown> = {}): Promise<Kiln> {
    // Loaded on first use: `--help` and remote commands never pay for the server's modules.
    const { openKiln } = await import('../server/open-kiln.js');
    if (!this.#kiln)
      this.#kiln = await openKiln({ workspaceDir: this.workspaceDir(), env: this.io.env, overrides });
    return this.#kiln;
  }

  async client(): Promise<ApiClient> {
    if (this.#client) return this.#client;
    const token = this.#opts.token ?? this.io.env.KILN_TOKEN;
    if (this.#opts.url) {
      this.#client = new HttpApiClient(this.#opts.url, token);
      return this.#client;
    }
    const dir = this.workspaceDir();
    const kiln = await this.openLocal();
    const [{ buildHttpApp }, { ALL_ROUTES }, { InProcessApiClient }] = await Promise.all([
      import('../server/http/http-app.js'),
      import('../server/http/routes/index.js'),
      import('./in-process-api-client.js'),
    ]);
    const { app } = await buildHttpApp({ services: kiln, routes: ALL_ROUTES, logger: false });
    const creds = token ? null : readCredentials(dir);
    this.#client = new InProcessApiClient(app, token ?? creds?.token, async () => {});
    return this.#client;
  }

  /** Prints `data` as JSON with --json, else as `human(data)`. */
  print<T>(data: T, human: (d: T) => string): void {
    if (this.json) this.io.stdout(`${JSON.stringify(data, null, 2)}\n`);
    else {
      const text = human(data);
      if (text) this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** Prints an error to stderr, in JSON with --json. */
  printError(e: unknown): void {
    const err = toKilnError(e);
    if (this.json) this.io.stderr(`${JSON.stringify({ error: err.toJSON() })}\n`);
    else if (err.code === 'INTERNAL' && !(e instanceof KilnError))
      this.io.stderr(`error [INTERNAL]: ${err.message}\n${(e as Error)?.stack ?? ''}\n`);
    else this.io.stderr(`error [${err.code}]: ${err.message}\n`);
  }

  async close(): Promise<void> {
    await this.#client?.close();
    this.#client = null;
    await this.#kiln?.close();
    this.#kiln = null;
  }
}
