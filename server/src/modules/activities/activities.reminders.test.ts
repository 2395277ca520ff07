import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, JWT_SECRET, type TestApp, userId } from '../../../test/harness.ts';
import { type App, buildApp } from '../../app.ts';
import { withTenant } from '../../db/client.ts';
import { runDueJobs } from '../../jobs/runner.ts';
import { ManualClock } from '../../lib/clock.ts';
import { addActivity, dueIn, HOUR, leadOf, MINUTE, notificationsOf } from './activities.fixtures.ts';

/** Monday 7 January 2030, 10:00 in Asia/Kolkata. */
const START = new Date('2030-01-07T04:30:00Z');
const SALES = 'sales2@demo.test';

let t: TestApp;
let second: App;
let secondClock: ManualClock;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(START);
  // Another iPerform process on the same database, with its own job runner.
  secondClock = new ManualClock(START);
  second = await buildApp({
    config: t.config,
    db: t.dbs.app,
    jwtSecret: JWT_SECRET,
    clock: secondClock,
    logger: false,
    webRoot: null,
  });
  await second.ready();
});
afterAll(async () => {
  await second.close();
  await t.close();
});

/** Both processes run their job workers at once, at the same time of day. */
async function runBoth(): Promise<void> {
  secondClock.set(t.clock.now());
  await Promise.all([t.runJobs(), runDueJobs(second.deps)]);
}

const about = async (who: string, leadId: string, kind: string) =>
  (await notificationsOf(t, who)).filter((n) => n.leadId === leadId && n.kind === kind);

describe('reminders', () => {
  it('reminds the assignee once, at its lead time before the due time, whoever runs the jobs', async () => {
    const lead = await leadOf(t, SALES, { name: 'Neha Kapoor' });
    const due = new Date(START.getTime() + 2 * HOUR);
    await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: due.toISOString(), title: 'Call Neha' });
    t.clock.advance(2 * HOUR - 16 * MINUTE);
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toEqual([]);
    t.clock.advance(MINUTE);
    await runBoth();
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toEqual([
      expect.objectContaining({ title: 'Follow-up due: Call Neha', body: 'Neha Kapoor', at: due.toISOString() }),
    ]);
  });

  it('delivers once after a worker died holding the job, when its lease runs out', async () => {
    const lead = await leadOf(t, SALES, { name: 'Om Prakash' });
    const activity = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, 30 * MINUTE) });
    t.clock.advance(15 * MINUTE);
    // A worker claimed it and stopped before it committed: the row is leased, the work rolled back.
    const claimed = await t.dbs.app
      .updateTable('jobs')
      .set({ attempts: 1, locked_until: new Date(t.clock.now().getTime() + 5 * MINUTE) })
      .where('kind', '=', 'activity.remind')
      .where('done_at', 'is', null)
      .where(sql<string>`payload->>'activityId'`, '=', activity.id)
      .executeTakeFirst();
    expect(Number(claimed.numUpdatedRows)).toBe(1);
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toEqual([]);
    t.clock.advance(5 * MINUTE);
    await runBoth();
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toHaveLength(1);
  });

  it('follows a reschedule: the old time reminds nobody, the new one does', async () => {
    const lead = await leadOf(t, SALES, { name: 'Pallavi Rao' });
    const activity = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    const moved = await t.as(SALES, 'POST', `/api/v1/activities/${activity.id}/reschedule`, {
      dueAt: dueIn(t, 4 * HOUR),
    });
    expect(moved.statusCode, moved.body).toBe(200);
    t.clock.advance(HOUR);
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toEqual([]);
    t.clock.advance(3 * HOUR - 15 * MINUTE);
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toHaveLength(1);
    const read = (await t.as(SALES, 'GET', `/api/v1/activities/${activity.id}`)).json();
    expect(read).toMatchObject({ remindAt: null, remindedAt: t.clock.now().toISOString() });
  });

  it('says nothing about an activity completed or cancelled before its time', async () => {
    const lead = await leadOf(t, SALES, { name: 'Qadir Ali' });
    const a = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    const b = await addActivity(t, SALES, { leadId: lead, type: 'meeting', dueAt: dueIn(t, HOUR) });
    await t.as(SALES, 'POST', `/api/v1/activities/${a.id}/complete`, {});
    await t.as(SALES, 'POST', `/api/v1/activities/${b.id}/cancel`, {});
    t.clock.advance(3 * HOUR);
    await runBoth();
    expect((await notificationsOf(t, SALES)).filter((n) => n.leadId === lead)).toEqual([]);
    expect((await t.as(SALES, 'GET', `/api/v1/activities/${a.id}`)).json().status).toBe('done');
  });
});

describe('missed follow-ups', () => {
  it('are marked missed an hour after their time, the assignee and its manager told once', async () => {
    const lead = await leadOf(t, SALES, { name: 'Ravi Shankar' });
    const a = await addActivity(t, SALES, {
      leadId: lead,
      type: 'follow_up',
      dueAt: dueIn(t, HOUR),
      title: 'Call Ravi',
    });
    t.clock.advance(2 * HOUR - MINUTE);
    await runBoth();
    expect((await t.as(SALES, 'GET', `/api/v1/activities/${a.id}`)).json().status).toBe('open');
    t.clock.advance(MINUTE);
    await runBoth();
    await runBoth();
    const after = (await t.as(SALES, 'GET', `/api/v1/activities/${a.id}`)).json();
    expect(after).toMatchObject({ status: 'missed', missedAt: t.clock.now().toISOString(), overdue: true });
    expect(await about(SALES, lead, 'activity.missed')).toEqual([
      expect.objectContaining({ title: 'Missed follow-up: Call Ravi' }),
    ]);
    expect(await about('manager1@demo.test', lead, 'activity.missed')).toEqual([
      expect.objectContaining({ title: 'Sneha Patil missed a follow-up: Call Ravi' }),
    ]);
    expect(await about('manager2@demo.test', lead, 'activity.missed')).toEqual([]);
    // Done late is still done; rescheduled, it would be open again.
    const done = await t.as(SALES, 'POST', `/api/v1/activities/${a.id}/complete`, {
      outcome: 'Reached him a day late',
    });
    expect(done.json().activity).toMatchObject({ status: 'done', missedAt: after.missedAt });
  });

  it('leave one done in time alone', async () => {
    const lead = await leadOf(t, SALES, { name: 'Sita Devi' });
    const a = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    t.clock.advance(HOUR + 30 * MINUTE);
    await t.as(SALES, 'POST', `/api/v1/activities/${a.id}/complete`, {});
    t.clock.advance(HOUR);
    await runBoth();
    expect(await about('manager1@demo.test', lead, 'activity.missed')).toEqual([]);
  });
});

describe('reminder preferences', () => {
  const prefs = '/api/v1/notifications/preferences';

  it('start as in-app 15 minutes before, and refuse bad values naming the field', async () => {
    expect((await t.as('warrior3@demo.test', 'GET', prefs)).json()).toEqual({
      reminderChannel: 'in_app',
      reminderMinutesBefore: 15,
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ reminderChannel: 'sms', reminderMinutesBefore: 10 }, 'reminderChannel'],
      [{ reminderChannel: 'email', reminderMinutesBefore: 10_081 }, 'reminderMinutesBefore'],
      [{ reminderChannel: 'email', reminderMinutesBefore: -1 }, 'reminderMinutesBefore'],
      [{ reminderChannel: 'email' }, 'reminderMinutesBefore'],
      [{ reminderChannel: 'email', reminderMinutesBefore: 5, sound: true }, 'sound'],
    ];
    for (const [body, field] of cases) {
      expectProblem(await t.as('warrior3@demo.test', 'PUT', prefs, body), 400, 'validation_failed', field);
    }
    expect((await t.as('warrior3@demo.test', 'GET', prefs)).json().reminderMinutesBefore).toBe(15);
  });

  it('move the reminders still to come, and send them by e-mail too when asked', async () => {
    const lead = await leadOf(t, SALES, { name: 'Uday Kiran' });
    const own = await addActivity(t, SALES, {
      leadId: lead,
      type: 'follow_up',
      dueAt: dueIn(t, 3 * HOUR),
      reminderMinutesBefore: 10,
    });
    const follows = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, 3 * HOUR) });
    const put = await t.as(SALES, 'PUT', prefs, { reminderChannel: 'both', reminderMinutesBefore: 60 });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ reminderChannel: 'both', reminderMinutesBefore: 60 });
    expect((await t.as('sales1@demo.test', 'GET', prefs)).json().reminderChannel).toBe('in_app');
    const read = async (id: string) => (await t.as(SALES, 'GET', `/api/v1/activities/${id}`)).json();
    expect((await read(follows.id)).remindAt).toBe(new Date(Date.parse(follows.dueAt) - HOUR).toISOString());
    expect((await read(own.id)).remindAt).toBe(own.remindAt);

    t.clock.advance(2 * HOUR);
    await runBoth();
    expect(await about(SALES, lead, 'activity.due')).toHaveLength(1);
    const sales2 = await userId(t, SALES);
    const companyId = (await t.as(SALES, 'GET', '/api/v1/auth/me')).json().company.id;
    const mail = await withTenant(t.dbs.app, companyId, (trx) =>
      trx
        .selectFrom('email_messages')
        .select(['subject', 'to_user_id', 'purpose'])
        .where('to_user_id', '=', sales2)
        .execute(),
    );
    expect(mail).toContainEqual(
      expect.objectContaining({
        purpose: 'system',
        subject: expect.stringMatching(/^Follow-up due at \d\d:\d\d: Call Uday Kiran$/),
      }),
    );
  });
});
