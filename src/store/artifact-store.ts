/**
 * @module store/artifact-store
 * The artifact store contract: immutable blobs addressed by their SHA-256 digest (64 lowercase hex
 * characters). No user-supplied string ever becomes a path: callers name blobs only by digest.
 *
 * Promises: a `put` is atomic (a reader sees the whole blob or none); `get`/`open` verify the digest
 * and fail with ARTIFACT_CORRUPT when the stored bytes changed; storing the same bytes twice stores
 * them once.
 */
import type { Readable } from 'node:stream';

export interface ArtifactInfo {
  readonly digest: string;
  readonly sizeBytes: number;
}

export interface ArtifactStore {
  /** Stores bytes; returns their digest. */
  put(bytes: Uint8Array): Promise<ArtifactInfo>;
  /** Streams a file into the store, hashing as it goes, refusing more than `maxBytes`. */
  putFile(path: string, options?: { maxBytes?: number }): Promise<ArtifactInfo>;
  /** The whole blob, verified. ARTIFACT_NOT_FOUND / ARTIFACT_CORRUPT / INVALID_DIGEST. */
  get(digest: string): Promise<Buffer>;
  /** A stream of the blob; the stream errors with ARTIFACT_CORRUPT if the digest does not match at the end. */
  open(digest: string): Promise<Readable>;
  has(digest: string): Promise<boolean>;
  /** Local path of the blob, for engines that must read a file (ONNX Runtime, DuckDB). Verified first. */
  localPath(digest: string): Promise<string>;
  delete(digest: string): Promise<void>;
  /** Removes temporary files left by writes that died (older than `olderThanMs`); returns how many. */
  sweepTemporary(nowMs: number, olderThanMs: number): Promise<number>;
}

const DIGEST_RE = /^[0-9a-f]{64}$/;

export function isDigest(v: unknown): v is string {
  return typeof v === 'string' && DIGEST_RE.test(v);
}
