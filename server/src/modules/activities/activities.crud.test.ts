import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import {
  type ActivityBody,
  addActivity,
  dueIn,
  HOUR,
  leadOf,
  list,
  MINUTE,
  notificationsOf,
} from './activities.fixtures.ts';

let t: TestApp;
let leadId: string;
let followUp: ActivityBody;
const SALES = 'sales1@demo.test';
beforeAll(async () => {
  t = await createTestApp();
  const warrior1 = await userId(t, 'warrior1@demo.test');
  leadId = await leadOf(t, SALES, { name: 'Kiran Rao', warriorIds: [warrior1] });
  followUp = await addActivity(t, SALES, { leadId, type: 'follow_up', dueAt: dueIn(t, 2 * HOUR) });
});
afterAll(() => t.close());

const get = (who: string, id: string) => t.as(who, 'GET', `/api/v1/activities/${id}`);

describe('creating activities', () => {
  it('schedules a follow-up for its creator, due in UTC and in the assignee’s own time zone', async () => {
    const sales1 = await userId(t, SALES);
    expect(followUp).toMatchObject({
      leadId,
      type: 'follow_up',
      channel: 'call',
      status: 'open',
      title: 'Call Kiran Rao',
      assignee: { id: sales1, name: 'Rohan Gupta' },
      timezone: 'Asia/Kolkata',
      overdue: false,
      previousId: null,
      version: 1,
    });
    expect(followUp.dueAtLocal).toMatch(/\+05:30$/);
    expect(new Date(followUp.dueAtLocal).getTime()).toBe(new Date(followUp.dueAt).getTime());
    expect(followUp.remindAt).toBe(new Date(new Date(followUp.dueAt).getTime() - 15 * MINUTE).toISOString());
    const read = await get(SALES, followUp.id);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(followUp);
  });

  it('counts as working the lead: the response SLA sees the touch', async () => {
    const lead = await leadOf(t, SALES, { name: 'Touched Lead' });
    t.clock.advance(10 * MINUTE);
    await addActivity(t, SALES, { leadId: lead, type: 'note', notes: 'Prefers WhatsApp' });
    const after = (await t.as(SALES, 'GET', `/api/v1/leads/${lead}`)).json();
    expect(after.lastTouchedAt).toBe(t.clock.now().toISOString());
  });

  it('logs calls and notes as done at the time they happened', async () => {
    const at = dueIn(t, -HOUR);
    const call = await addActivity(t, SALES, {
      leadId,
      type: 'call',
      dueAt: at,
      direction: 'in',
      durationSeconds: 320,
      callResult: 'connected',
      outcome: 'Wants a demo on Friday',
    });
    expect(call).toMatchObject({
      status: 'done',
      title: 'Call from Kiran Rao',
      direction: 'in',
      durationSeconds: 320,
      callResult: 'connected',
      completedAt: at,
      remindAt: null,
      channel: null,
    });
    const note = await addActivity(t, SALES, { leadId, type: 'note', notes: 'Budget approved' });
    expect(note).toMatchObject({ status: 'done', dueAt: t.clock.now().toISOString(), title: 'Note on Kiran Rao' });
    const meeting = await addActivity(t, SALES, { leadId, type: 'meeting', status: 'done', dueAt: at });
    expect(meeting).toMatchObject({ status: 'done', completedAt: at, remindAt: null });
  });

  it('gives a follow-up to someone who sees the lead, who is told; never to someone who cannot', async () => {
    const warrior1 = await userId(t, 'warrior1@demo.test');
    const given = await addActivity(t, SALES, {
      leadId,
      type: 'follow_up',
      channel: 'site_visit',
      assigneeId: warrior1,
      dueAt: dueIn(t, 26 * HOUR),
      reminderMinutesBefore: 120,
    });
    expect(given).toMatchObject({
      assignee: { id: warrior1 },
      title: 'Site visit to Kiran Rao',
      timezone: 'Asia/Kolkata',
    });
    expect(given.remindAt).toBe(new Date(new Date(given.dueAt).getTime() - 2 * HOUR).toISOString());
    const told = (await notificationsOf(t, 'warrior1@demo.test')).filter((n) => n.leadId === leadId);
    expect(told).toEqual([
      expect.objectContaining({ kind: 'activity.assigned', title: 'Rohan Gupta gave you a follow-up on Kiran Rao' }),
    ]);

    const before = (await list(t, SALES, `?leadId=${leadId}&limit=200`)).length;
    const sales2 = await userId(t, 'sales2@demo.test');
    const otherAdmin = await userId(t, 'admin@other.test');
    for (const assigneeId of [sales2, otherAdmin, '0190a5b4-0000-7000-8000-000000000000']) {
      const refused = await t.as(SALES, 'POST', '/api/v1/activities', {
        leadId,
        type: 'follow_up',
        dueAt: dueIn(t, HOUR),
        assigneeId,
      });
      expectProblem(refused, 422, 'unprocessable', 'assigneeId');
    }
    expect(await list(t, SALES, `?leadId=${leadId}&limit=200`)).toHaveLength(before);
  });

  it('refuses bad input naming the field, and creates nothing', async () => {
    const before = (await list(t, SALES, `?leadId=${leadId}&limit=200`)).length;
    const post = (body: Record<string, unknown>) => t.as(SALES, 'POST', '/api/v1/activities', body);
    const valid = { leadId, type: 'follow_up', dueAt: dueIn(t, HOUR) };
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ type: 'follow_up', dueAt: valid.dueAt }, 400, 'validation_failed', 'leadId'],
      [{ ...valid, leadId: 'nope' }, 400, 'validation_failed', 'leadId'],
      [{ ...valid, type: 'visit' }, 400, 'validation_failed', 'type'],
      [{ ...valid, dueAt: 'tomorrow' }, 400, 'validation_failed', 'dueAt'],
      [{ ...valid, title: 'x'.repeat(201) }, 400, 'validation_failed', 'title'],
      [{ ...valid, channel: 'fax' }, 400, 'validation_failed', 'channel'],
      [{ ...valid, reminderMinutesBefore: 10_081 }, 400, 'validation_failed', 'reminderMinutesBefore'],
      [{ ...valid, durationSeconds: '60' }, 400, 'validation_failed', 'durationSeconds'],
      [{ ...valid, priority: 'high' }, 400, 'validation_failed', 'priority'],
      [{ leadId, type: 'follow_up' }, 422, 'unprocessable', 'dueAt'],
      [{ leadId, type: 'meeting' }, 422, 'unprocessable', 'dueAt'],
      [{ ...valid, dueAt: dueIn(t, 6 * 366 * 24 * HOUR) }, 422, 'unprocessable', 'dueAt'],
      [{ leadId, type: 'call', dueAt: dueIn(t, HOUR) }, 422, 'unprocessable', 'dueAt'],
      [{ leadId, type: 'call', status: 'open' }, 422, 'unprocessable', 'status'],
      [{ leadId, type: 'call', channel: 'call' }, 422, 'unprocessable', 'channel'],
      [{ ...valid, direction: 'in' }, 422, 'unprocessable', 'direction'],
      [{ ...valid, callResult: 'busy' }, 422, 'unprocessable', 'callResult'],
      [{ leadId, type: 'note', reminderMinutesBefore: 5 }, 422, 'unprocessable', 'reminderMinutesBefore'],
    ];
    for (const [body, status, code, field] of cases) expectProblem(await post(body), status, code, field);
    const hidden = await leadOf(t, 'sales2@demo.test', { name: 'Not Yours' });
    expectProblem(await post({ ...valid, leadId: hidden }), 422, 'unprocessable', 'leadId');
    expect(await list(t, SALES, `?leadId=${leadId}&limit=200`)).toHaveLength(before);
    expect(await list(t, 'sales2@demo.test', `?leadId=${hidden}`)).toEqual([]);
  });
});

describe('changing an activity', () => {
  it('needs the version read, refuses a stale one, and re-plans the reminder for a new time', async () => {
    const path = `/api/v1/activities/${followUp.id}`;
    expectProblem(await t.as(SALES, 'PATCH', path, { title: 'Call about pricing' }), 428, 'precondition_required');
    expectProblem(
      await t.as(SALES, 'PATCH', path, { title: 'Call about pricing', version: 7 }),
      409,
      'version_conflict',
    );
    const due = dueIn(t, 5 * HOUR);
    const changed = await t.as(SALES, 'PATCH', path, { title: 'Call about pricing', dueAt: due, version: 1 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.json()).toMatchObject({
      title: 'Call about pricing',
      dueAt: due,
      remindAt: new Date(Date.parse(due) - 15 * MINUTE).toISOString(),
      version: 2,
    });
    const byHeader = await t.app.inject({
      method: 'PATCH',
      url: path,
      headers: { authorization: `Bearer ${await t.token(SALES)}`, 'if-match': '"2"' },
      payload: { notes: 'Ask for the decision maker', reminderMinutesBefore: 60 },
    });
    expect(byHeader.statusCode, byHeader.body).toBe(200);
    followUp = byHeader.json();
    expect(followUp).toMatchObject({ notes: 'Ask for the decision maker', version: 3 });
    expect(followUp.remindAt).toBe(new Date(Date.parse(due) - HOUR).toISOString());
  });

  it('refuses bad changes naming the field, and changes nothing', async () => {
    const path = `/api/v1/activities/${followUp.id}`;
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ version: 'three' }, 400, 'validation_failed', 'version'],
      [{ version: 3, leadId }, 400, 'validation_failed', 'leadId'],
      [{ version: 3, status: 'done' }, 400, 'validation_failed', 'status'],
      [{ version: 3, title: '' }, 400, 'validation_failed', 'title'],
      [{ version: 3, dueAt: 'soon' }, 400, 'validation_failed', 'dueAt'],
      [{ version: 3, assigneeId: await userId(t, 'sales2@demo.test') }, 422, 'unprocessable', 'assigneeId'],
      [{ version: 3, direction: 'out' }, 422, 'unprocessable', 'direction'],
    ];
    for (const [body, status, code, field] of cases) {
      expectProblem(await t.as(SALES, 'PATCH', path, body), status, code, field);
    }
    expect((await get(SALES, followUp.id)).json()).toEqual(followUp);
  });
});

describe('who may see and act on an activity', () => {
  const routes = (id: string): [string, string, Record<string, unknown> | undefined][] => [
    ['GET', `/api/v1/activities/${id}`, undefined],
    ['PATCH', `/api/v1/activities/${id}`, { title: 'Taken over', version: 3 }],
    ['POST', `/api/v1/activities/${id}/complete`, {}],
    ['POST', `/api/v1/activities/${id}/cancel`, {}],
    ['POST', `/api/v1/activities/${id}/reschedule`, { dueAt: dueIn(t, 9 * HOUR) }],
  ];

  it('is a 404 for every id route to another company, and to a colleague who does not see the lead', async () => {
    for (const who of ['admin@other.test', 'sales2@demo.test', 'manager2@demo.test', 'warrior3@demo.test']) {
      for (const [method, url, body] of routes(followUp.id)) {
        expectProblem(await t.as(who, method, url, body), 404, 'not_found');
      }
      expect((await list(t, who, '?limit=200')).map((a) => a.id)).not.toContain(followUp.id);
    }
    expect((await get(SALES, followUp.id)).json()).toEqual(followUp);
  });

  it('shows it to whoever sees the lead: its manager, the warrior on it, an admin and a guest', async () => {
    for (const who of ['manager1@demo.test', 'warrior1@demo.test', 'admin@demo.test', 'guest@demo.test']) {
      expect((await get(who, followUp.id)).statusCode, who).toBe(200);
      expect((await list(t, who, `?leadId=${leadId}&limit=200`)).map((a) => a.id)).toContain(followUp.id);
    }
  });

  it('lets a guest read but not write (403)', async () => {
    for (const [method, url, body] of routes(followUp.id).slice(1)) {
      expectProblem(await t.as('guest@demo.test', method, url, body), 403, 'forbidden');
    }
    const create = { leadId, type: 'note', notes: 'Guest note' };
    expectProblem(await t.as('guest@demo.test', 'POST', '/api/v1/activities', create), 403, 'forbidden');
    expectProblem(await t.as('dev@demo.test', 'POST', '/api/v1/activities', create), 403, 'forbidden');
    expectProblem(await t.as(null, 'GET', '/api/v1/activities'), 401, 'unauthenticated');
  });

  it('hides activities whose lead went to the trash', async () => {
    const lead = await leadOf(t, SALES, { name: 'Soon Trashed' });
    const activity = await addActivity(t, SALES, { leadId: lead, type: 'note', notes: 'x' });
    const trashed = await t.as('admin@demo.test', 'DELETE', `/api/v1/leads/${lead}`);
    expect([200, 204]).toContain(trashed.statusCode);
    expectProblem(await get(SALES, activity.id), 404, 'not_found');
    expect(await list(t, SALES, `?leadId=${lead}`)).toEqual([]);
  });
});
