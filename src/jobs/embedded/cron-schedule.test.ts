import { describe, expect, it } from 'vitest';
import { nextCronRunMs } from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const next = (cron: string, iso: string) => new Date(nextCronRunMs(cron, at(iso))).toISOString();

describe('nextCronRunMs', () => {
  it('gives the first due time strictly after the instant, in UTC', () => {
    expect(next('*/5 * * * *', '2026-01-01T00:02:00Z')).toBe('2026-01-01T00:05:00.000Z');
    expect(next('*/5 * * * *', '2026-01-01T00:05:00Z')).toBe('2026-01-01T00:10:00.000Z');
    expect(next('0 3 * * *', '2026-03-29T02:59:59Z')).toBe('2026-03-29T03:00:00.000Z');
    expect(next('0 0 1 * *', '2026-01-15T12:00:00Z')).toBe('2026-02-01T00:00:00.000Z');
    expect(next('30 6 * * 1', '2026-01-01T00:00:00Z')).toBe('2026-01-05T06:30:00.000Z');
  });

  it('accepts extra spaces between fields', () => {
    expect(next('  0   12 * *  * ', '2026-01-01T00:00:00Z')).toBe('2026-01-01T12:00:00.000Z');
  });

  it('refuses anything but five valid fields with INVALID_CRON, naming the expression', () => {
    for (const [cron, reason] of [
      ['* * * *', /five fields.*got 4/],
      ['0 * * * * *', /five fields.*got 6/],
      ['@hourly', /five fields.*got 1/],
      ['61 * * * *', /"61 \* \* \* \*".*0-59/],
      ['* * * * funday', /"\* \* \* \* funday"/],
    ] as const) {
      expect(() => nextCronRunMs(cron, 0)).toThrow(
        expect.objectContaining({ code: 'INVALID_CRON', message: expect.stringMatching(reason) }),
      );
    }
  });
});
