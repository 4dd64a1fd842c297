/**
 * @module core/config
 * Resolves Kiln's configuration once: defaults ← `kiln.yaml` ← `KILN_*` environment ← flags, each
 * value validated against {@link CONFIG_KEYS}, the result deeply frozen. Library code receives the
 * resolved object; it never reads `process.env` itself.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CONFIG_KEYS, type ConfigKey } from './config-keys.js';
import { KilnError } from './errors.js';

export interface KilnConfig {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly grpc_port: number;
    readonly body_limit_bytes: number;
  };
  readonly store: { readonly url: string };
  readonly artifacts: { readonly path: string };
  readonly registry: { readonly max_model_bytes: number; readonly inspect_timeout_ms: number };
  readonly jobs: {
    readonly concurrency: number;
    readonly poll_interval_ms: number;
    readonly lease_ms: number;
  };
  readonly network: { readonly allow: readonly string[] };
  readonly data: { readonly roots: readonly string[]; readonly duckdb_memory_limit: string };
  readonly lineage: { readonly file: string; readonly url: string };
  readonly drift: { readonly exact_max_rows: number };
  readonly metrics: { readonly public: boolean };
  readonly log: { readonly level: string };
}

/** Values given on the command line, keyed by dotted path (`server.port`). */
export type ConfigOverrides = Readonly<Record<string, unknown>>;

export interface ResolveConfigOptions {
  /** Parsed content of kiln.yaml (or undefined when there is none). */
  readonly file?: unknown;
  /** Name shown in errors about the file's content. */
  readonly fileName?: string;
  /** Environment to read `KILN_*` variables from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: ConfigOverrides;
}

const KEYS_BY_PATH = new Map(CONFIG_KEYS.map((k) => [k.path, k]));

/** Defaults ← file ← env ← overrides, validated and frozen. */
export function resolveConfig(options: ResolveConfigOptions = {}): KilnConfig {
  const fileName = options.fileName ?? 'kiln.yaml';
  const values = new Map<string, unknown>();
  for (const key of CONFIG_KEYS) values.set(key.path, key.default);

  for (const [path, raw] of flattenFile(options.file, fileName)) {
    const key = KEYS_BY_PATH.get(path);
    if (!key) throw unknownKey(fileName, path);
    values.set(path, coerce(key, raw, `${fileName}: ${path}`, false));
  }
  const env = options.env ?? {};
  for (const key of CONFIG_KEYS) {
    const raw = env[key.env];
    if (raw !== undefined && raw !== '')
      values.set(key.path, coerce(key, raw, `environment ${key.env}`, true));
  }
  for (const [path, raw] of Object.entries(options.overrides ?? {})) {
    if (raw === undefined) continue;
    const key = KEYS_BY_PATH.get(path);
    if (!key) throw unknownKey('flags', path);
    values.set(path, coerce(key, raw, `flag for ${path}`, typeof raw === 'string'));
  }
  return deepFreeze(unflatten(values)) as unknown as KilnConfig;
}

/** Reads and parses a kiln.yaml; a YAML error names the file and line. */
export function readConfigFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    // `yaml` never executes tags; custom tags are reported as errors by the strict schema.
    return parseYaml(text, { schema: 'core', strict: true, uniqueKeys: true }) ?? {};
  } catch (e) {
    throw new KilnError('CONFIG_INVALID', `${path}: not valid YAML: ${(e as Error).message}`, { file: path });
  }
}

/** The value of one key, read by dotted path. */
export function configValue(config: KilnConfig, path: string): unknown {
  let cur: unknown = config;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown>)[part];
  return cur;
}

function flattenFile(file: unknown, fileName: string): Array<[string, unknown]> {
  if (file === undefined || file === null) return [];
  if (!isPlainObject(file)) {
    throw new KilnError('CONFIG_INVALID', `${fileName}: expected a mapping of sections, got ${typeof file}`, {
      file: fileName,
    });
  }
  const out: Array<[string, unknown]> = [];
  for (const [section, body] of Object.entries(file)) {
    const sectionKnown = CONFIG_KEYS.some((k) => k.path.startsWith(`${section}.`));
    if (!sectionKnown) throw unknownKey(fileName, section);
    if (!isPlainObject(body)) {
      throw new KilnError(
        'CONFIG_INVALID',
        `${fileName}: ${section}: expected a mapping, got ${JSON.stringify(body)}`,
        {
          file: fileName,
          key: section,
        },
      );
    }
    for (const [name, value] of Object.entries(body)) out.push([`${section}.${name}`, value]);
  }
  return out;
}

function unknownKey(where: string, path: string): KilnError {
  const known = CONFIG_KEYS.map((k) => k.path).join(', ');
  return new KilnError('CONFIG_INVALID', `${where}: unknown key "${path}" (known keys: ${known})`, {
    file: where,
    key: path,
  });
}

function coerce(key: ConfigKey, raw: unknown, where: string, fromString: boolean): unknown {
  const bad = (expected: string) =>
    new KilnError('CONFIG_INVALID', `${where}: expected ${expected}, got ${JSON.stringify(raw)}`, {
      key: key.path,
      expected,
      got: raw,
    });
  switch (key.type) {
    case 'string':
      if (typeof raw !== 'string' || (raw.length === 0 && key.allowEmpty !== true))
        throw bad(key.allowEmpty ? 'a string' : 'a non-empty string');
      return raw;
    case 'enum':
      if (typeof raw !== 'string' || !key.values?.includes(raw))
        throw bad(`one of ${key.values?.join(', ')}`);
      return raw;
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (fromString && typeof raw === 'string' && /^(true|false|1|0)$/.test(raw))
        return raw === 'true' || raw === '1';
      throw bad('true or false');
    }
    case 'integer': {
      const n = fromString && typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      const range = `an integer${key.min !== undefined ? ` ≥ ${key.min}` : ''}${key.max !== undefined ? ` and ≤ ${key.max}` : ''}`;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad(range);
      if ((key.min !== undefined && n < key.min) || (key.max !== undefined && n > key.max)) throw bad(range);
      return n;
    }
    case 'string-list': {
      const list =
        fromString && typeof raw === 'string'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : raw;
      if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.length > 0)) {
        throw bad('a list of non-empty strings');
      }
      return [...list];
    }
  }
}

function unflatten(values: Map<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [path, value] of values) {
    const [section, name] = path.split('.') as [string, string];
    out[section] ??= {};
    out[section][name] = value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}
