/**
 * @module jobs/unrecoverable-job-error
 * The error a handler throws when retrying cannot help (a payload that will never validate, a
 * resource that is gone): the job fails at once, whatever attempts it has left.
 */

/** Thrown by a handler to fail its job without further attempts. */
export class UnrecoverableJobError extends Error {
  /** Always false: queues check this flag, so any error carrying `retryable = false` acts alike. */
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableJobError';
  }
}

/** False only for errors that say so with `retryable === false`. */
export function isRetryable(error: unknown): boolean {
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { retryable?: unknown }).retryable === false
  );
}
