/**
 * @module jobs/embedded/job-worker-loop
 * The poll loop of one queue's workers. Each tick fires due schedules, then claims as many due jobs
 * as there are free slots (`concurrency` minus the attempts in flight) and starts them. Between
 * ticks it sleeps `pollIntervalMs`, unless woken: by an enqueue in this process or by an attempt
 * ending (a slot came free), so local work starts without waiting for the next poll.
 */
import type { JobsTable } from '../../store/schema.js';
import type { JobQueueLogger, RunningJob, StopReason } from './job-runner.js';

export interface WorkerLoopSteps {
  fireSchedules(): Promise<unknown>;
  claim(limit: number): Promise<JobsTable[]>;
  run(row: JobsTable): RunningJob;
}

export interface WorkerLoopOptions {
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly logger: JobQueueLogger;
}

export class JobWorkerLoop {
  readonly #options: WorkerLoopOptions;
  readonly #steps: WorkerLoopSteps;
  readonly #running = new Map<string, RunningJob>();
  #loop: Promise<void> | null = null;
  #stopping = false;
  #wakeRequested = false;
  #wakeSleeper: (() => void) | null = null;

  constructor(options: WorkerLoopOptions, steps: WorkerLoopSteps) {
    this.#options = options;
    this.#steps = steps;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Makes the loop tick now (or right after the tick in progress). */
  wake(): void {
    this.#wakeRequested = true;
    this.#wakeSleeper?.();
  }

  /** Aborts the signal of an attempt in flight here, if there is one. */
  stopJob(id: string, reason: StopReason): void {
    this.#running.get(id)?.stop(reason);
  }

  /**
   * Stops claiming, aborts every attempt in flight and waits up to `graceMs` for them to settle;
   * attempts still unsettled then are abandoned (their leases expire and other workers retry them).
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    const inFlight = [...this.#running.values()];
    for (const job of inFlight) job.stop('close');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settled = await Promise.race([
      Promise.all(inFlight.map((j) => j.done)).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!settled) {
      const left = [...this.#running.values()];
      for (const job of left) job.abandon();
      this.#options.logger.warn(
        { jobIds: left.map((j) => j.id) },
        'job handlers did not stop in time; their leases will expire',
      );
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.#steps.fireSchedules();
        const free = this.#options.concurrency - this.#running.size;
        if (free > 0 && !this.#stopping) {
          for (const row of await this.#steps.claim(free)) this.#launch(row);
        }
      } catch (e) {
        this.#options.logger.error({ err: e }, 'job worker tick failed; retrying after the poll interval');
      }
      await this.#sleep();
    }
  }

  #launch(row: JobsTable): void {
    const job = this.#steps.run(row);
    this.#running.set(row.id, job);
    void job.done.then(() => {
      this.#running.delete(row.id);
      this.wake();
    });
  }

  async #sleep(): Promise<void> {
    if (!this.#wakeRequested && !this.#stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.#options.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wakeSleeper = done;
      });
      this.#wakeSleeper = null;
    }
    this.#wakeRequested = false;
  }
}
