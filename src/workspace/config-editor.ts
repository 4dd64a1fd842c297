/**
 * @module workspace/config-editor
 * Reads and changes a workspace's `kiln.yaml` from the CLI or API. A change is validated against
 * the whole configuration before the file is replaced (atomically, keeping its comments), audited
 * as `config.set`, and takes effect when the server restarts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { writeFileAtomic } from '../core/atomic-file.js';
import { configValue, type KilnConfig, readConfigFile, resolveConfig } from '../core/config.js';
import { CONFIG_KEYS } from '../core/config-keys.js';
import { KilnError } from '../core/errors.js';
import type { AuditLog } from '../govern/audit/audit-log.js';
import type { Actor } from '../govern/auth/roles.js';
import { CONFIG_FILE } from './find-workspace.js';

export interface ConfigEntry {
  readonly key: string;
  readonly value: unknown;
  readonly default: unknown;
  readonly env: string;
  /** Where the value in force comes from. */
  readonly source: 'default' | 'file' | 'environment' | 'flag';
}

/** Every key with its value in force and where it came from; passwords in URLs are masked. */
export function describeConfig(
  config: KilnConfig,
  workspaceDir: string,
  env: Readonly<Record<string, string | undefined>>,
): ConfigEntry[] {
  const path = join(workspaceDir, CONFIG_FILE);
  const file = existsSync(path) ? (readConfigFile(path) as Record<string, Record<string, unknown>>) : {};
  return CONFIG_KEYS.map((k) => {
    const [section, name] = k.path.split('.') as [string, string];
    const inFile = file?.[section]?.[name] !== undefined;
    const inEnv = env[k.env] !== undefined && env[k.env] !== '';
    const value = configValue(config, k.path);
    const fromFile = inFile ? resolveConfig({ file: { [section]: { [name]: file[section]![name] } } }) : null;
    const source: ConfigEntry['source'] = inEnv
      ? 'environment'
      : inFile && JSON.stringify(configValue(fromFile!, k.path)) === JSON.stringify(value)
        ? 'file'
        : JSON.stringify(value) === JSON.stringify(k.default)
          ? 'default'
          : 'flag';
    return { key: k.path, value: maskSecrets(value), default: k.default, env: k.env, source };
  });
}

/** Sets `key` in kiln.yaml to `raw` (parsed as YAML: `9000`, `true`, `[a, b]`, `text`). */
export async function setConfigValue(
  workspaceDir: string,
  actor: Actor,
  audit: AuditLog,
  key: string,
  raw: string,
): Promise<{ key: string; value: unknown }> {
  if (!CONFIG_KEYS.some((k) => k.path === key)) {
    throw new KilnError(
      'CONFIG_INVALID',
      `unknown key "${key}" (known keys: ${CONFIG_KEYS.map((k) => k.path).join(', ')})`,
      { key },
    );
  }
  const path = join(workspaceDir, CONFIG_FILE);
  const doc = parseDocument(existsSync(path) ? readFileSync(path, 'utf8') : '', { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new KilnError('CONFIG_INVALID', `${path}: not valid YAML: ${doc.errors[0]?.message}`, {
      file: path,
    });
  const value = parseDocument(raw).toJS();
  const [section, name] = key.split('.') as [string, string];
  doc.setIn([section, name], value);
  // Validate the whole file as it would be, before anything is written.
  const resolved = resolveConfig({ file: doc.toJS() ?? {}, fileName: path });
  writeFileAtomic(path, doc.toString());
  const applied = configValue(resolved, key);
  await audit.record({
    actor: actor.name,
    action: 'config.set',
    resource: `config/${key}`,
    details: { value: maskSecrets(applied) },
  });
  return { key, value: maskSecrets(applied) };
}

function maskSecrets(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    const u = new URL(v);
    if (u.password) {
      u.password = '***';
      return u.toString();
    }
  } catch {
    // not a URL
  }
  return v;
}
