import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointSigner, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './checkpoint-signer.js';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kiln-audit-key-'));
  dirs.push(d);
  return join(d, 'keys');
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ROOT = 'ab'.repeat(32);

describe('CheckpointSigner', () => {
  it('creates the key pair once, with a private mode, and loads the same key afterwards', async () => {
    const dir = freshDir();
    const a = await CheckpointSigner.loadOrCreate(dir);
    expect(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(a.publicKeyPem);
    expect(readdirSync(dir).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]);
    const b = await CheckpointSigner.loadOrCreate(dir);
    expect(b.keyId).toBe(a.keyId);
    expect(b.publicKeyPem).toBe(a.publicKeyPem);
  });

  it('names the key by the SHA-256 of its raw 32-byte public key', async () => {
    const signer = await CheckpointSigner.loadOrCreate(freshDir());
    const der = createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' });
    // An Ed25519 SPKI is a fixed 12-byte header followed by the raw key.
    const raw = der.subarray(der.length - 32);
    expect(der.length).toBe(44);
    expect(signer.keyId).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('gives two processes racing to create the key one and the same key', async () => {
    const dir = freshDir();
    const signers = await Promise.all(Array.from({ length: 8 }, () => CheckpointSigner.loadOrCreate(dir)));
    expect(new Set(signers.map((s) => s.keyId)).size).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]);
  });

  it('rewrites a missing public key file from the private key', async () => {
    const dir = freshDir();
    const a = await CheckpointSigner.loadOrCreate(dir);
    rmSync(join(dir, PUBLIC_KEY_FILE));
    const b = await CheckpointSigner.loadOrCreate(dir);
    expect(b.keyId).toBe(a.keyId);
    expect(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(a.publicKeyPem);
  });

  it('refuses a public key file that belongs to another key', async () => {
    const dir = freshDir();
    await CheckpointSigner.loadOrCreate(dir);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, PUBLIC_KEY_FILE), other);
    await expect(CheckpointSigner.loadOrCreate(dir)).rejects.toMatchObject({ code: 'AUDIT_TAMPERED' });
  });

  it('refuses a key file that is not an Ed25519 private key', async () => {
    const dir = freshDir();
    await CheckpointSigner.loadOrCreate(dir);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    writeFileSync(join(dir, PRIVATE_KEY_FILE), rsa);
    await expect(CheckpointSigner.loadOrCreate(dir)).rejects.toThrow(/expected an Ed25519 key, got rsa/);
    writeFileSync(join(dir, PRIVATE_KEY_FILE), 'garbage');
    await expect(CheckpointSigner.loadOrCreate(dir)).rejects.toThrow(/not a PEM private key/);
  });

  it('signs checkpoints that verify, and any change to a field breaks the signature', () => {
    const signer = CheckpointSigner.ephemeral();
    const cp = signer.sign({ tree_size: 3, root_hash: ROOT, time: '2026-01-01T00:00:00.000Z' });
    expect(cp.key_id).toBe(signer.keyId);
    expect(Buffer.from(cp.signature, 'base64')).toHaveLength(64);
    expect(CheckpointSigner.verifyCheckpoint(cp, signer.publicKeyPem)).toBe(true);
    expect(CheckpointSigner.verifyCheckpoint({ ...cp, tree_size: 4 }, signer.publicKeyPem)).toBe(false);
    expect(
      CheckpointSigner.verifyCheckpoint({ ...cp, root_hash: 'cd'.repeat(32) }, signer.publicKeyPem),
    ).toBe(false);
    expect(
      CheckpointSigner.verifyCheckpoint({ ...cp, time: '2026-01-01T00:00:00.001Z' }, signer.publicKeyPem),
    ).toBe(false);
    expect(CheckpointSigner.verifyCheckpoint({ ...cp, signature: 'AAAA' }, signer.publicKeyPem)).toBe(false);
    expect(CheckpointSigner.verifyCheckpoint({ ...cp, key_id: '00'.repeat(32) }, signer.publicKeyPem)).toBe(
      false,
    );
    expect(CheckpointSigner.verifyCheckpoint(cp, 'not a key')).toBe(false);
  });

  it('rejects a signature checked against another key, even with that key id copied in', () => {
    const signer = CheckpointSigner.ephemeral();
    const other = CheckpointSigner.ephemeral();
    const cp = signer.sign({ tree_size: 1, root_hash: ROOT, time: 't' });
    expect(CheckpointSigner.verifyCheckpoint(cp, other.publicKeyPem)).toBe(false);
    expect(CheckpointSigner.verifyCheckpoint({ ...cp, key_id: other.keyId }, other.publicKeyPem)).toBe(false);
  });

  it('refuses to sign for another key id', () => {
    const signer = CheckpointSigner.ephemeral();
    expect(() => signer.sign({ tree_size: 1, root_hash: ROOT, time: 't', key_id: 'ff'.repeat(32) })).toThrow(
      /key_id/,
    );
  });
});
