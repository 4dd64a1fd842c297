import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUuid, newRunId } from './run-id.js';

describe('newRunId', () => {
  it('makes a UUIDv7 whose first 48 bits are the Unix time in milliseconds', () => {
    const ms = Date.UTC(2026, 2, 1, 10, 0, 0, 123);
    const id = newRunId(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  });

  it('sorts by time and differs within the same millisecond', () => {
    const a = newRunId(1_700_000_000_000);
    const b = newRunId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(newRunId(5)).not.toBe(newRunId(5));
  });
});

describe('isUuid', () => {
  it('accepts v4 and v7 ids and refuses the rest', () => {
    expect(isUuid(randomUUID())).toBe(true);
    expect(isUuid(newRunId())).toBe(true);
    expect(isUuid('0190A6B2-3C4D-7E5F-8A6B-1C2D3E4F5A6B')).toBe(true);
    expect(isUuid('run-1')).toBe(false);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(isUuid(`${randomUUID()}x`)).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
