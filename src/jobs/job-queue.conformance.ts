/**
 * @module jobs/job-queue.conformance
 * The behaviour every JobQueue implementation must show. Each implementation's test file calls
 * {@link runJobQueueSuite} with a harness; the cases live in `conformance/`, one file per theme.
 */
import { describe } from 'vitest';
import { cancelCases } from './conformance/cancel.conformance.js';
import { concurrencyCases } from './conformance/concurrency.conformance.js';
import { lifecycleCases } from './conformance/lifecycle.conformance.js';
import { scheduleCases } from './conformance/schedule.conformance.js';
import { type JobQueueHarness, useSuiteContext } from './test-support/suite-context.js';

export type { JobQueueBackend, JobQueueHarness, QueueDeps } from './test-support/suite-context.js';

export function runJobQueueSuite(harness: JobQueueHarness): void {
  describe(`JobQueue conformance: ${harness.name}`, () => {
    const fresh = useSuiteContext(harness);
    describe('lifecycle', () => lifecycleCases(fresh));
    describe('cancellation and close', () => cancelCases(fresh));
    describe('schedules', () => scheduleCases(fresh));
    describe('several queues on one backend', () => concurrencyCases(fresh));
  });
}
