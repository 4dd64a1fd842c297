/**
 * @module ingest/lineage/run-id
 * OpenLineage run ids: UUIDs, the same for every event of one run. Kiln's pipeline runs already
 * have a v4 id (used as is); {@link newRunId} makes a v7 (RFC 9562: 48-bit Unix milliseconds, then
 * random bits), which sorts by start time, as the OpenLineage clients now recommend.
 */
import { randomBytes } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A UUID in its canonical 8-4-4-4-12 hex form with an RFC 9562 variant and a version 1–8. */
export function isUuid(text: unknown): text is string {
  return typeof text === 'string' && UUID.test(text);
}

/** A UUIDv7 for the given time (default now). */
export function newRunId(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(Math.max(0, Math.floor(nowMs)));
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
