/**
 * Workspaces for the end-to-end tests: made by the real `kiln init`, read back from disk.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, REPO_DIR, runKiln } from './run-kiln.js';

export const FRAUD_DIR = join(REPO_DIR, 'examples', 'fraud');
export const FIXTURE_MODELS = join(REPO_DIR, 'test', 'fixtures', 'models');

/** Runs `kiln init` in `dir` and returns the admin token it wrote to `.kiln/credentials`. */
export async function initWorkspace(dir: string, env: Env = {}): Promise<string> {
  const r = await runKiln(['init'], { cwd: dir, env });
  if (r.code !== 0) throw new Error(`kiln init failed (${r.code}):\n${r.stderr}`);
  return readCredentials(dir).token;
}

export function readCredentials(dir: string): { url: string; token: string } {
  return JSON.parse(readFileSync(join(dir, '.kiln', 'credentials'), 'utf8')) as {
    url: string;
    token: string;
  };
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
