/**
 * @module jobs/test-support/suite-context
 * What the job queue conformance cases share: the harness an implementation provides, a fresh
 * backend per test with a recording audit log and a manual clock, and polling helpers. After each
 * test, the queues made through the context are closed and the harness releases its backends.
 */
import { afterAll, afterEach } from 'vitest';
import { type Clock, ManualClock } from '../../core/clock.js';
import type { AuditLog } from '../../govern/audit/audit-log.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { JobQueue } from '../job-queue.js';
import { RecordingAuditLog } from './recording-audit-log.js';

export interface QueueDeps {
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
}

/** One set of shared jobs: queues made from the same backend see the same jobs and schedules. */
export interface JobQueueBackend {
  /** The metadata store whose transactions `EnqueueOptions.trx` takes. */
  readonly store: MetadataStore;
  makeQueue(deps: QueueDeps): JobQueue;
}

/** What an implementation gives the conformance suite. */
export interface JobQueueHarness {
  readonly name: string;
  /** A new, empty backend. */
  createBackend(): Promise<JobQueueBackend>;
  /** Releases every backend it made; called after each test, and may be followed by more `createBackend`. */
  cleanup(): Promise<void>;
}

export interface SuiteContext {
  readonly store: MetadataStore;
  readonly audit: RecordingAuditLog;
  /** Starts at 2026-01-01T00:00:00Z and moves only when told. */
  readonly clock: ManualClock;
  /** A queue on this test's backend; defaults: the manual clock, concurrency 2, poll 20 ms, lease 30 s. */
  queue(deps?: Partial<QueueDeps>): JobQueue;
}

/** Registers the hooks and returns a function that makes a fresh context; call inside `describe`. */
export function useSuiteContext(harness: JobQueueHarness): () => Promise<SuiteContext> {
  const queues: JobQueue[] = [];
  // Releasing every backend after each test keeps the PostgreSQL connections of a file to one pool.
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await harness.cleanup();
  });
  afterAll(() => harness.cleanup());
  return async () => {
    const backend = await harness.createBackend();
    const audit = new RecordingAuditLog();
    const clock = new ManualClock();
    return {
      store: backend.store,
      audit,
      clock,
      queue(deps = {}) {
        const queue = backend.makeQueue({
          audit,
          clock,
          concurrency: 2,
          pollIntervalMs: 20,
          leaseMs: 30_000,
          ...deps,
        });
        queues.push(queue);
        return queue;
      },
    };
  };
}

/** Polls `read` until `accept` holds for its value (at most `timeoutMs`), and returns that value. */
export async function waitFor<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`waitFor: condition not met; last value ${JSON.stringify(last)}`);
    await sleep(10);
    last = await read();
  }
  return last;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves when `signal` aborts, rejecting with its reason — what a well-behaved handler does. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
