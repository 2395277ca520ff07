import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import {
  ADMIN,
  GUEST,
  leadOf,
  listed,
  MANAGER,
  OTHER_SALES,
  PARTNER,
  SALES,
  SUCCESS,
  type TicketBody,
  ticketOf,
} from './tickets.fixtures.ts';

let t: TestApp;
let mine: TicketBody;
let theirs: TicketBody;
let partners: TicketBody;
let noLead: TicketBody;
beforeAll(async () => {
  t = await createTestApp();
  mine = await ticketOf(t, SALES, { leadId: await leadOf(t, SALES, 'Rohan’s customer'), subject: 'Mine' });
  theirs = await ticketOf(t, OTHER_SALES, {
    leadId: await leadOf(t, OTHER_SALES, 'Arjun’s customer'),
    subject: 'Theirs',
  });
  // The partner's lead is owned by sales4 (manager2's team), so only the partner's link shows it to sales1's side.
  const partnerId = (await t.as(ADMIN, 'GET', '/api/v1/partners')).json().data[0].id;
  const partnerLead = await t.as(ADMIN, 'POST', '/api/v1/leads', {
    name: 'Partner’s customer',
    partnerId,
    ownerId: await userId(t, 'sales4@demo.test'),
  });
  expect(partnerLead.statusCode, partnerLead.body).toBe(201);
  partners = await ticketOf(t, ADMIN, { leadId: partnerLead.json().id, subject: 'Partner' });
  noLead = await ticketOf(t, SUCCESS, { subject: 'No lead' });
});
afterAll(() => t.close());

const sorted = (ids: string[]) => [...ids].sort();
const get = (who: string, ticket: TicketBody) => t.as(who, 'GET', `/api/v1/tickets/${ticket.id}`);

describe('who sees which tickets', () => {
  it('shows customer success and admins every ticket', async () => {
    const all = sorted([mine.id, theirs.id, partners.id, noLead.id]);
    expect(sorted(await listed(t, SUCCESS))).toEqual(all);
    expect(sorted(await listed(t, ADMIN))).toEqual(all);
  });

  it('shows a salesperson the tickets of its own leads only, and 404 for the others', async () => {
    expect(await listed(t, SALES)).toEqual([mine.id]);
    expect((await get(SALES, mine)).statusCode).toBe(200);
    for (const other of [theirs, partners, noLead]) {
      expectProblem(await get(SALES, other), 404, 'not_found');
      expectProblem(
        await t.as(SALES, 'PATCH', `/api/v1/tickets/${other.id}`, { version: 1, status: 'open' }),
        404,
        'not_found',
      );
      expectProblem(
        await t.as(SALES, 'POST', `/api/v1/tickets/${other.id}/messages`, { body: 'x', internal: true }),
        404,
        'not_found',
      );
    }
    // Nor may it raise one on a lead it cannot see.
    const body = { subject: 'x', description: 'x', leadId: theirs.leadId };
    expectProblem(await t.as(SALES, 'POST', '/api/v1/tickets', body), 400, 'validation_failed', 'leadId');
  });

  it('shows a manager its team’s leads’ tickets and those with no lead', async () => {
    // manager1 leads sales1 (mine); sales3 (theirs) reports to manager2.
    expect(sorted(await listed(t, MANAGER))).toEqual(sorted([mine.id, noLead.id]));
    expectProblem(await get(MANAGER, theirs), 404, 'not_found');
  });

  it('shows a partner the tickets of its own leads, read only', async () => {
    expect(await listed(t, PARTNER)).toEqual([partners.id]);
    expectProblem(await get(PARTNER, mine), 404, 'not_found');
    expectProblem(
      await t.as(PARTNER, 'PATCH', `/api/v1/tickets/${partners.id}`, { version: 1, status: 'open' }),
      403,
      'forbidden',
    );
  });

  it('lets a guest read the tickets of leads but write nothing', async () => {
    expect(sorted(await listed(t, GUEST))).toEqual(sorted([mine.id, theirs.id, partners.id]));
    expectProblem(await get(GUEST, noLead), 404, 'not_found');
    expectProblem(
      await t.as(GUEST, 'POST', '/api/v1/tickets', { subject: 'x', description: 'x', leadId: mine.leadId }),
      403,
      'forbidden',
    );
    expectProblem(
      await t.as(GUEST, 'PATCH', `/api/v1/tickets/${mine.id}`, { version: 1, status: 'open' }),
      403,
      'forbidden',
    );
    expect((await get(ADMIN, mine)).json()).toMatchObject({ status: 'new', version: 1 });
  });
});
