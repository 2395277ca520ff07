import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { type ActivityBody, addActivity, leadOf, list } from './activities.fixtures.ts';

/** Wednesday 9 January 2030, 12:00 in Asia/Kolkata (Demo Co's zone). */
const WEDNESDAY_NOON_IST = new Date('2030-01-09T06:30:00Z');
const ist = (local: string) => new Date(`${local}+05:30`).toISOString();

let t: TestApp;
let rep: string;
let repId: string;
const made: Record<string, ActivityBody> = {};

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(WEDNESDAY_NOON_IST);
  // A salesperson of its own, so the lists hold exactly what this file makes.
  const email = `lists.${process.pid}@demo.test`;
  const created = await t.as('admin@demo.test', 'POST', '/api/v1/users', {
    email,
    name: 'Tanvi Shah',
    role: 'SALESPERSON',
    managerId: await userId(t, 'manager1@demo.test'),
    password: 'a long enough passphrase 42',
  });
  expect(created.statusCode, created.body).toBe(201);
  repId = created.json().id;
  rep = (await t.login(email, 'a long enough passphrase 42')).json().accessToken;
  const lead = await leadOf(t, rep, { name: 'Mohan Lal' });
  const plan: [string, Record<string, unknown>][] = [
    ['pastToday', { type: 'follow_up', dueAt: ist('2030-01-09T09:00:00') }],
    ['laterToday', { type: 'follow_up', dueAt: ist('2030-01-09T20:00:00') }],
    ['thursday', { type: 'meeting', dueAt: ist('2030-01-10T10:00:00') }],
    ['nextWeek', { type: 'follow_up', dueAt: ist('2030-01-14T10:00:00') }],
    ['lastSunday', { type: 'follow_up', dueAt: ist('2030-01-06T10:00:00') }],
    ['morningCall', { type: 'call', dueAt: ist('2030-01-09T08:00:00') }],
  ];
  for (const [key, body] of plan) made[key] = await addActivity(t, rep, { leadId: lead, ...body });
});
afterAll(() => t.close());

const keys = (activities: ActivityBody[]) =>
  activities.map((a) => Object.entries(made).find(([, m]) => m.id === a.id)?.[0] ?? a.id);

describe('listing activities', () => {
  it('takes today, overdue and this week in the caller’s time zone', async () => {
    expect(keys(await list(t, rep, '?range=today'))).toEqual(['morningCall', 'pastToday', 'laterToday']);
    expect(keys(await list(t, rep, '?range=overdue'))).toEqual(['lastSunday', 'pastToday']);
    expect(keys(await list(t, rep, '?range=this_week'))).toEqual([
      'morningCall',
      'pastToday',
      'laterToday',
      'thursday',
    ]);
    expect(keys(await list(t, rep, '?range=today&status=open'))).toEqual(['pastToday', 'laterToday']);
    const overdue = await list(t, rep, '?range=overdue');
    expect(overdue.every((a) => a.overdue)).toBe(true);
    expect(made.laterToday?.overdue).toBe(false);
  });

  it('filters by type, status, assignee, lead and due window, combined with AND', async () => {
    expect(keys(await list(t, rep, '?type=call'))).toEqual(['morningCall']);
    expect(keys(await list(t, rep, '?type=call,meeting&status=done'))).toEqual(['morningCall']);
    expect(keys(await list(t, rep, '?type=meeting&status=open'))).toEqual(['thursday']);
    const window = `?dueFrom=${ist('2030-01-09T08:30:00')}&dueTo=${ist('2030-01-10T10:00:00')}`;
    expect(keys(await list(t, rep, window))).toEqual(['pastToday', 'laterToday']);
    expect(keys(await list(t, rep, `${window}&range=overdue`))).toEqual(['pastToday']);
    expect(await list(t, rep, '?assigneeId=me')).toHaveLength(6);
    expect(await list(t, 'manager1@demo.test', `?assigneeId=${repId}`)).toHaveLength(6);
    expect(await list(t, 'manager2@demo.test', `?assigneeId=${repId}`)).toEqual([]);
    expect(await list(t, rep, `?leadId=${made.thursday?.leadId}&type=note`)).toEqual([]);
  });

  it('sorts by due time either way and pages with a cursor that belongs to its sort', async () => {
    const all = keys(await list(t, rep, ''));
    expect(all).toEqual(['lastSunday', 'morningCall', 'pastToday', 'laterToday', 'thursday', 'nextWeek']);
    expect(keys(await list(t, rep, '?sort=-dueAt'))).toEqual([...all].reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    let firstCursor = '';
    do {
      const page = await t.as(rep, 'GET', `/api/v1/activities?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      seen.push(...keys(page.json().data));
      cursor = page.json().nextCursor;
      firstCursor ||= cursor ?? '';
    } while (cursor);
    expect(seen).toEqual(all);
    expectProblem(
      await t.as(rep, 'GET', `/api/v1/activities?sort=-dueAt&cursor=${firstCursor}`),
      400,
      'validation_failed',
      'cursor',
    );
  });

  it('refuses bad filters naming the parameter', async () => {
    const cases: [string, string][] = [
      ['?type=visit', 'type'],
      ['?status=open,late', 'status'],
      ['?range=yesterday', 'range'],
      ['?assigneeId=someone', 'assigneeId'],
      ['?leadId=12', 'leadId'],
      ['?dueFrom=monday', 'dueFrom'],
      ['?sort=title', 'sort'],
      ['?limit=500', 'limit'],
      ['?cursor=garbage', 'cursor'],
      ['?color=red', 'color'],
    ];
    for (const [query, field] of cases) {
      expectProblem(await t.as(rep, 'GET', `/api/v1/activities${query}`), 400, 'validation_failed', field);
    }
  });

  it('shows a salesperson what its warriors are to do on its leads', async () => {
    const warrior1 = await userId(t, 'warrior1@demo.test');
    const lead = await leadOf(t, 'sales1@demo.test', { name: 'Team Lead Test', warriorIds: [warrior1] });
    const given = await addActivity(t, 'sales1@demo.test', {
      leadId: lead,
      type: 'follow_up',
      dueAt: ist('2030-01-09T18:00:00'),
      assigneeId: warrior1,
    });
    const theirs = await list(t, 'sales1@demo.test', `?assigneeId=${warrior1}&range=today`);
    expect(theirs.map((a) => a.id)).toContain(given.id);
    expect((await list(t, 'warrior1@demo.test', '?assigneeId=me&range=today')).map((a) => a.id)).toContain(given.id);
    expect(await list(t, 'sales2@demo.test', `?assigneeId=${warrior1}&range=today`)).toEqual([]);
  });
});

describe('the demo team’s activity', () => {
  it('gives every salesperson and warrior follow-ups due on the seed’s day, a missed one and logged calls', async () => {
    const audit = await t.as('admin@demo.test', 'GET', '/api/v1/audit?entityType=activity&limit=200');
    const seeded = (audit.json().data as { action: string; at: string }[]).find(
      (a) => a.action === 'activity.demo_seeded',
    );
    expect(seeded).toBeDefined();
    t.clock.set(new Date(seeded?.at ?? 0));
    const people = ['sales1', 'sales2', 'sales3', 'sales4', 'warrior1', 'warrior2', 'warrior3', 'warrior4'];
    for (const key of [...people, 'warrior5', 'warrior6']) {
      const who = `${key}@demo.test`;
      const today = await list(t, who, '?assigneeId=me&range=today&type=follow_up&status=open');
      expect(today.length, key).toBeGreaterThanOrEqual(2);
      expect((await list(t, who, '?assigneeId=me&status=missed')).length, key).toBeGreaterThanOrEqual(1);
      expect((await list(t, who, '?assigneeId=me&type=call')).length, key).toBeGreaterThanOrEqual(2);
      expect((await list(t, who, '?assigneeId=me&status=done&type=follow_up')).length, key).toBeGreaterThanOrEqual(3);
    }
    const inbox = await t.as('manager1@demo.test', 'GET', '/api/v1/notifications?limit=200');
    const kinds = (inbox.json().data as { kind: string; title: string }[]).filter((n) => n.kind === 'activity.missed');
    expect(kinds.map((n) => n.title)).toContainEqual(expect.stringMatching(/^Rohan Gupta missed a follow-up: /));
  });
});
