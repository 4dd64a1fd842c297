/**
 * @module govern/audit/checkpoint-signer
 * The workspace's Ed25519 audit key and the signing of checkpoints with it.
 *
 * The key lives in `keyDir` as two PEM files: `audit-ed25519.key` (PKCS#8, mode 0600) and
 * `audit-ed25519.pub` (SPKI). They are created on first use; the private key is written to a temp
 * file, fsynced and then hard-linked into place, so a crash never leaves half a key and two
 * processes starting together end up sharing one key (the loser of the race loads the winner's).
 *
 * A checkpoint's signature is Ed25519 over the RFC 8785 canonical JSON of
 * `{key_id, root_hash, time, tree_size}`, base64; `key_id` is the hex SHA-256 of the raw 32-byte
 * public key.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../../core/errors.js';
import type { SignedCheckpoint } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';

export const PRIVATE_KEY_FILE = 'audit-ed25519.key';
export const PUBLIC_KEY_FILE = 'audit-ed25519.pub';

/** What is signed: a checkpoint without its signature. `key_id`, when given, must be the signer's. */
export interface UnsignedCheckpoint {
  readonly tree_size: number;
  readonly root_hash: string;
  readonly time: string;
  readonly key_id?: string;
}

export class CheckpointSigner {
  /** Hex SHA-256 of the raw 32-byte Ed25519 public key. */
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly #privateKey: KeyObject;

  private constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey);
  }

  /**
   * Loads the key from `keyDir`, creating it (and the folder, mode 0700) when absent.
   * @throws KilnError AUDIT_TAMPERED when the `.pub` file is not the public half of the `.key` file;
   *   INTERNAL when the key file cannot be read or is not an Ed25519 private key.
   */
  static async loadOrCreate(keyDir: string): Promise<CheckpointSigner> {
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    const keyPath = join(keyDir, PRIVATE_KEY_FILE);
    let pem = await readIfExists(keyPath);
    if (pem === null) {
      const fresh = generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      pem = (await createExclusively(keyDir, keyPath, fresh)) ? fresh : await readFile(keyPath, 'utf8');
    }
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch (e) {
      throw new KilnError(
        'INTERNAL',
        `${keyPath} is not a PEM private key: ${(e as Error).message}`,
        { path: keyPath },
        { cause: e },
      );
    }
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new KilnError('INTERNAL', `${keyPath}: expected an Ed25519 key, got ${key.asymmetricKeyType}`, {
        path: keyPath,
      });
    }
    const signer = new CheckpointSigner(key);
    const pubPath = join(keyDir, PUBLIC_KEY_FILE);
    const pub = await readIfExists(pubPath);
    if (pub === null) {
      await writeAtomically(keyDir, pubPath, signer.publicKeyPem, 0o644);
    } else if (keyIdOfPem(pub, pubPath) !== signer.keyId) {
      throw new KilnError('AUDIT_TAMPERED', `${pubPath} is not the public half of ${keyPath}`, {
        path: pubPath,
      });
    }
    return signer;
  }

  /** A signer with a fresh key held only in memory (tests, throwaway workspaces). */
  static ephemeral(): CheckpointSigner {
    return new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  }

  /** Signs a checkpoint; the result carries this signer's `key_id` but no `public_key`. */
  sign(cp: UnsignedCheckpoint): SignedCheckpoint {
    if (cp.key_id !== undefined && cp.key_id !== this.keyId) {
      throw new KilnError('INVALID_ARGUMENT', `key_id: expected ${this.keyId}, got ${cp.key_id}`, {
        field: 'key_id',
      });
    }
    const body = { tree_size: cp.tree_size, root_hash: cp.root_hash, time: cp.time, key_id: this.keyId };
    const signature = sign(null, Buffer.from(canonicalJson(body), 'utf8'), this.#privateKey).toString(
      'base64',
    );
    return { ...body, signature };
  }

  /**
   * True when `cp.signature` is a valid Ed25519 signature by `publicKeyPem` over `cp`'s canonical
   * JSON and `cp.key_id` names that key. Never throws: anything malformed is simply not valid.
   */
  static verifyCheckpoint(cp: SignedCheckpoint, publicKeyPem: string): boolean {
    try {
      const publicKey = createPublicKey(publicKeyPem);
      if (publicKey.asymmetricKeyType !== 'ed25519' || keyIdOf(publicKey) !== cp.key_id) return false;
      if (!Number.isSafeInteger(cp.tree_size) || cp.tree_size < 0 || typeof cp.signature !== 'string')
        return false;
      const body = { tree_size: cp.tree_size, root_hash: cp.root_hash, time: cp.time, key_id: cp.key_id };
      return verify(
        null,
        Buffer.from(canonicalJson(body), 'utf8'),
        publicKey,
        Buffer.from(cp.signature, 'base64'),
      );
    } catch {
      return false;
    }
  }
}

/** Hex SHA-256 of the raw 32-byte Ed25519 public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return createHash('sha256').update(raw).digest('hex');
}

function keyIdOfPem(pem: string, path: string): string {
  try {
    return keyIdOf(createPublicKey(pem));
  } catch (e) {
    throw new KilnError('AUDIT_TAMPERED', `${path} is not a PEM public key`, { path }, { cause: e });
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KilnError('INTERNAL', `cannot read ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
}

async function writeTemp(target: string, content: string, mode: number): Promise<string> {
  const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(temp, 'wx', mode);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return temp;
}

/** Temp + fsync + link: never replaces an existing file. False when another writer got there first. */
async function createExclusively(dir: string, target: string, content: string): Promise<boolean> {
  const temp = await writeTemp(target, content, 0o600);
  try {
    await link(temp, target);
    await syncDir(dir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Temp + fsync + rename (for content that any racing writer would write identically). */
async function writeAtomically(dir: string, target: string, content: string, mode: number): Promise<void> {
  const temp = await writeTemp(target, content, mode);
  await rename(temp, target);
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
