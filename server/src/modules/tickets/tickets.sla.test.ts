import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { ADMIN, leadOf, MANAGER, notificationsOf, SALES, SUCCESS, ticketOf } from './tickets.fixtures.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Monday 7 January 2030, 10:00 in Asia/Kolkata. */
const START = new Date('2030-01-07T04:30:00Z');

let t: TestApp;
let sales: string;
beforeAll(async () => {
  t = await createTestApp();
  sales = await userId(t, SALES);
});
afterAll(() => t.close());
beforeEach(() => {
  t.clock.set(START);
});

const at = (ms: number) => t.clock.set(new Date(START.getTime() + ms));

/** What `who` was told about tickets: [kind, title] pairs, oldest first. */
async function told(who: string, reference: string) {
  return (await notificationsOf(t, who))
    .filter((n) => n.kind.startsWith('ticket.') && n.title.includes(reference))
    .map((n) => [n.kind, n.title.split(':')[0]])
    .reverse();
}

describe('SLA clocks', () => {
  it('warns the assignee and its manager at 80% and at the breach, once each', async () => {
    const lead = await leadOf(t, SALES);
    const ticket = await ticketOf(t, SALES, { leadId: lead, priority: 'urgent', assigneeId: sales });
    const ref = ticket.reference;
    at(47 * MINUTE);
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual([]);
    at(48 * MINUTE);
    await t.runJobs();
    await t.runJobs();
    const warned = [['ticket.sla_warning', 'SLA first response due soon']];
    expect(await told(SALES, ref)).toEqual(warned);
    expect(await told(MANAGER, ref)).toEqual(warned);

    at(HOUR);
    await t.runJobs();
    await t.runJobs();
    const breached = [...warned, ['ticket.sla_breach', 'SLA first response breached']];
    expect(await told(SALES, ref)).toEqual(breached);
    expect(await told(MANAGER, ref)).toEqual(breached);
    expect((await notificationsOf(t, MANAGER)).find((n) => n.title.includes(ref))).toMatchObject({
      body: 'Assigned to Rohan Gupta',
      leadId: lead,
    });
    const late = (await t.as(SALES, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    expect(late.sla).toMatchObject({ firstResponse: { breached: true }, resolution: { breached: false } });

    // A late reply stops the first-response clock (still breached); solving stops the resolution clock.
    at(70 * MINUTE);
    await t.as(SALES, 'POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'On it.', internal: false });
    at(2 * HOUR);
    const current = (await t.as(SALES, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    const solved = await t.as(SALES, 'PATCH', `/api/v1/tickets/${ticket.id}`, {
      version: current.version,
      status: 'solved',
    });
    expect(solved.json().sla).toMatchObject({ firstResponse: { breached: true }, resolution: { breached: false } });
    at(5 * HOUR);
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual(breached);
    expect(await told(MANAGER, ref)).toEqual(breached);
  });

  it('says nothing of a clock stopped in time, and runs the resolution clock again on reopen', async () => {
    const lead = await leadOf(t, SALES);
    const ticket = await ticketOf(t, SALES, { leadId: lead, priority: 'urgent', assigneeId: sales });
    const ref = ticket.reference;
    at(10 * MINUTE);
    await t.as(SALES, 'POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Looking.', internal: false });
    at(20 * MINUTE);
    const solved = await t.as(SALES, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: 2, status: 'solved' });
    expect(solved.statusCode, solved.body).toBe(200);
    at(3 * HOUR);
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual([]);

    const reopened = await t.as(SALES, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: 3, status: 'open' });
    expect(reopened.json()).toMatchObject({ status: 'open', solvedAt: null });
    at(3 * HOUR + 12 * MINUTE);
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual([['ticket.sla_warning', 'SLA resolution due soon']]);
    at(4 * HOUR);
    await t.runJobs();
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual([
      ['ticket.sla_warning', 'SLA resolution due soon'],
      ['ticket.sla_breach', 'SLA resolution breached'],
    ]);
  });

  it('moves the due times with the priority, and warns at the new times only', async () => {
    const lead = await leadOf(t, SALES);
    const ticket = await ticketOf(t, SALES, { leadId: lead, priority: 'low', assigneeId: sales });
    const ref = ticket.reference;
    at(30 * MINUTE);
    const raised = await t.as(SALES, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, priority: 'urgent' });
    expect(Date.parse(raised.json().sla.firstResponse.dueAt)).toBe(START.getTime() + HOUR);
    at(48 * MINUTE);
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual([['ticket.sla_warning', 'SLA first response due soon']]);
    // The low-priority jobs planned first (19h12m, 24h) find a due time that moved, and do nothing.
    await t.as(SALES, 'POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Here.', internal: false });
    const now = (await t.as(SALES, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    await t.as(SALES, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: now.version, status: 'solved' });
    at(25 * HOUR);
    await t.runJobs();
    expect(await told(SALES, ref)).toEqual([['ticket.sla_warning', 'SLA first response due soon']]);
  });

  it('marks an unassigned ticket breached without telling anyone', async () => {
    const ticket = await ticketOf(t, ADMIN, { priority: 'urgent' });
    at(2 * HOUR);
    await t.runJobs();
    for (const who of [ADMIN, SUCCESS, SALES, MANAGER]) expect(await told(who, ticket.reference)).toEqual([]);
    const got = (await t.as(SUCCESS, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    expect(got.sla.firstResponse).toMatchObject({ breached: true, stoppedAt: null });
  });
});
