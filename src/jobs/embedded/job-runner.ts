/**
 * @module jobs/embedded/job-runner
 * Runs one claimed attempt of a job: calls its handler with a context, renews the lease every
 * `leaseMs / 3` (and on each progress report), and on each renewal learns whether a cancel was asked
 * for (the handler's signal aborts) or the claim was lost (the signal aborts and the attempt's
 * outcome is dropped: the job now belongs to another attempt). Then records the outcome.
 */
import type { Clock } from '../../core/clock.js';
import { invalid, KilnError } from '../../core/errors.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { JobsTable } from '../../store/schema.js';
import type { JobContext, JobHandler } from '../job-queue.js';
import { UnrecoverableJobError } from '../unrecoverable-job-error.js';
import { type Claim, type LeaseState, renewLease } from './job-claims.js';
import { type AttemptOutcome, finishAttempt, releaseInterrupted } from './job-outcomes.js';
import { toJob, toJsonText } from './job-rows.js';

/** Where the queue's diagnostics go; a pino logger fits. */
export interface JobQueueLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface JobRunnerDeps {
  readonly store: MetadataStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly handlers: ReadonlyMap<string, JobHandler>;
  readonly logger: JobQueueLogger;
}

/** Why a handler's signal was aborted. */
export type StopReason = 'cancel' | 'close' | 'lease-lost';

/** One attempt in flight. `done` never rejects. */
export class RunningJob {
  readonly id: string;
  readonly done: Promise<void>;
  readonly #deps: JobRunnerDeps;
  readonly #claim: Claim;
  readonly #controller = new AbortController();
  #stopReason: StopReason | null = null;
  #abandoned = false;
  #renewing = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: JobRunnerDeps, row: JobsTable) {
    this.id = row.id;
    this.#deps = deps;
    this.#claim = { id: row.id, workerId: row.locked_by ?? '', attempts: row.attempts };
    this.done = this.#run(row).catch((e: unknown) => {
      deps.logger.error(
        { err: e, jobId: row.id },
        'job attempt could not record its outcome; its lease will expire',
      );
    });
  }

  /** Aborts the handler's signal; the first reason given wins. */
  stop(reason: StopReason): void {
    if (this.#stopReason !== null) return;
    this.#stopReason = reason;
    const error = new Error(
      reason === 'cancel'
        ? `job ${this.id} was cancelled`
        : reason === 'close'
          ? 'the job queue is closing'
          : `job ${this.id} lost its lease`,
    );
    error.name = 'AbortError';
    this.#controller.abort(error);
  }

  /** Gives up on the attempt (the queue closed without it settling): it writes nothing more. */
  abandon(): void {
    this.#abandoned = true;
    clearInterval(this.#timer);
  }

  async #run(row: JobsTable): Promise<void> {
    const { leaseMs } = this.#deps;
    this.#timer = setInterval(() => void this.#renew(), Math.max(1, Math.floor(leaseMs / 3)));
    let outcome: AttemptOutcome;
    try {
      outcome = await this.#attempt(row);
    } finally {
      clearInterval(this.#timer);
    }
    if (this.#abandoned) return;
    const nowMs = this.#deps.clock.now().getTime();
    if (this.#stopReason === 'lease-lost') {
      this.#deps.logger.warn(
        { jobId: this.id, attempts: this.#claim.attempts },
        'job attempt lost its lease; its outcome is dropped',
      );
      return;
    }
    if (this.#stopReason === 'close' && outcome.kind === 'failed') {
      await releaseInterrupted(this.#deps.store, this.#claim, nowMs);
      return;
    }
    const next = await finishAttempt(this.#deps.store, this.#deps.audit, this.#claim, outcome, nowMs);
    if (next === null) {
      this.#deps.logger.warn(
        { jobId: this.id, attempts: this.#claim.attempts },
        'job attempt lost its lease; its outcome is dropped',
      );
    }
  }

  async #attempt(row: JobsTable): Promise<AttemptOutcome> {
    try {
      const handler = this.#deps.handlers.get(row.type);
      if (!handler) {
        throw new KilnError('UNKNOWN_JOB_TYPE', `no handler is registered for job type "${row.type}"`, {
          type: row.type,
        });
      }
      const result = await handler(JSON.parse(row.payload_json), this.#context(row));
      let resultJson: string;
      try {
        resultJson = toJsonText(result ?? null, 'result');
      } catch (e) {
        throw new UnrecoverableJobError(
          `the handler's result is not JSON-serialisable: ${(e as Error).message}`,
        );
      }
      return { kind: 'succeeded', resultJson };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  #context(row: JobsTable): JobContext {
    return {
      job: toJob(row),
      signal: this.#controller.signal,
      progress: async (fraction: number, message?: string) => {
        if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) {
          throw invalid('progress', 'a number in [0, 1]', fraction);
        }
        if (this.#abandoned) return;
        this.#react(
          await renewLease(this.#deps.store.db, this.#claim, this.#now(), this.#deps.leaseMs, {
            fraction,
            message,
          }),
        );
      },
    };
  }

  async #renew(): Promise<void> {
    if (this.#renewing || this.#abandoned) return;
    this.#renewing = true;
    try {
      this.#react(await renewLease(this.#deps.store.db, this.#claim, this.#now(), this.#deps.leaseMs));
    } catch (e) {
      // A missed renewal is not fatal: the next tick tries again before the lease runs out.
      this.#deps.logger.warn({ err: e, jobId: this.id }, 'job lease renewal failed');
    } finally {
      this.#renewing = false;
    }
  }

  #react(state: LeaseState): void {
    if (state === 'cancel-requested') this.stop('cancel');
    else if (state === 'lost') this.stop('lease-lost');
  }

  #now(): number {
    return this.#deps.clock.now().getTime();
  }
}
