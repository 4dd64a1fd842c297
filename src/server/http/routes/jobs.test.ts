/**
 * Job routes over HTTP, on jobs enqueued through the queue itself (no workers run, so they stay
 * queued until cancelled): list with filters, show, cancel, and the stable error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import type { Role } from '../../../govern/auth/roles.js';
import type { Job } from '../../../jobs/job-queue.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

const clock = new ManualClock('2026-05-01T12:00:00.000Z');
let t: TestKiln;
let first: Job;
let second: Job;
let third: Job;
beforeAll(async () => {
  t = await createTestKiln({ clock });
  first = await t.kiln.jobs.enqueue('report.build', { month: '2026-04' }, { maxAttempts: 3 });
  clock.advance(1000);
  second = await t.kiln.jobs.enqueue('report.build', { month: '2026-05' });
  clock.advance(1000);
  third = await t.kiln.jobs.enqueue('cache.warm', { keys: ['a', 'b'] });
  await t.kiln.jobs.schedule('nightly-report', 'report.build', '0 3 * * *', { month: 'current' });
});
afterAll(() => t.close());

function req(method: 'GET' | 'POST', url: string, role: Role) {
  return t.http.app.inject({ method, url, headers: t.auth(role) });
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  return body as { code: string; message: string; details: Record<string, unknown> };
}

const ids = (res: { json(): { jobs: Job[] } }) => res.json().jobs.map((j) => j.id);

describe('GET /api/v1/jobs', () => {
  it('lists jobs newest first, with their payloads', async () => {
    const res = await req('GET', '/api/v1/jobs', 'viewer');
    expect(res.statusCode).toBe(200);
    expect(ids(res)).toEqual([third.id, second.id, first.id]);
    expect(res.json().jobs[2]).toMatchObject({
      id: first.id,
      type: 'report.build',
      payload: { month: '2026-04' },
      status: 'queued',
      attempts: 0,
      maxAttempts: 3,
      createdAt: '2026-05-01T12:00:00.000Z',
      finishedAt: null,
    });
  });

  it('filters by type and status, and limits', async () => {
    expect(ids(await req('GET', '/api/v1/jobs?type=report.build', 'viewer'))).toEqual([second.id, first.id]);
    expect(ids(await req('GET', '/api/v1/jobs?type=nothing', 'viewer'))).toEqual([]);
    expect(ids(await req('GET', '/api/v1/jobs?status=succeeded', 'viewer'))).toEqual([]);
    expect(ids(await req('GET', '/api/v1/jobs?limit=1', 'viewer'))).toEqual([third.id]);
  });

  it.each([
    ['an unknown status', '/api/v1/jobs?status=sleeping', 'status'],
    ['a zero limit', '/api/v1/jobs?limit=0', 'limit'],
    ['a limit over 1000', '/api/v1/jobs?limit=1001', 'limit'],
    ['an unknown parameter', '/api/v1/jobs?owner=me', 'owner'],
  ])('refuses %s with 400 naming it', async (_what, url, field) => {
    expect(expectError(await req('GET', url, 'viewer'), 400, 'INVALID_ARGUMENT').message).toContain(field);
  });
});

describe('GET /api/v1/jobs/:id', () => {
  it('shows a job', async () => {
    const res = await req('GET', `/api/v1/jobs/${second.id}`, 'viewer');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(second)));
  });

  it('answers 404 JOB_NOT_FOUND for an unknown id, naming it', async () => {
    const body = expectError(
      await req('GET', '/api/v1/jobs/job_0000000000000000', 'viewer'),
      404,
      'JOB_NOT_FOUND',
    );
    expect(body.message).toContain('job_0000000000000000');
    expect(body.details).toEqual({ id: 'job_0000000000000000' });
  });

  it('refuses an id over 64 characters with 400', async () => {
    expectError(await req('GET', `/api/v1/jobs/${'j'.repeat(65)}`, 'viewer'), 400, 'INVALID_ARGUMENT');
  });
});

describe('POST /api/v1/jobs/:id/cancel', () => {
  it('cancels a queued job at once, and records who did', async () => {
    clock.advance(5000);
    const res = await req('POST', `/api/v1/jobs/${first.id}/cancel`, 'engineer');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: first.id,
      status: 'cancelled',
      finishedAt: '2026-05-01T12:00:07.000Z',
    });
    expect((await req('GET', `/api/v1/jobs/${first.id}`, 'viewer')).json().status).toBe('cancelled');
    expect(ids(await req('GET', '/api/v1/jobs?status=cancelled', 'viewer'))).toEqual([first.id]);
    expect(ids(await req('GET', '/api/v1/jobs?status=queued', 'viewer'))).toEqual([third.id, second.id]);

    const audit = await req('GET', `/api/v1/audit/events?resource=job/${first.id}`, 'admin');
    expect(
      audit.json().events.map((e: { actor: string; action: string }) => [e.actor, e.action]),
    ).toContainEqual(['engineer', 'job.cancel']);
  });

  it('refuses to cancel a job that has ended with 409 JOB_NOT_CANCELLABLE', async () => {
    const body = expectError(
      await req('POST', `/api/v1/jobs/${first.id}/cancel`, 'engineer'),
      409,
      'JOB_NOT_CANCELLABLE',
    );
    expect(body.details).toMatchObject({ id: first.id, status: 'cancelled' });
  });

  it('answers 404 JOB_NOT_FOUND for an unknown id, and cancelling a real job still works after', async () => {
    expectError(
      await req('POST', '/api/v1/jobs/job_ffffffffffffffff/cancel', 'engineer'),
      404,
      'JOB_NOT_FOUND',
    );
    expect((await req('POST', `/api/v1/jobs/${second.id}/cancel`, 'engineer')).json().status).toBe(
      'cancelled',
    );
  });
});

describe('GET /api/v1/job-schedules', () => {
  it('lists the cron schedules with their next run time', async () => {
    const res = await req('GET', '/api/v1/job-schedules', 'viewer');
    expect(res.statusCode).toBe(200);
    expect(res.json().schedules).toEqual([
      expect.objectContaining({
        name: 'nightly-report',
        type: 'report.build',
        cron: '0 3 * * *',
        payload: { month: 'current' },
      }),
    ]);
    // Made at 12:00:02 UTC on 1 May: the next 03:00 UTC is the morning after.
    expect(res.json().schedules[0].nextRunAt).toBe('2026-05-02T03:00:00.000Z');
  });
});
