/**
 * @module monitor/inference-log/pii-salt
 * The workspace's secret salt for hashing personal data in the inference log, kept in
 * `.kiln/keys/inference-log-salt` (32 random bytes, hex, mode 0600), created the first time a value
 * is hashed. A hash is HMAC-SHA256 keyed with the salt, over the value's text form, as hex: equal
 * values give equal hashes within a workspace (so rows of one data subject can be found and
 * erased), and without the salt a hash cannot be checked against guessed values. The salt is never
 * logged or written anywhere else. Replicas sharing one log must share the salt file.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../../core/errors.js';

export const SALT_FILE = 'inference-log-salt';

/** Reads the salt in `keysDir`, creating it (and the folder) when there is none. */
export function loadOrCreateSalt(keysDir: string): Buffer {
  const file = join(keysDir, SALT_FILE);
  try {
    return parse(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: if another process created it in the meantime, its salt wins and is read below.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return parse(readFileSync(file, 'utf8'), file);
}

function parse(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new KilnError('CONFIG_INVALID', `${file}: expected 64 hex digits (the inference-log salt)`, {
      file,
    });
  }
  return Buffer.from(hex, 'hex');
}

/** Hashes a value's text form with the salt. */
export type PiiHash = (value: string) => string;

export function piiHasher(salt: Buffer): PiiHash {
  return (value) => createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}

/** A hasher that reads (or creates) the salt in `keysDir` on its first use. */
export function lazyPiiHasher(keysDir: string): PiiHash {
  let hash: PiiHash | null = null;
  return (value) => {
    hash ??= piiHasher(loadOrCreateSalt(keysDir));
    return hash(value);
  };
}
