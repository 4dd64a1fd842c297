/**
 * @module jobs/test-support/recording-audit-log
 * An AuditLog for tests of services that audit: it keeps each appended event (with its details) in
 * memory, in order, and counts checkpoint-file flushes. It neither hashes nor signs (proofs are
 * UNSUPPORTED), and it cannot see rollbacks: an event appended in a transaction that rolls back stays
 * recorded.
 */
import type { Transaction } from 'kysely';
import { KilnError } from '../../core/errors.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditListFilter,
  AuditLog,
  AuditVerification,
  ConsistencyProof,
  InclusionProof,
  SignedCheckpoint,
} from '../../govern/audit/audit-log.js';
import type { Database } from '../../store/schema.js';

export interface RecordedAuditEvent extends AuditEvent {
  readonly details: unknown;
  /** Whether it came through `append` (in the caller's transaction) rather than `record`. */
  readonly inTransaction: boolean;
}

export class RecordingAuditLog implements AuditLog {
  readonly events: RecordedAuditEvent[] = [];
  /** How many times `flushCheckpointFile` was called. */
  flushes = 0;

  async append(_trx: Transaction<Database>, event: AuditEventInput): Promise<AuditEvent> {
    return this.#push(event, true);
  }

  async record(event: AuditEventInput): Promise<AuditEvent> {
    return this.#push(event, false);
  }

  async list(filter: AuditListFilter = {}): Promise<AuditEvent[]> {
    return this.events
      .filter(
        (e) =>
          (filter.actor === undefined || e.actor === filter.actor) &&
          (filter.action === undefined || e.action === filter.action) &&
          (filter.resource === undefined || e.resource === filter.resource) &&
          e.seq > (filter.afterSeq ?? 0),
      )
      .slice(0, filter.limit ?? 100);
  }

  async get(seq: number): Promise<AuditEvent> {
    const event = this.events[seq - 1];
    if (!event) throw new KilnError('AUDIT_EVENT_NOT_FOUND', `no audit event with seq ${seq}`, { seq });
    return event;
  }

  async verify(): Promise<AuditVerification> {
    return { ok: true, size: this.events.length, root_hash: '', problems: [] };
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    return null;
  }

  async checkpoints(): Promise<SignedCheckpoint[]> {
    return [];
  }

  async inclusionProof(): Promise<InclusionProof> {
    throw new KilnError('UNSUPPORTED', 'the recording audit log keeps no Merkle tree');
  }

  async consistencyProof(): Promise<ConsistencyProof> {
    throw new KilnError('UNSUPPORTED', 'the recording audit log keeps no Merkle tree');
  }

  async flushCheckpointFile(): Promise<void> {
    this.flushes += 1;
  }

  /** The actions recorded for `resource`, in order. */
  actionsOn(resource: string): string[] {
    return this.events.filter((e) => e.resource === resource).map((e) => e.action);
  }

  #push(event: AuditEventInput, inTransaction: boolean): AuditEvent {
    const recorded: RecordedAuditEvent = {
      seq: this.events.length + 1,
      time: new Date().toISOString(),
      actor: event.actor,
      action: event.action,
      resource: event.resource,
      details_digest: '',
      details: event.details ?? null,
      inTransaction,
    };
    this.events.push(recorded);
    return recorded;
  }
}
