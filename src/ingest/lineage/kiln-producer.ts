/**
 * @module ingest/lineage/kiln-producer
 * The `producer` URI of Kiln's OpenLineage events: the source tree of the Kiln release that made
 * them, `https://github.com/kiln-ml/kiln/tree/v<version>`. The version comes from Kiln's own
 * package.json, found by walking up from this module (the same from `src/` and from `dist/`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KilnError, invalid } from '../../core/errors.js';

const PACKAGE_NAME = 'kiln-ml';
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The producer URI for a Kiln version (`0.1.0` → `https://github.com/kiln-ml/kiln/tree/v0.1.0`). */
export function kilnProducer(version: string): string {
  if (typeof version !== 'string' || !SEMVER.test(version)) {
    throw invalid('version', 'a semantic version such as 0.1.0', version);
  }
  return `https://github.com/kiln-ml/kiln/tree/v${version}`;
}

let cached: string | undefined;

/**
 * The `version` of the nearest package.json named `kiln-ml` above `from` (default: this module).
 * INTERNAL when there is none: Kiln is installed without its package.json.
 */
export function readKilnVersion(from?: string): string {
  const useCache = from === undefined;
  if (useCache && cached) return cached;
  const start = from ?? dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    const found = readPackage(join(dir, 'package.json'));
    if (found?.name === PACKAGE_NAME && typeof found.version === 'string') {
      if (useCache) cached = found.version;
      return found.version;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new KilnError('INTERNAL', `no package.json named "${PACKAGE_NAME}" found above ${start}`, {
    from: start,
  });
}

function readPackage(path: string): { name?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return null;
  }
}
