/**
 * @module registry/onnx/inspect-model
 * Inspects an uploaded ONNX file before the registry accepts it. The checks and the trial load run in
 * a forked child process (inspect-child), never in the caller's process: a malformed model can crash
 * or hang ONNX Runtime's native code, and that must cost a child, not the server.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ErrorDetails, isErrorCode, KilnError } from '../../core/errors.js';
import type { CheckerReply } from './inspect-child.js';
import type { ModelSignature } from './model-signature.js';
import type { OnnxModelInfo } from './onnx-model-info.js';

/** What the registry learns about a model file it accepts. */
export interface ModelInspection {
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly info: OnnxModelInfo;
  readonly signature: ModelSignature;
}

export interface InspectModelOptions {
  /** Largest accepted file, in bytes; checked from the file's size before anything is read. */
  readonly maxBytes: number;
  /** How long the checker may take to read and load the model before it is killed. */
  readonly timeoutMs: number;
  /** Extra Node.js flags for the checker process, e.g. `--max-old-space-size=512`. */
  readonly execArgv?: readonly string[];
}

/** First argument of the checker process; inspect-child runs only when it sees it. */
export const CHECKER_FLAG = '--kiln-model-checker';

const STDERR_TAIL_CHARS = 2000;

/**
 * Checks the model file at `path` in a child process and returns what it found.
 * @throws KilnError PAYLOAD_TOO_LARGE when the file is over `maxBytes` (nothing is read);
 *   INVALID_ARGUMENT when `path` is not a regular file or the options are bad; INVALID_MODEL when the
 *   file is not ONNX, is corrupt, uses external data, has no graph or no inputs, has non-tensor
 *   outputs (ZipMap), fails to load in ONNX Runtime, or when the checker process dies or times out.
 */
export async function inspectModelFile(path: string, options: InspectModelOptions): Promise<ModelInspection> {
  const { maxBytes, timeoutMs } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new KilnError('INVALID_ARGUMENT', `maxBytes: expected a positive integer, got ${maxBytes}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new KilnError('INVALID_ARGUMENT', `timeoutMs: expected a positive number, got ${timeoutMs}`);
  }
  const absolute = resolve(path);
  const stats = await stat(absolute).catch((e: NodeJS.ErrnoException) => {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `model file: expected an existing file, got ${e.code ?? e.message}`,
      {
        field: 'path',
        path,
      },
    );
  });
  if (!stats.isFile()) {
    throw new KilnError('INVALID_ARGUMENT', 'model file: expected a regular file, got something else', {
      path,
    });
  }
  // Checked here as well as in the child: an oversize file costs no process.
  if (stats.size > maxBytes) throw tooLarge(stats.size, maxBytes);
  const reply = await runChecker(absolute, options);
  if (reply.ok) return reply.inspection;
  throw new KilnError(isErrorCode(reply.code) ? reply.code : 'INTERNAL', reply.message, reply.details);
}

/** The PAYLOAD_TOO_LARGE error for a model file; parent and child raise the same one. */
export function tooLarge(sizeBytes: number, maxBytes: number): KilnError {
  return new KilnError(
    'PAYLOAD_TOO_LARGE',
    `model file: expected at most ${maxBytes} bytes, got ${sizeBytes} bytes`,
    {
      sizeBytes,
      maxBytes,
    },
  );
}

function runChecker(path: string, options: InspectModelOptions): Promise<CheckerReply> {
  const script = resolveCheckerScript();
  return new Promise((resolvePromise, reject) => {
    // execArgv is set explicitly so the checker does not inherit the caller's flags (a test runner's
    // loaders, --inspect ports).
    const child = fork(script, [CHECKER_FLAG, path, String(options.maxBytes)], {
      execArgv: [...(options.execArgv ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let reply: CheckerReply | undefined;
    let timedOut = false;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('message', (message) => {
      reply = message as CheckerReply;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new KilnError(
          'INTERNAL',
          `could not start the model checker process: ${e.message}`,
          {},
          { cause: e },
        ),
      );
    });
    // 'close' comes after 'exit' and after the IPC channel closes, so a sent reply has arrived by then.
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (reply !== undefined) {
        resolvePromise(reply);
        return;
      }
      const details: ErrorDetails = { exitCode, signal, timeoutMs: options.timeoutMs, stderr: stderr.trim() };
      const how = timedOut
        ? `timed out after ${options.timeoutMs} ms and was killed`
        : signal !== null
          ? `signal ${signal}`
          : `exit code ${exitCode} without a reply`;
      reject(
        new KilnError(
          'INVALID_MODEL',
          `the model checker process died (${how}) while loading the model; the file is likely corrupt`,
          details,
        ),
      );
    });
  });
}

let checkerScript: string | undefined;

/**
 * Finds the checker script. From `dist/` it is the compiled sibling `inspect-child.js`. Under vitest
 * this module runs from `src/` as TypeScript, and Node 20 cannot run a `.ts` child (no
 * --experimental-strip-types, and no tsx among the dependencies), so it falls back to the compiled
 * copy of the same file in `dist/`: test/global-setup.ts runs `npm run build` before the tests so
 * that copy matches the sources. Resolved once, on first use (nothing happens at import time).
 */
export function resolveCheckerScript(): string {
  if (checkerScript !== undefined) return checkerScript;
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'inspect-child.js');
  const candidates = [sibling];
  if (here.endsWith('.ts')) {
    const srcDir = resolve(dirname(here), '..', '..');
    candidates.push(join(dirname(srcDir), 'dist', relative(srcDir, dirname(here)), 'inspect-child.js'));
  }
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new KilnError(
      'INTERNAL',
      `the model checker script is missing: expected one of ${candidates.join(', ')} (run npm run build)`,
      { candidates },
    );
  }
  checkerScript = found;
  return found;
}
