import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { addRule, clearRules, newLead } from '../assignment/assignment.fixtures.ts';

let t: TestApp;
const ME = 'sales4@demo.test';
beforeAll(async () => {
  t = await createTestApp();
  await clearRules(t);
  await addRule(t, { name: 'All to Kavya', strategy: 'user', userIds: [await userId(t, ME)] });
  for (const name of ['First Lead', 'Second Lead', 'Third Lead']) {
    await newLead(t, { name });
    t.clock.advance(1000);
  }
});
afterAll(() => t.close());

interface Item {
  id: string;
  kind: string;
  title: string;
  readAt: string | null;
  leadId: string | null;
}
const mine = async (query = '') => {
  const response = await t.as(ME, 'GET', `/api/v1/notifications${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { data: Item[]; nextCursor: string | null; unreadCount: number };
};

describe('notifications', () => {
  it('lists my notifications newest first, a page at a time, with the unread count', async () => {
    const first = await mine('?limit=2');
    expect(first.data.map((n) => n.title)).toEqual(['New lead: Third Lead', 'New lead: Second Lead']);
    expect(first.data[0]).toMatchObject({ kind: 'lead.assigned', readAt: null });
    expect(first.unreadCount).toBe(3);
    const rest = await mine(`?limit=2&cursor=${first.nextCursor}`);
    expect(rest.data.map((n) => n.title)).toEqual(['New lead: First Lead']);
    expect(rest.nextCursor).toBeNull();
    expect((await t.as('sales3@demo.test', 'GET', '/api/v1/notifications')).json().data).toEqual([]);
  });

  it('marks one read, then all; filters the unread; never touches another user', async () => {
    const { data } = await mine();
    const target = data[1] as Item;
    for (const who of ['sales3@demo.test', 'admin@demo.test', 'admin@other.test']) {
      expectProblem(await t.as(who, 'POST', `/api/v1/notifications/${target.id}/read`), 404, 'not_found');
    }
    expect((await mine('?unread=true')).unreadCount).toBe(3);

    const read = await t.as(ME, 'POST', `/api/v1/notifications/${target.id}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id: target.id, readAt: t.clock.now().toISOString() });
    const unread = await mine('?unread=true');
    expect(unread.data.map((n) => n.id)).not.toContain(target.id);
    expect(unread.unreadCount).toBe(2);

    const all = await t.as(ME, 'POST', '/api/v1/notifications/read-all');
    expect(all.json()).toEqual({ updated: 2 });
    expect((await mine('?unread=true')).data).toEqual([]);
    expect((await mine()).data).toHaveLength(3);
  });

  it('refuses a bad cursor or filter, and answers 401 without credentials', async () => {
    expectProblem(await t.as(ME, 'GET', '/api/v1/notifications?cursor=nonsense'), 400, 'validation_failed', 'cursor');
    expectProblem(await t.as(ME, 'GET', '/api/v1/notifications?unread=perhaps'), 400, 'validation_failed', 'unread');
    expectProblem(await t.as(ME, 'GET', '/api/v1/notifications?limit=0'), 400, 'validation_failed', 'limit');
    expectProblem(await t.as(ME, 'POST', '/api/v1/notifications/not-a-uuid/read'), 400, 'validation_failed', 'id');
    expectProblem(await t.as(null, 'GET', '/api/v1/notifications'), 401, 'unauthenticated');
  });
});
