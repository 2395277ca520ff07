import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.ts';
import { type Tx, withTenant } from '../db/client.ts';
import { emailSendJob } from '../modules/email/email.jobs.ts';
import { type AnyJobDefinition, defineJob, type Job, JobPayloadError } from './define.ts';
import { enqueue, enqueueMany, jobRows } from './queue.ts';
import { createJobRegistry, requestSchedules } from './registry.ts';
import { MAX_ATTEMPTS, pruneJobs, retryDelayMs, runDueJobs } from './runner.ts';
import { cron, daily, nextRun } from './schedule.ts';
import { startJobWorker } from './worker.ts';

let t: TestApp;
let companyId: string;
beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
  // The runner's own behaviour is under test: the demo's housekeeping and follow-up jobs would be claimed too.
  await t.dbs.app.deleteFrom('jobs').execute();
});
afterAll(() => t.close());

const Empty = Type.Object({}, { additionalProperties: false });
const silent = { error: () => undefined };

function inTenant<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
  return withTenant(t.dbs.app, companyId, work);
}

async function add(definition: AnyJobDefinition, payload: object = {}, delayMs = 0): Promise<string> {
  const now = t.clock.now();
  return inTenant((trx) => enqueue(trx, definition, payload, { runAt: new Date(now.getTime() + delayMs), now }));
}

async function row(id: string) {
  return t.dbs.app.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function pending(kind: string) {
  return t.dbs.app
    .selectFrom('jobs')
    .select(['id', 'run_at'])
    .where('kind', '=', kind)
    .where('done_at', 'is', null)
    .execute();
}

/** Fails (instead of hanging) when `promise` has not settled after `ms`: a safety net, not a speed measure. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Each of `n` callers waits until all `n` have arrived: only jobs running at the same time get past it. */
function barrier(n: number) {
  let arrived = 0;
  let open: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived++;
    if (arrived === n) open();
    await within(all, 10_000, `${n} jobs running at once`);
  };
}

describe('durable jobs', () => {
  it('runs a job when it is due by the app clock, inside its company, once, with its typed payload', async () => {
    const seen: { job: Job<{ leadId: string }>; company: string }[] = [];
    const record = defineJob({
      kind: 'test.record',
      payload: Type.Object({ leadId: Type.String() }, { additionalProperties: false }),
      handler: async (trx, _deps, job) => {
        const company = await trx.selectFrom('companies').select('id').executeTakeFirstOrThrow();
        seen.push({ job, company: company.id });
      },
    });
    const registry = createJobRegistry([record]);
    const id = await add(record, { leadId: 'x' }, 60_000);
    expect(await runDueJobs(t.app.deps, { registry })).toMatchObject({ claimed: 0 });
    t.clock.advance(60_000);
    expect(await runDueJobs(t.app.deps, { registry })).toEqual({ claimed: 1, done: 1, failed: 0 });
    expect(seen).toEqual([
      { job: expect.objectContaining({ id, attempts: 1, payload: { leadId: 'x' } }), company: companyId },
    ]);
    expect(await row(id)).toMatchObject({ done_at: t.clock.now(), last_error: null, locked_until: null });
    expect(await runDueJobs(t.app.deps, { registry })).toMatchObject({ claimed: 0 });
    t.clock.advance(15 * 86_400_000);
    expect(await pruneJobs(t.app.deps)).toBeGreaterThanOrEqual(1);
    expect(await t.dbs.app.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('retries a failing job with growing delays, keeps the error, and gives up after the last attempt', async () => {
    const unknown = defineJob({ kind: 'test.unknown', payload: Empty, handler: async () => undefined });
    const id = await add(unknown);
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
    const count = defineJob({
      kind: 'test.count',
      payload: Empty,
      handler: async () => {
        runs++;
      },
    });
    const halfDone = defineJob({
      kind: 'test.half_done',
      payload: Empty,
      handler: async (trx) => {
        await trx.updateTable('companies').set({ name: 'Half Done Co' }).execute();
        throw new Error('broke half-way');
      },
    });
    const registry = createJobRegistry([count, halfDone]);
    const broken = await add(halfDone);
    for (let i = 0; i < 12; i++) await add(count);
    const results = await Promise.all([
      runDueJobs(t.app.deps, { registry, limit: 5, concurrency: 3 }),
      runDueJobs(t.app.deps, { registry, limit: 5, concurrency: 3 }),
      runDueJobs(t.app.deps, { registry, limit: 5, concurrency: 3 }),
    ]);
    const claimed = results.reduce((n, r) => n + r.claimed, 0);
    expect(claimed).toBe(13);
    expect(runs).toBe(12);
    expect((await row(broken)).last_error).toBe('broke half-way');
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.name).toBe('Demo Co');
  });
});

describe('typed payloads', () => {
  it('refuses a payload that does not match its kind at enqueue, naming the field, and stores nothing', async () => {
    const before = await t.dbs.app.selectFrom('jobs').select('id').execute();
    const attempt = (payload: unknown) =>
      inTenant((trx) => enqueue(trx, emailSendJob, payload as { messageId: string }, { runAt: t.clock.now() }));
    await expect(attempt({ messageId: 'not-an-id' })).rejects.toThrow(
      'job email.send: the payload does not match its schema: messageId must be a UUID',
    );
    await expect(attempt({})).rejects.toThrow(JobPayloadError);
    await expect(attempt({})).rejects.toThrow('messageId is required');
    await expect(attempt({ messageId: crypto.randomUUID(), body: 'hi' })).rejects.toThrow('body is not a known field');
    const many = inTenant((trx) =>
      enqueueMany(
        trx,
        emailSendJob,
        [
          { payload: { messageId: crypto.randomUUID() }, runAt: t.clock.now() },
          { payload: { messageId: 'x' }, runAt: t.clock.now() },
        ],
        t.clock.now(),
      ),
    );
    await expect(many).rejects.toThrow('messageId must be a UUID');
    const rows = (messageId: string) =>
      jobRows(emailSendJob, [{ payload: { messageId }, runAt: t.clock.now() }], { companyId, now: t.clock.now() });
    expect(() => rows('x')).toThrow('messageId must be a UUID');
    expect(rows(companyId)).toEqual([
      expect.objectContaining({ kind: 'email.send', payload: { messageId: companyId } }),
    ]);
    expect(await t.dbs.app.selectFrom('jobs').select('id').execute()).toEqual(before);
  });

  it('adds many jobs in one statement for the transaction’s company, each checked', async () => {
    let seen: string[] = [];
    const note = defineJob({
      kind: 'test.note',
      payload: Type.Object({ n: Type.Integer() }, { additionalProperties: false }),
      handler: async (_trx, _deps, job) => {
        seen.push(`${job.companyId}:${job.payload.n}`);
      },
    });
    const now = t.clock.now();
    const ids = await inTenant((trx) =>
      enqueueMany(
        trx,
        note,
        [1, 2, 3].map((n) => ({ payload: { n }, runAt: now })),
        now,
      ),
    );
    expect(ids).toHaveLength(3);
    expect(await runDueJobs(t.app.deps, { registry: createJobRegistry([note]) })).toMatchObject({ done: 3 });
    expect(seen).toEqual([1, 2, 3].map((n) => `${companyId}:${n}`));
    seen = [];
  });

  it('gives up at once on a stored payload its kind no longer accepts', async () => {
    const strict = defineJob({
      kind: 'test.strict',
      payload: Type.Object({ scanId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
      handler: async () => undefined,
    });
    const id = await add(strict, { scanId: crypto.randomUUID() });
    // A row written by an older release, with a payload of another shape.
    await t.dbs.app
      .updateTable('jobs')
      .set({ payload: JSON.stringify({ scan: 1 }) })
      .where('id', '=', id)
      .execute();
    expect(await runDueJobs(t.app.deps, { registry: createJobRegistry([strict]), log: silent })).toMatchObject({
      failed: 1,
    });
    const job = await row(id);
    expect(job.done_at).not.toBeNull();
    expect(job.last_error).toMatch(/^gave up after 1 attempts: job test\.strict: the payload does not match/);
  });
});

describe('concurrency', () => {
  it('runs several jobs of one pass at once, and at most a kind’s own limit of that kind', async () => {
    const meet = barrier(2);
    const together = defineJob({ kind: 'test.together', payload: Empty, handler: () => meet() });
    let running = 0;
    let most = 0;
    const single = defineJob({
      kind: 'test.single',
      payload: Empty,
      concurrency: 1,
      handler: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
    });
    const registry = createJobRegistry([together, single]);
    await add(together);
    await add(together);
    expect(await runDueJobs(t.app.deps, { registry, concurrency: 2 })).toEqual({ claimed: 2, done: 2, failed: 0 });
    for (let i = 0; i < 4; i++) await add(single);
    expect(await runDueJobs(t.app.deps, { registry, concurrency: 4 })).toMatchObject({ done: 4 });
    expect(most).toBe(1);
  });

  it('the worker of a process runs up to JOB_CONCURRENCY jobs at once', async () => {
    const meet = barrier(3);
    let finished = 0;
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const meeting = defineJob({
      kind: 'test.meeting',
      payload: Empty,
      handler: async () => {
        await meet();
        if (++finished === 3) allDone();
      },
    });
    const worker = await startJobWorker(t.app.deps, {
      registry: createJobRegistry([meeting]),
      concurrency: 3,
      pollMs: 3_600_000,
      listenUrl: t.url,
      log: silent,
    });
    try {
      await inTenant(async (trx) => {
        for (let i = 0; i < 3; i++) await enqueue(trx, meeting, {}, { runAt: t.clock.now() });
      });
      await within(done, 10_000, 'three jobs meeting');
    } finally {
      await worker.stop();
    }
    expect(finished).toBe(3);
  });
});

describe('a kind at its own limit', () => {
  it('is claimed again as each of its jobs ends, without waiting for the next poll', async () => {
    let finished = 0;
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const one = defineJob({
      kind: 'test.serial',
      payload: Empty,
      concurrency: 1,
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (++finished === 5) allDone();
      },
    });
    const worker = await startJobWorker(t.app.deps, {
      registry: createJobRegistry([one]),
      concurrency: 2,
      pollMs: 3_600_000,
      listenUrl: t.url,
      log: silent,
    });
    try {
      // One commit, one announcement: the rest must follow from the jobs ending.
      await inTenant(async (trx) => {
        for (let i = 0; i < 5; i++) await enqueue(trx, one, {}, { runAt: t.clock.now() });
      });
      await within(done, 10_000, 'five jobs one after another');
    } finally {
      await worker.stop();
    }
    expect(finished).toBe(5);
  });
});

describe('waking the worker', () => {
  it('takes a committed job at once (LISTEN/NOTIFY), not at the next poll', async () => {
    let ran: (id: string) => void = () => undefined;
    const seen = new Promise<string>((resolve) => {
      ran = resolve;
    });
    const ping = defineJob({
      kind: 'test.ping',
      payload: Empty,
      handler: async (_trx, _deps, job) => ran(job.id),
    });
    // The poll would come round in an hour: only the notification can bring the job in time.
    const worker = await startJobWorker(t.app.deps, {
      registry: createJobRegistry([ping]),
      pollMs: 3_600_000,
      listenUrl: t.url,
      log: silent,
    });
    try {
      expect(worker.listening).toBe(true);
      // Rolled back: never announced, never run.
      await inTenant(async (trx) => {
        await enqueue(trx, ping, {}, { runAt: t.clock.now() });
        throw new Error('changed my mind');
      }).catch(() => undefined);
      const id = await add(ping);
      expect(await within(seen, 5_000, 'the job being run')).toBe(id);
      await expect.poll(async () => (await row(id)).done_at).not.toBeNull();
    } finally {
      await worker.stop();
    }
    expect(await pending('test.ping')).toEqual([]);
  });
});

describe('schedules', () => {
  it('reads daily and cron timetables on UTC or the company’s wall clock', () => {
    const at = (iso: string) => new Date(iso);
    expect(nextRun(daily('03:20'), at('2025-03-10T03:19:59Z'))).toEqual(at('2025-03-10T03:20:00Z'));
    expect(nextRun(daily('03:20'), at('2025-03-10T03:20:00Z'))).toEqual(at('2025-03-11T03:20:00Z'));
    // 09:00 in Kolkata (+05:30); a UTC schedule ignores the company's zone.
    expect(nextRun(daily('09:00', 'company'), at('2025-03-10T12:00:00Z'), 'Asia/Kolkata')).toEqual(
      at('2025-03-11T03:30:00Z'),
    );
    expect(nextRun(daily('09:00'), at('2025-03-10T12:00:00Z'), 'Asia/Kolkata')).toEqual(at('2025-03-11T09:00:00Z'));
    // New York moves to daylight time on 9 March 2025: 07:00 local is 12:00Z before, 11:00Z after.
    const weekdays = cron('0 7 * * 1-5', 'company');
    expect(nextRun(weekdays, at('2025-03-07T13:00:00Z'), 'America/New_York')).toEqual(at('2025-03-10T11:00:00Z'));
    expect(nextRun(weekdays, at('2025-03-06T13:00:00Z'), 'America/New_York')).toEqual(at('2025-03-07T12:00:00Z'));
    // 02:30 does not exist in New York that night: it comes an hour later, 03:30 EDT (07:30Z). 01:30 happens
    // twice on 2 November 2025: the first time (EDT, 05:30Z).
    expect(nextRun(daily('02:30', 'company'), at('2025-03-09T05:00:00Z'), 'America/New_York')).toEqual(
      at('2025-03-09T07:30:00Z'),
    );
    expect(nextRun(daily('01:30', 'company'), at('2025-11-02T04:00:00Z'), 'America/New_York')).toEqual(
      at('2025-11-02T05:30:00Z'),
    );
    expect(nextRun(cron('*/15 * * * *'), at('2025-03-10T10:07:00Z'))).toEqual(at('2025-03-10T10:15:00Z'));
    expect(nextRun(cron('0 0 29 2 *'), at('2025-03-01T00:00:00Z'))).toEqual(at('2028-02-29T00:00:00Z'));
    expect(() => cron('61 * * * *')).toThrow('minute field');
    expect(() => cron('0 7 * *')).toThrow('needs 5 fields');
    expect(() => daily('7:00')).toThrow('not a time of day');
  });

  it('keeps one pending run per company and kind: a new company gets its own, each run schedules the next', async () => {
    let runs = 0;
    const morning = defineJob({
      kind: 'test.morning',
      schedule: daily('09:00', 'company'),
      handler: async () => {
        runs++;
      },
    });
    const failing = defineJob({
      kind: 'test.failing_daily',
      schedule: daily('10:00'),
      retry: { attempts: 1 },
      handler: async () => {
        throw new Error('down today');
      },
    });
    const registry = createJobRegistry([morning, failing]);
    // As a new company asks for them (twice here: still one each).
    await inTenant((trx) => requestSchedules(trx, t.clock.now()));
    await inTenant((trx) => requestSchedules(trx, t.clock.now()));
    await runDueJobs(t.app.deps, { registry });
    const [first] = await pending('test.morning');
    expect(await pending('test.morning')).toHaveLength(1);
    expect(await pending('test.failing_daily')).toHaveLength(1);
    // Demo Co keeps Asia/Kolkata: 09:00 there is 03:30 UTC.
    const due = new Date(first?.run_at as Date);
    expect([due.getUTCHours(), due.getUTCMinutes()]).toEqual([3, 30]);
    expect(due.getTime()).toBeGreaterThan(t.clock.now().getTime());

    t.clock.set(new Date(due.getTime() + 24 * 3_600_000));
    await runDueJobs(t.app.deps, { registry, log: silent });
    expect(runs).toBe(1);
    const [next] = await pending('test.morning');
    expect(await pending('test.morning')).toHaveLength(1);
    expect(new Date(next?.run_at as Date).getTime()).toBe(due.getTime() + 48 * 3_600_000);
    // The failing one gave up, and still has tomorrow's run.
    const failed = await pending('test.failing_daily');
    expect(failed).toHaveLength(1);
    expect(new Date(failed[0]?.run_at as Date).getTime()).toBeGreaterThan(t.clock.now().getTime());
  });
});
