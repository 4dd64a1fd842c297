/**
 * @module registry/webhooks/test-support/recording-audit-log
 * An AuditLog for the webhook service's tests: it keeps each event (with its details) in memory, in
 * order, and notes the transaction it was appended in. It neither hashes nor signs, and it cannot
 * see rollbacks: an event appended in a transaction that rolls back stays recorded. Proofs and
 * checkpoints are unsupported (they throw UNSUPPORTED).
 */
import type { Transaction } from 'kysely';
import { KilnError } from '../../../core/errors.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditListFilter,
  AuditLog,
  AuditVerification,
  ConsistencyProof,
  InclusionProof,
  SignedCheckpoint,
} from '../../../govern/audit/audit-log.js';
import type { Database } from '../../../store/schema.js';

export interface RecordedAuditEvent extends AuditEvent {
  readonly details: unknown;
  /** The transaction it was appended in; null when it came through `record`. */
  readonly trx: Transaction<Database> | null;
}

export class RecordingAuditLog implements AuditLog {
  readonly events: RecordedAuditEvent[] = [];

  async append(trx: Transaction<Database>, event: AuditEventInput): Promise<AuditEvent> {
    return this.#push(event, trx);
  }

  async record(event: AuditEventInput): Promise<AuditEvent> {
    return this.#push(event, null);
  }

  /** How many times `flushCheckpointFile` was called. */
  flushes = 0;

  async list(filter: AuditListFilter = {}): Promise<AuditEvent[]> {
    return this.events
      .filter(
        (e) =>
          (filter.actor === undefined || e.actor === filter.actor) &&
          (filter.action === undefined || e.action === filter.action) &&
          (filter.resource === undefined || e.resource === filter.resource) &&
          e.seq > (filter.afterSeq ?? 0),
      )
      .slice(0, filter.limit ?? Number.POSITIVE_INFINITY);
  }

  async verify(): Promise<AuditVerification> {
    return { ok: true, size: this.events.length, root_hash: '', problems: [] };
  }

  async get(seq: number): Promise<AuditEvent> {
    const found = this.events[seq - 1];
    if (!found) throw new KilnError('AUDIT_EVENT_NOT_FOUND', `no audit event ${seq}`);
    return found;
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    return null;
  }

  async checkpoints(): Promise<SignedCheckpoint[]> {
    return [];
  }

  inclusionProof(): Promise<InclusionProof> {
    return Promise.reject(new KilnError('UNSUPPORTED', 'RecordingAuditLog keeps no Merkle tree'));
  }

  consistencyProof(): Promise<ConsistencyProof> {
    return Promise.reject(new KilnError('UNSUPPORTED', 'RecordingAuditLog keeps no Merkle tree'));
  }

  async flushCheckpointFile(): Promise<void> {
    this.flushes += 1;
  }

  #push(event: AuditEventInput, trx: Transaction<Database> | null): AuditEvent {
    const recorded: RecordedAuditEvent = {
      seq: this.events.length + 1,
      time: new Date(0).toISOString(),
      actor: event.actor,
      action: event.action,
      resource: event.resource,
      details_digest: '',
      details: event.details ?? null,
      trx,
    };
    this.events.push(recorded);
    return recorded;
  }
}
