/**
 * @module govern/audit/audit-event
 * How an audit event becomes bytes and a Merkle leaf. Appending and verifying both go through
 * these functions, so what verify recomputes is exactly what append wrote.
 */
import { createHash } from 'node:crypto';
import { invalid } from '../../core/errors.js';
import type { AuditEvent, AuditEventInput } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';
import { leafHash } from './merkle.js';

/**
 * Hex SHA-256 of the canonical JSON of `details` (absent details hash as `null`).
 * @throws KilnError INVALID_ARGUMENT naming the part of `details` that is not JSON.
 */
export function detailsDigest(details: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(details ?? null, 'details'), 'utf8')
    .digest('hex');
}

/** The event's RFC 8785 canonical JSON: exactly its six fields, nothing else. */
export function canonicalEvent(e: AuditEvent): string {
  return canonicalJson({
    seq: e.seq,
    time: e.time,
    actor: e.actor,
    action: e.action,
    resource: e.resource,
    details_digest: e.details_digest,
  });
}

/** Hex Merkle leaf hash of an event's canonical JSON. */
export function eventLeafHash(canonical: string): string {
  return leafHash(Buffer.from(canonical, 'utf8')).toString('hex');
}

/** Checks the caller-supplied fields. @throws KilnError INVALID_ARGUMENT naming the field. */
export function validateEventInput(input: AuditEventInput): void {
  for (const field of ['actor', 'action', 'resource'] as const) {
    const v: unknown = input[field];
    if (typeof v !== 'string' || v.length === 0) throw invalid(field, 'a non-empty string', v);
  }
}

/** Picks the six event fields out of a row that may hold more. */
export function toAuditEvent(row: AuditEvent): AuditEvent {
  return {
    seq: row.seq,
    time: row.time,
    actor: row.actor,
    action: row.action,
    resource: row.resource,
    details_digest: row.details_digest,
  };
}
