import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyPiiHasher, loadOrCreateSalt, piiHasher, SALT_FILE } from './pii-salt.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-salt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the inference-log salt', () => {
  it('is created on first use (64 hex digits, mode 0600) and read back unchanged after', () => {
    const keys = join(dir, 'a', 'keys');
    const hash = lazyPiiHasher(keys);
    expect(() => statSync(join(keys, SALT_FILE))).toThrow();
    const h1 = hash('alice@example.com');
    const text = readFileSync(join(keys, SALT_FILE), 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(join(keys, SALT_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSalt(keys).toString('hex')).toBe(text.trim());
    expect(lazyPiiHasher(keys)('alice@example.com')).toBe(h1);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs between workspaces, so hashes cannot be joined across them', () => {
    const a = lazyPiiHasher(join(dir, 'w1'))('alice@example.com');
    const b = lazyPiiHasher(join(dir, 'w2'))('alice@example.com');
    expect(a).not.toBe(b);
  });

  it('is HMAC-SHA256 keyed with the salt (RFC 4231 test case 2)', () => {
    expect(piiHasher(Buffer.from('Jefe'))('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('refuses a damaged salt file with CONFIG_INVALID instead of replacing it', () => {
    const keys = join(dir, 'bad');
    loadOrCreateSalt(keys);
    writeFileSync(join(keys, SALT_FILE), 'not hex\n');
    expect(() => loadOrCreateSalt(keys)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
