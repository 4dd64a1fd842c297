/**
 * @module workspace/credentials
 * `.kiln/credentials`: JSON `{"url", "token"}`, mode 0600, holding the admin token `kiln init`
 * created. The CLI uses it when no `--token`/`KILN_TOKEN` is given.
 */
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { KilnError } from '../core/errors.js';
import { STATE_DIR } from './find-workspace.js';

export interface Credentials {
  readonly url: string;
  readonly token: string;
}

export function credentialsPath(workspaceDir: string): string {
  return join(workspaceDir, STATE_DIR, 'credentials');
}

export function writeCredentials(workspaceDir: string, creds: Credentials): void {
  const path = credentialsPath(workspaceDir);
  writeFileAtomic(path, `${JSON.stringify(creds, null, 2)}\n`, 0o600);
  chmodSync(path, 0o600);
}

export function readCredentials(workspaceDir: string): Credentials | null {
  const path = credentialsPath(workspaceDir);
  if (!existsSync(path)) return null;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Credentials;
    if (typeof c.token !== 'string' || typeof c.url !== 'string') throw new Error('missing url or token');
    return c;
  } catch (e) {
    throw new KilnError(
      'CONFIG_INVALID',
      `${path}: expected JSON {"url", "token"}: ${(e as Error).message}`,
      { file: path },
    );
  }
}
