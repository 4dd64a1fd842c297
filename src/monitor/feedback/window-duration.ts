/**
 * @module monitor/feedback/window-duration
 * Parses the performance window (`--window 1h`, `?window=15m`): a positive whole number of `ms`,
 * `s`, `m`, `h`, `d` or `w`, in milliseconds. Also reads the ISO times of `from` and `to`.
 */
import { invalid } from '../../core/errors.js';

const WINDOW_RE = /^(\d{1,12})(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `1h` → 3600000. INVALID_ARGUMENT naming `window` otherwise. */
export function parseWindow(text: string): number {
  const m = WINDOW_RE.exec(text.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2]!] ?? 0) : 0;
  if (!m || ms < 1 || !Number.isSafeInteger(ms)) {
    throw invalid('window', 'a duration like 15m, 1h, 1d or 1w', text);
  }
  return ms;
}

/** An ISO 8601 time with a date (`2026-03-01`, `2026-03-01T10:00:00Z`); INVALID_ARGUMENT naming `field`. */
export function parseTime(text: string, field: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw invalid(field, 'an ISO time like 2026-03-01T00:00:00Z', text);
  return d;
}
