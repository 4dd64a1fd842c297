/**
 * @module workspace/init-workspace
 * `kiln init`: creates `kiln.yaml` and `.kiln/` (metadata database, artifacts, audit key) in a
 * folder, creates the admin token and writes it to `.kiln/credentials` (mode 0600).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_KEYS } from '../core/config-keys.js';
import { KilnError } from '../core/errors.js';
import { SYSTEM_ACTOR } from '../govern/auth/roles.js';
import { openKiln } from '../server/open-kiln.js';
import { writeCredentials } from './credentials.js';
import { CONFIG_FILE, isWorkspace, STATE_DIR } from './find-workspace.js';

export interface InitResult {
  readonly workspaceDir: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly url: string;
  readonly adminToken: string;
}

export async function initWorkspace(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<InitResult> {
  const workspaceDir = resolve(dir);
  if (isWorkspace(workspaceDir)) {
    throw new KilnError(
      'WORKSPACE_EXISTS',
      `${workspaceDir} is already a Kiln workspace (${STATE_DIR}/ exists)`,
      { dir: workspaceDir },
    );
  }
  mkdirSync(join(workspaceDir, STATE_DIR), { recursive: true, mode: 0o700 });
  // Nothing under .kiln/ (database, keys, credentials) belongs in version control.
  writeFileSync(join(workspaceDir, STATE_DIR, '.gitignore'), '*\n');
  const configFile = join(workspaceDir, CONFIG_FILE);
  if (!existsSync(configFile)) writeFileSync(configFile, configTemplate());

  const kiln = await openKiln({ workspaceDir, env });
  try {
    const created = await kiln.tokens.create(SYSTEM_ACTOR, { name: 'admin', role: 'admin' });
    await kiln.audit.record({
      actor: SYSTEM_ACTOR.name,
      action: 'workspace.init',
      resource: 'workspace',
      details: { dir: workspaceDir },
    });
    const url = `http://${kiln.config.server.host}:${kiln.config.server.port}`;
    writeCredentials(workspaceDir, { url, token: created.token });
    return {
      workspaceDir,
      configFile,
      credentialsFile: join(workspaceDir, STATE_DIR, 'credentials'),
      url,
      adminToken: created.token,
    };
  } finally {
    await kiln.close();
  }
}

function configTemplate(): string {
  const lines = [
    '# Kiln workspace configuration. Every key is optional; defaults are shown commented out.',
    '# Reference: docs/configuration.md. Environment variables (KILN_*) override this file.',
    '',
  ];
  let section = '';
  for (const k of CONFIG_KEYS) {
    const [s, name] = k.path.split('.') as [string, string];
    if (s !== section) {
      lines.push(`${section ? '\n' : ''}# ${s}:`);
      section = s;
    }
    lines.push(`#   ${name}: ${JSON.stringify(k.default)}    # ${k.env}`);
  }
  return `${lines.join('\n')}\n`;
}
