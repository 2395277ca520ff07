import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

/** The trash: delete moves a lead out of every view, ADMIN restores it within 30 days. */

const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const DAY = 86_400_000;
let t: TestApp;
let sales1: string;

async function newLead(name: string, who = SALES, extra: Record<string, unknown> = {}) {
  const response = await t.as(who, 'POST', '/api/v1/leads', { name, ...extra });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; version: number; name: string };
}

const search = async (who: string, q: string) =>
  (await t.as(who, 'GET', `/api/v1/leads?q=${encodeURIComponent(q)}`)).json().data.map((l: { id: string }) => l.id);

beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, SALES);
});
afterAll(() => t.close());

describe('DELETE /leads/{id}', () => {
  it('moves the lead to the trash: gone from GET, the list, search and the counts, and audited', async () => {
    const lead = await newLead('Trashy Tarun Mehra', SALES, { expectedValue: 1000 });
    const before = (await t.as(SALES, 'GET', '/api/v1/leads/counts')).json().data;
    const newBefore = before.find((s: { stage: string }) => s.stage === 'new').count;
    const response = await t.as(SALES, 'DELETE', `/api/v1/leads/${lead.id}`);
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    expectProblem(await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`), 404, 'not_found');
    expectProblem(await t.as(ADMIN, 'GET', `/api/v1/leads/${lead.id}`), 404, 'not_found');
    expect(await search(SALES, 'Trashy Tarun')).toEqual([]);
    expect(await search(ADMIN, 'Trashy Tarun')).toEqual([]);
    const after = (await t.as(SALES, 'GET', '/api/v1/leads/counts')).json().data;
    expect(after.find((s: { stage: string }) => s.stage === 'new').count).toBe(newBefore - 1);
    // Deleting it again, or writing to it, finds nothing.
    expectProblem(await t.as(SALES, 'DELETE', `/api/v1/leads/${lead.id}`), 404, 'not_found');
    expectProblem(
      await t.as(SALES, 'PATCH', `/api/v1/leads/${lead.id}`, { version: 2, city: 'Pune' }),
      404,
      'not_found',
    );
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=lead&entityId=${lead.id}`)).json().data;
    expect(audit[0]).toMatchObject({ action: 'lead.deleted', actorUserId: sales1 });
    expect(audit[0].changes.deletedAt.from).toBeNull();
  });

  it('answers 404 for a lead the caller cannot see, and 403 to roles without leads:delete', async () => {
    const theirs = await newLead('Not Yours Nisha', ADMIN, { ownerId: await userId(t, 'sales3@demo.test') });
    expectProblem(await t.as(SALES, 'DELETE', `/api/v1/leads/${theirs.id}`), 404, 'not_found');
    expectProblem(await t.as('admin@other.test', 'DELETE', `/api/v1/leads/${theirs.id}`), 404, 'not_found');
    for (const who of ['warrior1@demo.test', 'guest@demo.test', 'partner@demo.test', 'success@demo.test']) {
      expectProblem(await t.as(who, 'DELETE', `/api/v1/leads/${theirs.id}`), 403, 'forbidden');
    }
    expectProblem(await t.as(SALES, 'DELETE', '/api/v1/leads/not-a-uuid'), 400, 'validation_failed', 'id');
    expect((await t.as(ADMIN, 'GET', `/api/v1/leads/${theirs.id}`)).json().version).toBe(theirs.version);
    // A manager deletes its team's leads.
    expect((await t.as('manager2@demo.test', 'DELETE', `/api/v1/leads/${theirs.id}`)).statusCode).toBe(204);
  });

  it('honours If-Match: a stale version is a 409 and the lead stays', async () => {
    const lead = await newLead('Versioned Vani');
    await t.as(SALES, 'PATCH', `/api/v1/leads/${lead.id}`, { version: lead.version, city: 'Nagpur' });
    const stale = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/leads/${lead.id}`,
      headers: { authorization: `Bearer ${await t.token(SALES)}`, 'if-match': `"${lead.version}"` },
    });
    expect(expectProblem(stale, 409, 'version_conflict')).toMatchObject({ currentVersion: lead.version + 1 });
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).statusCode).toBe(200);
  });
});

describe('GET /leads/trash and POST /leads/{id}/restore', () => {
  it('lists the trash newest first with who deleted each and the days left, to ADMIN only', async () => {
    const first = await newLead('Trash Page One');
    const second = await newLead('Trash Page Two');
    await t.as(SALES, 'DELETE', `/api/v1/leads/${first.id}`);
    t.clock.advance(2 * DAY);
    await t.as(ADMIN, 'DELETE', `/api/v1/leads/${second.id}`);
    const page = (await t.as(ADMIN, 'GET', '/api/v1/leads/trash?limit=1')).json();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      id: second.id,
      name: 'Trash Page Two',
      ownerId: sales1,
      ownerName: 'Rohan Gupta',
      deletedByName: 'Priya Raman',
      daysLeft: 30,
      editable: [],
    });
    const next = (await t.as(ADMIN, 'GET', `/api/v1/leads/trash?limit=1&cursor=${page.nextCursor}`)).json();
    expect(next.data[0]).toMatchObject({ id: first.id, deletedBy: sales1, deletedByName: 'Rohan Gupta', daysLeft: 28 });
    expect(new Date(next.data[0].purgeAt).getTime() - new Date(next.data[0].deletedAt).getTime()).toBe(30 * DAY);
    const found = (await t.as(ADMIN, 'GET', '/api/v1/leads/trash?q=page%20two')).json().data;
    expect(found.map((l: { id: string }) => l.id)).toEqual([second.id]);
    for (const who of ['manager1@demo.test', SALES, 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/leads/trash'), 403, 'forbidden');
    }
    expect((await t.as('admin@other.test', 'GET', '/api/v1/leads/trash')).json().data).toEqual([]);
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/leads/trash?cursor=zzz'), 400, 'validation_failed', 'cursor');
  });

  it('restores a trashed lead within 30 days: back everywhere, version bumped, audited', async () => {
    const lead = await newLead('Restorable Ravi');
    await t.as(SALES, 'DELETE', `/api/v1/leads/${lead.id}`);
    t.clock.advance(29 * DAY);
    expectProblem(await t.as('manager1@demo.test', 'POST', `/api/v1/leads/${lead.id}/restore`), 403, 'forbidden');
    expectProblem(await t.as('admin@other.test', 'POST', `/api/v1/leads/${lead.id}/restore`), 404, 'not_found');
    const restored = await t.as(ADMIN, 'POST', `/api/v1/leads/${lead.id}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ id: lead.id, name: 'Restorable Ravi', version: lead.version + 2 });
    expect(restored.headers.etag).toBe(`"${lead.version + 2}"`);
    expect((await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`)).statusCode).toBe(200);
    expect(await search(SALES, 'Restorable Ravi')).toEqual([lead.id]);
    const trash = (await t.as(ADMIN, 'GET', '/api/v1/leads/trash?limit=200')).json().data;
    expect(trash.map((l: { id: string }) => l.id)).not.toContain(lead.id);
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=lead&entityId=${lead.id}`)).json().data;
    expect(audit[0]).toMatchObject({ action: 'lead.restored', actorName: 'Priya Raman' });
    const timeline = (await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}/timeline?kinds=trash`)).json().data;
    expect(timeline.map((e: { trash: unknown; actor: { name: string } }) => [e.trash, e.actor.name])).toEqual([
      [{ action: 'restored' }, 'Priya Raman'],
      [{ action: 'deleted' }, 'Rohan Gupta'],
    ]);
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/leads/${lead.id}/restore`), 409, 'not_in_trash');
  });

  it('refuses a restore 30 days after the delete with 410, and leaves the lead in the trash', async () => {
    const lead = await newLead('Too Late Tanvi');
    await t.as(SALES, 'DELETE', `/api/v1/leads/${lead.id}`);
    t.clock.advance(30 * DAY);
    const refused = expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/leads/${lead.id}/restore`),
      410,
      'restore_expired',
    );
    expect(refused.detail).toMatch(/could be restored until/);
    expectProblem(await t.as(SALES, 'GET', `/api/v1/leads/${lead.id}`), 404, 'not_found');
    const trash = (await t.as(ADMIN, 'GET', '/api/v1/leads/trash?limit=200')).json().data;
    expect(trash.find((l: { id: string }) => l.id === lead.id)).toMatchObject({ daysLeft: 0 });
    expectProblem(await t.as(ADMIN, 'POST', `/api/v1/leads/${crypto.randomUUID()}/restore`), 404, 'not_found');
  });
});
