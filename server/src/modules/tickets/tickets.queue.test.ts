import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { ADMIN, leadOf, listed, OTHER_CO, SALES, SUCCESS, ticketOf } from './tickets.fixtures.ts';

let t: TestApp;
const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;
const at = (ms: number) => t.clock.set(new Date(START.getTime() + ms));

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(START);
});
afterAll(() => t.close());

const breaching = (who: string, extra = '') => listed(t, who, `&breaching=soon${extra}`);

describe('breaching soon', () => {
  it('lists open tickets whose running clock is due within 2 hours or overdue, soonest first', async () => {
    const lead = await leadOf(t, SALES, 'Mira Kapoor');
    // Created at START: urgent (first response due +1h), high (+4h), normal without a lead (+8h), low (+24h).
    const urgent = await ticketOf(t, SALES, { leadId: lead, priority: 'urgent', subject: 'Down' });
    const high = await ticketOf(t, ADMIN, { priority: 'high', subject: 'Slow' });
    const normal = await ticketOf(t, ADMIN, { priority: 'normal', subject: 'Question' });
    const low = await ticketOf(t, ADMIN, { priority: 'low', subject: 'Idea' });

    expect(await breaching(ADMIN)).toEqual([urgent.id]);

    at(2.5 * HOUR); // urgent overdue by 1.5h, high due in 1.5h, normal due in 5.5h
    expect(await breaching(ADMIN)).toEqual([urgent.id, high.id]);
    // The due times are those the SLA clocks store.
    const listedTickets = (await t.as(ADMIN, 'GET', '/api/v1/tickets?breaching=soon')).json().data;
    expect(listedTickets.map((x: { sla: { firstResponse: { dueAt: string } } }) => x.sla.firstResponse.dueAt)).toEqual([
      urgent.sla.firstResponse.dueAt,
      high.sla.firstResponse.dueAt,
    ]);
    // Paged soonest first.
    const page1 = (await t.as(ADMIN, 'GET', '/api/v1/tickets?breaching=soon&limit=1')).json();
    expect(page1.data.map((x: { id: string }) => x.id)).toEqual([urgent.id]);
    const page2 = (
      await t.as(ADMIN, 'GET', `/api/v1/tickets?breaching=soon&limit=1&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2).toMatchObject({ data: [{ id: high.id }], nextCursor: null });

    // A public reply stops the first-response clock: the resolution clock (due +24h) runs now, not due soon.
    const reply = await t.as(ADMIN, 'POST', `/api/v1/tickets/${high.id}/messages`, {
      body: 'Looking',
      internal: false,
    });
    expect(reply.statusCode, reply.body).toBe(201);
    // An internal note does not.
    const note = await t.as(ADMIN, 'POST', `/api/v1/tickets/${urgent.id}/messages`, { body: 'hm', internal: true });
    expect(note.statusCode, note.body).toBe(201);
    expect(await breaching(ADMIN)).toEqual([urgent.id]);

    at(6.5 * HOUR); // normal due in 1.5h
    expect(await breaching(ADMIN)).toEqual([urgent.id, normal.id]);
    // Filters combine: the unassigned queue, a priority.
    expect(await breaching(ADMIN, '&priority=normal')).toEqual([normal.id]);

    // Solved (or closed) tickets leave the queue; pending and on hold stay (their clocks do not pause).
    const solved = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${urgent.id}`, { version: 1, status: 'solved' });
    expect(solved.statusCode, solved.body).toBe(200);
    const held = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${normal.id}`, { version: 1, status: 'on_hold' });
    expect(held.statusCode, held.body).toBe(200);
    expect(await breaching(ADMIN)).toEqual([normal.id]);

    at(22.5 * HOUR); // high's resolution clock and low's first response (both due +24h) are within 2 hours now
    expect(await breaching(ADMIN)).toEqual([normal.id, high.id, low.id]);

    // Same visibility as every queue: the salesperson sees its lead's tickets only, another company nothing.
    const reopened = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${urgent.id}`, { version: 2, status: 'open' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(await breaching(ADMIN)).toEqual([urgent.id, normal.id, high.id, low.id]);
    expect(await breaching(SALES)).toEqual([urgent.id]);
    expect(await breaching(OTHER_CO)).toEqual([]);
  });

  it('refuses another value with 400 naming breaching', async () => {
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/tickets?breaching=later'), 400, 'validation_failed', 'breaching');
  });
});

describe('ticket categories', () => {
  const put = (who: string, categories: unknown[]) => t.as(who, 'PUT', '/api/v1/tickets/categories', { categories });
  const get = async (who: string) => {
    const response = await t.as(who, 'GET', '/api/v1/tickets/categories');
    expect(response.statusCode, response.body).toBe(200);
    return response.json().data;
  };

  it('are kept by an admin; tickets then take one of the active keys', async () => {
    expect(await get(ADMIN)).toEqual([]);
    // No list: free text, as before.
    const free = await ticketOf(t, ADMIN, { category: 'Anything goes' });
    expect(free).toMatchObject({ category: 'Anything goes' });

    const saved = await put(ADMIN, [
      { key: 'billing', label: ' Billing ', active: true },
      { key: 'install', label: 'Installation', active: true },
    ]);
    expect(saved.statusCode, saved.body).toBe(200);
    const list = [
      { key: 'billing', label: 'Billing', active: true },
      { key: 'install', label: 'Installation', active: true },
    ];
    expect(saved.json().data).toEqual(list);
    expect(await get(SALES)).toEqual(list);

    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/tickets', { subject: 'x', description: 'x', category: 'shipping' }),
      400,
      'validation_failed',
      'category',
    );
    const billed = await ticketOf(t, ADMIN, { category: 'Billing' });
    expect(billed).toMatchObject({ category: 'billing' });
    const installed = await ticketOf(t, ADMIN, { category: 'install' });
    const none = await ticketOf(t, ADMIN, {});
    expect(none).toMatchObject({ category: null });

    // Rename one, retire the other, add a third.
    const changed = await put(ADMIN, [
      { key: 'billing', label: 'Billing and invoices', active: true },
      { key: 'install', label: 'Installation', active: false },
      { key: 'training', label: 'Training', active: true },
    ]);
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await get(ADMIN)).map((c: { key: string }) => c.key)).toEqual(['billing', 'install', 'training']);
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/tickets', { subject: 'x', description: 'x', category: 'install' }),
      400,
      'validation_failed',
      'category',
    );
    // A ticket keeps a retired (or older free-text) category when other fields change ...
    const kept = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${installed.id}`, {
      version: 1,
      category: 'install',
      priority: 'high',
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ category: 'install', priority: 'high' });
    const freeKept = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${free.id}`, { version: 1, status: 'open' });
    expect(freeKept.json()).toMatchObject({ category: 'Anything goes' });
    // ... but a new one must be active.
    expectProblem(
      await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${free.id}`, { version: 2, category: 'misc' }),
      400,
      'validation_failed',
      'category',
    );
    const moved = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${free.id}`, { version: 2, category: 'training' });
    expect(moved.json()).toMatchObject({ category: 'training', version: 3 });
    const cleared = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${billed.id}`, { version: 1, category: null });
    expect(cleared.json()).toMatchObject({ category: null });

    const audit = await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=ticket_categories');
    expect(audit.statusCode, audit.body).toBe(200);
    const entries = audit.json().data as { action: string; after: { categories: { key: string }[] } }[];
    expect(entries.map((e) => e.action)).toEqual(['ticket_categories.updated', 'ticket_categories.updated']);

    // Another company's list is its own: still empty, free text there.
    expect(await get(OTHER_CO)).toEqual([]);
    expect(await ticketOf(t, OTHER_CO, { category: 'install' })).toMatchObject({ category: 'install' });
    const theirs = await put(OTHER_CO, [{ key: 'hardware', label: 'Hardware', active: true }]);
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect((await get(ADMIN)).map((c: { key: string }) => c.key)).toEqual(['billing', 'install', 'training']);
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/tickets', { subject: 'x', description: 'x', category: 'hardware' }),
      400,
      'validation_failed',
      'category',
    );

    // An empty list gives free text back.
    expect((await put(ADMIN, [])).statusCode).toBe(200);
    expect(await ticketOf(t, ADMIN, { category: 'misc' })).toMatchObject({ category: 'misc' });
  });

  it('refuses bad lists with 400 naming the field, and a salesperson with 403, changing nothing', async () => {
    const good = [{ key: 'billing', label: 'Billing', active: true }];
    expect((await put(ADMIN, good)).statusCode).toBe(200);
    const cases: [unknown[], string][] = [
      [[{ key: 'Bad Key', label: 'x', active: true }], 'categories.0.key'],
      [[{ key: 'a', label: '', active: true }], 'categories.0.label'],
      [[{ key: 'a', label: '   ', active: true }], 'categories.0.label'],
      [[{ key: 'a', label: 'x' }], 'categories.0.active'],
      [
        [
          { key: 'a', label: 'A', active: true },
          { key: 'a', label: 'B', active: true },
        ],
        'categories.1.key',
      ],
      [Array.from({ length: 51 }, (_, i) => ({ key: `c${i}`, label: `C${i}`, active: true })), 'categories'],
    ];
    for (const [categories, path] of cases) {
      expectProblem(await put(ADMIN, categories), 400, 'validation_failed', path);
    }
    const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `c${i}`, label: `C${i}`, active: i % 2 === 0 }));
    const full = await put(ADMIN, fifty);
    expect(full.statusCode, full.body).toBe(200);
    expect(await get(ADMIN)).toEqual(fifty);

    expectProblem(await put(SALES, good), 403, 'forbidden');
    expect(await get(ADMIN)).toEqual(fifty);
    expect((await put(ADMIN, [])).statusCode).toBe(200);
  });
});
