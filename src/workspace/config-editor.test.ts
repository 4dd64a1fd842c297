import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspaceConfig } from '../server/open-kiln.js';
import { createTestKiln, type TestKiln } from '../server/test-support/test-kiln.js';
import { describeConfig, setConfigValue } from './config-editor.js';

describe('config editor', () => {
  let t: TestKiln;
  beforeAll(async () => {
    t = await createTestKiln();
  });
  afterAll(() => t.close());
  const admin = { name: 'admin', role: 'admin' as const };

  it('sets a key in kiln.yaml, keeping comments, and audits it', async () => {
    const path = join(t.dir, 'kiln.yaml');
    writeFileSync(path, '# my settings\nserver:\n  host: 127.0.0.1 # local only\n');
    const r = await setConfigValue(t.dir, admin, t.kiln.audit, 'server.port', '9100');
    expect(r).toEqual({ key: 'server.port', value: 9100 });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# my settings');
    expect(text).toContain('# local only');
    expect(loadWorkspaceConfig(t.dir, {}).server.port).toBe(9100);
    const events = await t.kiln.audit.list({ action: 'config.set' });
    expect(events.map((e) => e.resource)).toEqual(['config/server.port']);
  });

  it('refuses a bad value or an unknown key without touching the file', async () => {
    const path = join(t.dir, 'kiln.yaml');
    const before = readFileSync(path, 'utf8');
    await expect(setConfigValue(t.dir, admin, t.kiln.audit, 'server.port', 'eighty')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(setConfigValue(t.dir, admin, t.kiln.audit, 'server.nope', '1')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('reports each value with its source and masks passwords', () => {
    const env = { KILN_STORE: 'postgres://kiln:hunter2@db:5432/kiln', KILN_LOG_LEVEL: 'silent' };
    const config = loadWorkspaceConfig(t.dir, env);
    const entries = describeConfig(config, t.dir, env);
    const byKey = Object.fromEntries(entries.map((e) => [e.key, e]));
    expect(byKey['server.port']).toMatchObject({ value: 9100, source: 'file' });
    expect(byKey['store.url']?.source).toBe('environment');
    expect(JSON.stringify(entries)).not.toContain('hunter2');
    expect(byKey['metrics.public']).toMatchObject({ value: false, source: 'default' });
  });
});
