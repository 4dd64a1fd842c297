/**
 * @module workspace/find-workspace
 * Where the workspace is: `--workspace DIR`, else `KILN_HOME`, else the nearest folder at or above
 * the current one that holds `.kiln/`. Any command but `init` without one fails.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';

export const STATE_DIR = '.kiln';
export const CONFIG_FILE = 'kiln.yaml';

export interface WorkspaceLocator {
  readonly flag?: string | undefined;
  readonly kilnHome?: string | undefined;
  readonly cwd: string;
}

export function findWorkspace(loc: WorkspaceLocator): string {
  const explicit = loc.flag ?? loc.kilnHome;
  if (explicit) {
    const dir = resolve(loc.cwd, explicit);
    if (!isWorkspace(dir)) {
      throw new KilnError(
        'WORKSPACE_NOT_FOUND',
        `no Kiln workspace in ${dir} (no ${STATE_DIR}/ folder); run \`kiln init\` there`,
        {
          dir,
        },
      );
    }
    return dir;
  }
  let dir = resolve(loc.cwd);
  for (;;) {
    if (isWorkspace(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new KilnError('WORKSPACE_NOT_FOUND', 'no Kiln workspace here; run `kiln init`', { cwd: loc.cwd });
}

export function isWorkspace(dir: string): boolean {
  const state = join(dir, STATE_DIR);
  return existsSync(state) && statSync(state).isDirectory();
}
