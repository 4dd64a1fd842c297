/**
 * @module govern/audit/sql-audit-log
 * The audit log on the metadata store (SQLite or PostgreSQL), with a Merkle root signed after
 * every append and a checkpoint file beside the database.
 *
 * Append cost: one named lock, one O(1) query for the stored head, O(log n) hashes from the cached
 * frontier (see `frontier-cache.ts`), one signature and two inserts, all in the caller's transaction.
 *
 * The checkpoint file is written only after commit, since `append` cannot see when the caller's
 * transaction ends: {@link SqlAuditLog.flushCheckpointFile} copies the committed checkpoints the
 * file lacks. `record`, `verify` and `latestCheckpoint` flush themselves; after `append` a flush is
 * also attempted in the background (retried briefly while the transaction may still be open). So
 * the file may lag the database by the last checkpoint(s), e.g. after a crash; `verify` treats it
 * as a subset that must match the database wherever both have a checkpoint of the same size.
 */
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { invalid, KilnError } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { Database } from '../../store/schema.js';
import {
  canonicalEvent,
  detailsDigest,
  eventLeafHash,
  toAuditEvent,
  validateEventInput,
} from './audit-event.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditListFilter,
  AuditLog,
  AuditVerification,
  ConsistencyProof,
  InclusionProof,
  SignedCheckpoint,
} from './audit-log.js';
import { proveConsistency, proveInclusion } from './audit-proofs.js';
import { checkpointRows, readHead, toSignedCheckpoint } from './audit-rows.js';
import { verifyStoredLog } from './audit-verifier.js';
import { CheckpointFile } from './checkpoint-file.js';
import type { CheckpointSigner } from './checkpoint-signer.js';
import { type FrontierCache, frontierCacheOf } from './frontier-cache.js';

export interface SqlAuditLogOptions {
  /** The append-only JSON-lines checkpoint file (created on first flush). */
  readonly checkpointFile: string;
  /** Try to flush the file in the background after each `append` (default true). */
  readonly flushAfterAppend?: boolean;
}

const LOCK = 'audit';
const MAX_LIMIT = 1000;
const FLUSH_RETRIES = 8;

export class SqlAuditLog implements AuditLog {
  readonly #store: MetadataStore;
  readonly #signer: CheckpointSigner;
  readonly #clock: Clock;
  readonly #file: CheckpointFile;
  readonly #frontiers: FrontierCache;
  readonly #flushAfterAppend: boolean;
  #flushChain: Promise<void> = Promise.resolve();
  /** The largest tree size appended by this object that the file may not hold yet. */
  #wanted = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: MetadataStore, signer: CheckpointSigner, clock: Clock, options: SqlAuditLogOptions) {
    this.#store = store;
    this.#signer = signer;
    this.#clock = clock;
    this.#file = new CheckpointFile(options.checkpointFile);
    this.#frontiers = frontierCacheOf(store);
    this.#flushAfterAppend = options.flushAfterAppend ?? true;
  }

  async append(trx: Transaction<Database>, input: AuditEventInput): Promise<AuditEvent> {
    validateEventInput(input);
    const details_digest = detailsDigest(input.details);
    await this.#store.lock(trx, LOCK);
    const head = await readHead(trx);
    if (head.lastSeq !== head.checkpointSize) {
      throw new KilnError(
        'AUDIT_TAMPERED',
        `the audit log holds ${head.lastSeq} events but its latest checkpoint covers ${head.checkpointSize}; run \`kiln audit verify\``,
        { events: head.lastSeq, checkpoint: head.checkpointSize },
      );
    }
    const frontier = await this.#frontiers.frontierFor(trx, head);
    const time = this.#clock.now().toISOString();
    const event: AuditEvent = {
      seq: head.lastSeq + 1,
      time,
      actor: input.actor,
      action: input.action,
      resource: input.resource,
      details_digest,
    };
    const canonical = canonicalEvent(event);
    const leaf_hash = eventLeafHash(canonical);
    const next = frontier.append(leaf_hash);
    const root_hash = next.root().toString('hex');
    const cp = this.#signer.sign({ tree_size: event.seq, root_hash, time });
    await trx
      .insertInto('audit_events')
      .values({ ...event, canonical, leaf_hash })
      .execute();
    await trx.insertInto('audit_checkpoints').values(cp).execute();
    this.#frontiers.remember(next, root_hash);
    this.#wanted = Math.max(this.#wanted, event.seq);
    if (this.#flushAfterAppend) this.#scheduleFlush(0, 0);
    return event;
  }

  async record(input: AuditEventInput): Promise<AuditEvent> {
    const event = await this.#store.transaction((trx) => this.append(trx, input));
    await this.flushCheckpointFile();
    return event;
  }

  async list(filter: AuditListFilter = {}): Promise<AuditEvent[]> {
    const limit = checkLimit(filter.limit);
    let q = this.#store.db
      .selectFrom('audit_events')
      .select(['seq', 'time', 'actor', 'action', 'resource', 'details_digest'])
      .orderBy('seq')
      .limit(limit);
    if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    if (filter.resource !== undefined) q = q.where('resource', '=', filter.resource);
    if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
    return (await q.execute()).map(toAuditEvent);
  }

  async get(seq: number): Promise<AuditEvent> {
    if (!Number.isSafeInteger(seq) || seq < 1) throw invalid('seq', 'a positive integer', seq);
    const row = await this.#store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) throw new KilnError('AUDIT_EVENT_NOT_FOUND', `no audit event ${seq}`, { seq });
    return toAuditEvent(row);
  }

  async verify(): Promise<AuditVerification> {
    await this.flushCheckpointFile();
    // The file is read before the database, so every entry in it was committed when we look.
    const fileEntries = await this.#file.readAll();
    return verifyStoredLog(this.#store.db, {
      publicKeyPem: this.#signer.publicKeyPem,
      keyId: this.#signer.keyId,
      fileEntries,
    });
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    await this.flushCheckpointFile();
    const row = await this.#store.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { ...toSignedCheckpoint(row), public_key: this.#signer.publicKeyPem } : null;
  }

  async checkpoints(filter: { afterSize?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    const limit = checkLimit(filter.limit);
    const after = filter.afterSize ?? 0;
    if (!Number.isSafeInteger(after) || after < 0)
      throw invalid('afterSize', 'a non-negative integer', filter.afterSize);
    const rows = await this.#store.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tree_size', '>', after)
      .orderBy('tree_size')
      .limit(limit)
      .execute();
    return rows.map(toSignedCheckpoint);
  }

  inclusionProof(seq: number, treeSize?: number): Promise<InclusionProof> {
    return proveInclusion(this.#store.db, seq, treeSize);
  }

  consistencyProof(fromSize: number, toSize?: number): Promise<ConsistencyProof> {
    return proveConsistency(this.#store.db, fromSize, toSize);
  }

  flushCheckpointFile(): Promise<void> {
    const run = this.#flushChain.then(() => this.#flushNow());
    this.#flushChain = run.catch(() => {});
    return run;
  }

  /**
   * Stops background flushing and makes a last flush of the checkpoint file. Call it before the
   * store is closed. Idempotent; the store stays open.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Best effort: whatever this misses, the next flush (from any process) writes.
    await this.flushCheckpointFile().catch(() => {});
  }

  async #flushNow(): Promise<void> {
    const last = await this.#file.lastTreeSize();
    const pending: SignedCheckpoint[] = [];
    for await (const cp of checkpointRows(this.#store.db, last, Number.MAX_SAFE_INTEGER)) {
      pending.push(cp);
      if (pending.length >= MAX_LIMIT) await this.#file.append(pending.splice(0));
    }
    await this.#file.append(pending);
  }

  /** One background flush; retried with backoff while our append may still be uncommitted. */
  #scheduleFlush(delayMs: number, attempt: number): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flushCheckpointFile()
        .then(async () => {
          if (attempt < FLUSH_RETRIES && this.#wanted > (await this.#file.lastTreeSize())) {
            this.#scheduleFlush(Math.max(10, delayMs * 2), attempt + 1);
          }
        })
        // A failed background flush is retried by the next flush; the database stays authoritative.
        .catch(() => {});
    }, delayMs);
    this.#timer.unref();
  }
}

function checkLimit(limit: number | undefined): number {
  const n = limit ?? 100;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT)
    throw invalid('limit', `an integer in 1..${MAX_LIMIT}`, limit);
  return n;
}
