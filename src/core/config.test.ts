import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configValue, resolveConfig } from './config.js';
import { CONFIG_KEYS } from './config-keys.js';
import type { KilnError } from './errors.js';

function errorOf(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    return e as KilnError;
  }
  throw new Error('expected an error');
}

describe('resolveConfig', () => {
  it('gives every default when nothing is set, frozen', () => {
    const c = resolveConfig();
    expect(c.server.port).toBe(8080);
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.store.url).toBe('sqlite:.kiln/kiln.db');
    expect(c.network.allow).toEqual([]);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.server)).toBe(true);
    expect(Object.isFrozen(c.network.allow)).toBe(true);
    for (const k of CONFIG_KEYS) expect(configValue(c, k.path)).toEqual(k.default);
  });

  it('layers file < environment < flags', () => {
    const c = resolveConfig({
      file: { server: { port: 9000, host: '0.0.0.0' }, network: { allow: ['https://a.example.com'] } },
      env: {
        KILN_PORT: '9100',
        KILN_NETWORK_ALLOW: 'https://b.example.com, http://127.0.0.1:*',
        KILN_METRICS_PUBLIC: 'true',
      },
      overrides: { 'server.port': 9200 },
    });
    expect(c.server.port).toBe(9200);
    expect(c.server.host).toBe('0.0.0.0');
    expect(c.network.allow).toEqual(['https://b.example.com', 'http://127.0.0.1:*']);
    expect(c.metrics.public).toBe(true);
  });

  it('names the file and key of an unknown key', () => {
    const e = errorOf(() => resolveConfig({ file: { server: { prot: 1 } }, fileName: '/w/kiln.yaml' }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('/w/kiln.yaml');
    expect(e.message).toContain('server.prot');
    const s = errorOf(() => resolveConfig({ file: { nope: {} } }));
    expect(s.message).toContain('unknown key "nope"');
  });

  it('names the key, the expectation and the value of a bad value', () => {
    const e = errorOf(() => resolveConfig({ file: { server: { port: 'eighty' } } }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/server\.port: expected an integer ≥ 0 and ≤ 65535, got "eighty"/);
    expect(errorOf(() => resolveConfig({ env: { KILN_PORT: '70000' } })).message).toContain('KILN_PORT');
    expect(errorOf(() => resolveConfig({ env: { KILN_LOG_LEVEL: 'loud' } })).message).toContain(
      'one of trace',
    );
    expect(errorOf(() => resolveConfig({ file: { network: { allow: 'x' } } })).message).toContain(
      'a list of non-empty strings',
    );
    expect(errorOf(() => resolveConfig({ file: { metrics: { public: 'yes' } } })).message).toContain(
      'true or false',
    );
    expect(errorOf(() => resolveConfig({ overrides: { 'server.nope': 1 } })).message).toContain(
      'unknown key',
    );
  });

  it('documents every key, its variable and default in docs/configuration.md', () => {
    const page = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const k of CONFIG_KEYS) {
      expect(page).toContain(`\`${k.path}\``);
      expect(page).toContain(`\`${k.env}\``);
      expect(page).toContain(`\`${JSON.stringify(k.default)}\``);
    }
  });
});
