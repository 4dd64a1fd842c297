/**
 * @module jobs/embedded/backoff
 * The delay before a failed job's next attempt: exponential in the attempts made, capped, jittered
 * so that jobs that failed together (a remote outage) do not all retry in the same instant.
 */

/** The longest delay before jitter: one hour. */
export const MAX_BACKOFF_MS = 3_600_000;
/** Jitter spreads each delay uniformly over ±20 %. */
export const BACKOFF_JITTER = 0.2;

/**
 * Milliseconds to wait after attempt number `attempts` (1-based) failed:
 * `min(backoffMs × 2^(attempts−1), 1 h) × (1 ± 20 %)`, rounded.
 * `random` returns a number in [0, 1) and is injectable for tests.
 */
export function retryDelayMs(
  backoffMs: number,
  attempts: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempts - 1);
  const base = Math.min(backoffMs * 2 ** exponent, MAX_BACKOFF_MS);
  const factor = 1 + (random() * 2 - 1) * BACKOFF_JITTER;
  return Math.round(base * factor);
}
