/**
 * Runs the compiled CLI (`dist/cli/main.js`) as a child process, the way a user runs `kiln`: one
 * command to completion ({@link runKiln}), one command to be killed midway ({@link spawnKiln}), or
 * `kiln serve` until it is stopped ({@link startServe}). The child gets the test's environment
 * minus every `KILN_*` variable (a developer's own KILN_HOME or KILN_TOKEN must not leak in), plus
 * the variables the test passes. Every child is remembered so {@link killLeftoverChildren} can end
 * the ones a failing test left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const KILN_MAIN = join(REPO_DIR, 'dist', 'cli', 'main.js');

export type Env = Readonly<Record<string, string | undefined>>;

export interface RunOptions {
  /** Working directory of the command. */
  readonly cwd: string;
  /** Added to the environment (after every inherited KILN_* variable is removed). */
  readonly env?: Env;
  /** The child is killed with SIGKILL and the promise rejects after this long (default 30 s). */
  readonly timeoutMs?: number;
}

export interface KilnResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KilnProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited and its output is closed. */
  readonly exited: Promise<KilnResult>;
}

const live = new Set<ChildProcess>();

export function childEnv(extra: Env = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KILN_') && v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `kiln <args>` and returns at once. */
export function spawnKiln(args: readonly string[], options: RunOptions): KilnProcess {
  const child = spawn(process.execPath, [KILN_MAIN, ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<KilnResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `kiln <args>` to completion; rejects (after killing it) when it outlives the timeout. */
export async function runKiln(args: readonly string[], options: RunOptions): Promise<KilnResult> {
  const p = spawnKiln(args, options);
  return withTimeout(p, options.timeoutMs ?? 30_000, `kiln ${args.join(' ')}`);
}

/** Like {@link runKiln} with `--json`, and the stdout parsed; throws with the output when it failed. */
export async function runKilnJson<T>(args: readonly string[], options: RunOptions): Promise<T> {
  const r = await runKiln(['--json', ...args], options);
  if (r.code !== 0) throw new Error(`kiln --json ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Waits for the exit; SIGKILLs the process and rejects with its output after `timeoutMs`. */
export function waitForExit(p: KilnProcess, timeoutMs: number, what: string): Promise<KilnResult> {
  return withTimeout(p, timeoutMs, what);
}

/** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
export async function stopProcess(
  p: KilnProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 20_000,
): Promise<KilnResult> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return withTimeout(p, timeoutMs, `stopping pid ${p.child.pid} with ${signal}`);
}

export interface ServeProcess extends KilnProcess {
  readonly url: string;
  readonly port: number;
  /** SIGTERM (default) or SIGKILL, then the exit; SIGKILL if it does not exit within the timeout. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<KilnResult>;
}

const SERVING_RE = /Kiln is serving on (http:\/\/127\.0\.0\.1:(\d+))/;

/**
 * Starts `kiln serve --port 0` in `options.cwd` (or with `--workspace`, via `args`) and resolves
 * once it prints the line with its URL; rejects with its output if it exits or times out first.
 */
export async function startServe(
  options: RunOptions & { readonly args?: readonly string[] },
): Promise<ServeProcess> {
  const p = spawnKiln([...(options.args ?? []), 'serve', '--port', '0', '--grpc-port', '0'], options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      p.child.kill('SIGKILL');
      reject(new Error(`kiln serve did not report its URL within ${timeoutMs} ms:\n${p.stderr()}`));
    }, timeoutMs);
    const check = () => {
      const m = SERVING_RE.exec(p.stderr());
      if (m) {
        clearTimeout(timer);
        p.child.stderr?.off('data', check);
        resolve(m);
      }
    };
    p.child.stderr?.on('data', check);
    p.exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`kiln serve exited (${r.code ?? r.signal}) before serving:\n${r.stderr}`));
    }, reject);
    check();
  });
  return {
    ...p,
    url: match[1]!,
    port: Number(match[2]),
    stop: (signal = 'SIGTERM', stopTimeoutMs = 20_000) => stopProcess(p, signal, stopTimeoutMs),
  };
}

/** Resolves once `predicate()` is truthy; rejects with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  predicate: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A fresh temporary folder (symlinks resolved, as the CLI prints resolved paths). */
export function makeTempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `kiln-e2e-${prefix}-`)));
}

/** SIGKILLs every child this module started that is still running (for afterAll). */
export function killLeftoverChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

async function withTimeout(p: KilnProcess, timeoutMs: number, what: string): Promise<KilnResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      p.child.kill('SIGKILL');
      reject(
        new Error(`${what}: no exit within ${timeoutMs} ms\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
