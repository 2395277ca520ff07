import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.ts';
import { type Tx, withTenant } from '../db/client.ts';
import { enqueue, type Job } from './queue.ts';
import type { JobHandler } from './registry.ts';
import { MAX_ATTEMPTS, pruneJobs, retryDelayMs, runDueJobs } from './runner.ts';

let t: TestApp;
let companyId: string;
beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
  // The runner's own behaviour is under test: the demo's housekeeping and follow-up jobs would be claimed too.
  await t.dbs.app.deleteFrom('jobs').execute();
});
afterAll(() => t.close());

async function add(kind: string, payload: Record<string, unknown> = {}, delayMs = 0): Promise<string> {
  const now = t.clock.now();
  return withTenant(t.dbs.app, companyId, (trx) =>
    enqueue(trx, { companyId, kind, runAt: new Date(now.getTime() + delayMs), payload, now }),
  );
}

async function row(id: string) {
  return t.dbs.app.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('durable jobs', () => {
  it('runs a job when it is due by the app clock, inside its company, once', async () => {
    const seen: { job: Job; company: string }[] = [];
    const handlers: Record<string, JobHandler> = {
      'test.record': async (trx: Tx, _deps, job: Job) => {
        const company = await trx.selectFrom('companies').select('id').executeTakeFirstOrThrow();
        seen.push({ job, company: company.id });
      },
    };
    const id = await add('test.record', { leadId: 'x' }, 60_000);
    expect(await runDueJobs(t.app.deps, { handlers })).toMatchObject({ claimed: 0 });
    t.clock.advance(60_000);
    expect(await runDueJobs(t.app.deps, { handlers })).toEqual({ claimed: 1, done: 1, failed: 0 });
    expect(seen).toEqual([
      { job: expect.objectContaining({ id, attempts: 1, payload: { leadId: 'x' } }), company: companyId },
    ]);
    expect(await row(id)).toMatchObject({ done_at: t.clock.now(), last_error: null, locked_until: null });
    expect(await runDueJobs(t.app.deps, { handlers })).toMatchObject({ claimed: 0 });
    t.clock.advance(15 * 86_400_000);
    expect(await pruneJobs(t.app.deps)).toBeGreaterThanOrEqual(1);
    expect(await t.dbs.app.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('retries a failing job with growing delays, keeps the error, and gives up after the last attempt', async () => {
    const id = await add('test.unknown');
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const result = await runDueJobs(t.app.deps);
      expect(result, `attempt ${attempt}`).toMatchObject({ claimed: 1, failed: 1 });
      const job = await row(id);
      expect(job.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(job.last_error).toBe('no handler for jobs of kind test.unknown');
        expect(new Date(job.run_at).getTime()).toBe(t.clock.now().getTime() + retryDelayMs(attempt));
        expect(job.done_at).toBeNull();
        expect((await runDueJobs(t.app.deps)).claimed).toBe(0);
        t.clock.advance(retryDelayMs(attempt));
      } else {
        expect(job.last_error).toBe(`gave up after ${MAX_ATTEMPTS} attempts: no handler for jobs of kind test.unknown`);
        expect(job.done_at).not.toBeNull();
      }
    }
    t.clock.advance(86_400_000);
    expect((await runDueJobs(t.app.deps)).claimed).toBe(0);
    // Pruning keeps what failed, for someone to look at.
    t.clock.advance(30 * 86_400_000);
    await pruneJobs(t.app.deps);
    expect((await row(id)).attempts).toBe(MAX_ATTEMPTS);
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([30_000, 120_000, 480_000, 1_920_000, 3_600_000, 3_600_000]);
  });

  it('rolls back what a failed run wrote, and hands each job to one of several workers at once', async () => {
    let runs = 0;
    const handlers: Record<string, JobHandler> = {
      'test.count': async () => {
        runs++;
      },
      'test.half-done': async (trx: Tx) => {
        await trx.updateTable('companies').set({ name: 'Half Done Co' }).execute();
        throw new Error('broke half-way');
      },
    };
    const broken = await add('test.half-done');
    for (let i = 0; i < 12; i++) await add('test.count');
    const results = await Promise.all([
      runDueJobs(t.app.deps, { handlers, limit: 5 }),
      runDueJobs(t.app.deps, { handlers, limit: 5 }),
      runDueJobs(t.app.deps, { handlers, limit: 5 }),
    ]);
    const claimed = results.reduce((n, r) => n + r.claimed, 0);
    expect(claimed).toBe(13);
    expect(runs).toBe(12);
    expect((await row(broken)).last_error).toBe('broke half-way');
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.name).toBe('Demo Co');
  });
});
