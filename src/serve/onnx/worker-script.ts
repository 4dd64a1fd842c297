/**
 * @module serve/onnx/worker-script
 * Finds the compiled session worker script that pool threads run.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KilnError } from '../../core/errors.js';

const SCRIPT = 'session-worker.js';
let found: string | undefined;

/**
 * The path of `session-worker.js`. From `dist/` it is this module's compiled sibling. Under vitest
 * this module runs from `src/` as TypeScript, and Node 20 cannot start a worker on a `.ts` file, so
 * it falls back to the compiled copy in `dist/` (test/global-setup.ts builds it before the tests),
 * as `resolveCheckerScript` does for the model checker. Resolved once, on first use.
 * @throws KilnError INTERNAL when neither file exists (run `npm run build`).
 */
export function resolveSessionWorkerScript(): string {
  if (found !== undefined) return found;
  const here = fileURLToPath(import.meta.url);
  const candidates = [join(dirname(here), SCRIPT)];
  if (here.endsWith('.ts')) {
    const srcDir = resolve(dirname(here), '..', '..');
    candidates.push(join(dirname(srcDir), 'dist', relative(srcDir, dirname(here)), SCRIPT));
  }
  found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new KilnError(
      'INTERNAL',
      `the session worker script is missing: expected one of ${candidates.join(', ')} (run npm run build)`,
      { candidates },
    );
  }
  return found;
}
