import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { type ActivityBody, addActivity, dueIn, HOUR, leadOf, list } from './activities.fixtures.ts';

let t: TestApp;
const SALES = 'sales1@demo.test';
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const act = (id: string, step: string, body?: Record<string, unknown>) =>
  t.as(SALES, 'POST', `/api/v1/activities/${id}/${step}`, body);
const read = async (id: string): Promise<ActivityBody> => (await t.as(SALES, 'GET', `/api/v1/activities/${id}`)).json();

describe('completing, cancelling and rescheduling', () => {
  it('completes a follow-up and schedules the next one in the same step', async () => {
    const lead = await leadOf(t, SALES, { name: 'Gita Bhat' });
    const first = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    const nextDue = dueIn(t, 3 * 24 * HOUR);
    const done = await act(first.id, 'complete', {
      outcome: 'Interested; wants a demo',
      next: { type: 'meeting', dueAt: nextDue, location: 'Their office, Baner' },
    });
    expect(done.statusCode, done.body).toBe(200);
    const { activity, next } = done.json();
    expect(activity).toMatchObject({
      id: first.id,
      status: 'done',
      outcome: 'Interested; wants a demo',
      completedAt: t.clock.now().toISOString(),
      remindAt: null,
      version: 2,
    });
    expect(next).toMatchObject({
      type: 'meeting',
      status: 'open',
      dueAt: nextDue,
      title: 'Meeting with Gita Bhat',
      location: 'Their office, Baner',
      previousId: first.id,
      assignee: first.assignee,
    });
    expectProblem(await act(first.id, 'complete'), 409, 'activity_closed');
    expectProblem(await act(first.id, 'cancel'), 409, 'activity_closed');
    expectProblem(await act(first.id, 'reschedule', { dueAt: dueIn(t, HOUR) }), 409, 'activity_closed');
    // A done follow-up's notes can still be corrected; its time cannot.
    const fix = await t.as(SALES, 'PATCH', `/api/v1/activities/${first.id}`, { version: 2, notes: 'Spoke to Gita' });
    expect(fix.statusCode, fix.body).toBe(200);
    expectProblem(
      await t.as(SALES, 'PATCH', `/api/v1/activities/${first.id}`, { version: 3, dueAt: dueIn(t, HOUR) }),
      409,
      'activity_closed',
    );
  });

  it('completes nothing when the next step is not valid', async () => {
    const lead = await leadOf(t, SALES, { name: 'Harish Menon' });
    const open = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    const sales2 = await userId(t, 'sales2@demo.test');
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ next: { type: 'follow_up' } }, 400, 'validation_failed', 'next.dueAt'],
      [{ next: { type: 'call', dueAt: dueIn(t, HOUR) } }, 400, 'validation_failed', 'next.type'],
      [
        { next: { type: 'follow_up', dueAt: dueIn(t, HOUR), assigneeId: sales2 } },
        422,
        'unprocessable',
        'next.assigneeId',
      ],
      [{ next: { type: 'follow_up', dueAt: dueIn(t, 7 * 366 * 24 * HOUR) } }, 422, 'unprocessable', 'next.dueAt'],
      [{ outcome: 'x'.repeat(2001) }, 400, 'validation_failed', 'outcome'],
      [{ version: 0 }, 400, 'validation_failed', 'version'],
    ];
    for (const [body, status, code, field] of cases)
      expectProblem(await act(open.id, 'complete', body), status, code, field);
    expect(await read(open.id)).toEqual(open);
    expect(await list(t, SALES, `?leadId=${lead}`)).toHaveLength(1);
    expectProblem(await act(open.id, 'complete', { version: 5 }), 409, 'version_conflict');
  });

  it('cancels with a reason, and reschedules a follow-up to a new time with its reminder', async () => {
    const lead = await leadOf(t, SALES, { name: 'Irfan Khan' });
    const a = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    expectProblem(await act(a.id, 'cancel', { reason: '' }), 400, 'validation_failed', 'reason');
    const cancelled = await act(a.id, 'cancel', { reason: 'Customer travelling' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', outcome: 'Customer travelling', remindAt: null });

    const b = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    for (const [body, field] of [
      [{}, 'dueAt'],
      [{ dueAt: 'later' }, 'dueAt'],
      [{ dueAt: dueIn(t, HOUR), title: 'x' }, 'title'],
    ] as const) {
      expectProblem(await act(b.id, 'reschedule', body), 400, 'validation_failed', field);
    }
    const due = dueIn(t, 30 * HOUR);
    const moved = await act(b.id, 'reschedule', { dueAt: due, reminderMinutesBefore: 45 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      status: 'open',
      dueAt: due,
      remindAt: new Date(Date.parse(due) - 45 * 60_000).toISOString(),
      version: 2,
    });
    const call = await addActivity(t, SALES, { leadId: lead, type: 'call' });
    expectProblem(await act(call.id, 'reschedule', { dueAt: due }), 409, 'activity_closed');
  });
});

describe('moving a lead to Won or Lost', () => {
  async function leadWithFollowUps(name: string) {
    const lead = await leadOf(t, SALES, { name, expectedValue: 90_000 });
    const a = await addActivity(t, SALES, { leadId: lead, type: 'follow_up', dueAt: dueIn(t, HOUR) });
    const b = await addActivity(t, SALES, { leadId: lead, type: 'meeting', dueAt: dueIn(t, 48 * HOUR) });
    await addActivity(t, SALES, { leadId: lead, type: 'call' });
    return { lead, open: [a.id, b.id] };
  }
  const stageOf = async (lead: string) => (await t.as(SALES, 'GET', `/api/v1/leads/${lead}`)).json().stage;

  it('asks about open follow-ups instead of closing them silently', async () => {
    const { lead, open } = await leadWithFollowUps('Jaya Prakash');
    const asked = await t.as(SALES, 'POST', `/api/v1/leads/${lead}/stage`, { stage: 'won' });
    const problem = expectProblem(asked, 409, 'open_follow_ups', 'closeFollowUps') as {
      detail?: string;
      openFollowUps?: { id: string }[];
    };
    expect(problem.detail).toContain('2 open follow-ups');
    expect(problem.openFollowUps?.map((a) => a.id)).toEqual(open);
    expect(await stageOf(lead)).toBe('new');

    const closed = await t.as(SALES, 'POST', `/api/v1/leads/${lead}/stage`, { stage: 'won', closeFollowUps: true });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().stage).toBe('won');
    for (const id of open) {
      expect(await read(id)).toMatchObject({ status: 'cancelled', outcome: 'Closed when the lead moved to Won' });
    }
  });

  it('keeps them when asked to, and moves a lead without any at once', async () => {
    const { lead, open } = await leadWithFollowUps('Kamal Joshi');
    const kept = await t.as(SALES, 'POST', `/api/v1/leads/${lead}/stage`, {
      stage: 'lost',
      closeFollowUps: false,
      fields: { lostReason: 'Budget cut' },
    });
    expect(kept.statusCode, kept.body).toBe(200);
    for (const id of open) expect((await read(id)).status).toBe('open');
    const plain = await leadOf(t, SALES, { name: 'Lata Iyer', expectedValue: 5000 });
    expect((await t.as(SALES, 'POST', `/api/v1/leads/${plain}/stage`, { stage: 'won' })).statusCode).toBe(200);
    expectProblem(
      await t.as(SALES, 'POST', `/api/v1/leads/${plain}/stage`, { stage: 'won', closeFollowUps: 'yes' }),
      400,
      'validation_failed',
      'closeFollowUps',
    );
  });
});

describe('activities on the lead timeline', () => {
  it('lists them with the rest, filtered by kind', async () => {
    const lead = await leadOf(t, SALES, { name: 'Manoj Tiwari' });
    await t.as(SALES, 'POST', `/api/v1/leads/${lead}/notes`, { body: 'Met at the expo' });
    const call = await addActivity(t, SALES, {
      leadId: lead,
      type: 'call',
      direction: 'out',
      durationSeconds: 95,
      callResult: 'connected',
      outcome: 'Call back Monday',
    });
    const timeline = async (query: string) => {
      const response = await t.as(SALES, 'GET', `/api/v1/leads/${lead}/timeline${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().data as { kind: string; actor: { name: string } | null; activity?: unknown }[];
    };
    const activities = await timeline('?kind=activity');
    expect(activities).toEqual([
      expect.objectContaining({
        kind: 'activity',
        actor: expect.objectContaining({ name: 'Rohan Gupta' }),
        activity: expect.objectContaining({
          activityId: call.id,
          type: 'call',
          status: 'done',
          outcome: 'Call back Monday',
          call: { direction: 'out', durationSeconds: 95, result: 'connected' },
          assignee: call.assignee,
        }),
      }),
    ]);
    expect(new Set((await timeline('?kind=note,activity')).map((e) => e.kind))).toEqual(new Set(['note', 'activity']));
    expect((await timeline('')).map((e) => e.kind)).toContain('activity');
    expectProblem(
      await t.as(SALES, 'GET', `/api/v1/leads/${lead}/timeline?kind=gossip`),
      400,
      'validation_failed',
      'kind',
    );
  });
});
