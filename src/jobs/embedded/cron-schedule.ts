/**
 * @module jobs/embedded/cron-schedule
 * Five-field cron expressions (minute hour day-of-month month day-of-week), always in UTC, through
 * cron-parser. Six-field (seconds) forms and `@daily`-style aliases are refused so that every
 * schedule reads the same way everywhere.
 */
import { CronExpressionParser } from 'cron-parser';
import { KilnError } from '../../core/errors.js';

/** The first due time strictly after `afterMs`, in epoch milliseconds. INVALID_CRON when `cron` is bad. */
export function nextCronRunMs(cron: string, afterMs: number): number {
  const fields =
    typeof cron === 'string'
      ? cron
          .trim()
          .split(/\s+/)
          .filter((f) => f.length > 0)
      : [];
  if (fields.length !== 5) {
    throw invalidCron(
      cron,
      `expected five fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  try {
    const expression = CronExpressionParser.parse(fields.join(' '), {
      tz: 'UTC',
      currentDate: new Date(afterMs),
    });
    return expression.next().getTime();
  } catch (e) {
    throw invalidCron(cron, (e as Error).message);
  }
}

function invalidCron(cron: unknown, reason: string): KilnError {
  return new KilnError('INVALID_CRON', `cron ${JSON.stringify(cron)} is not valid: ${reason}`, {
    field: 'cron',
    cron,
    reason,
  });
}
