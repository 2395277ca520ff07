import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { configureSmtp } from '../email/email.fixtures.ts';
import { ADMIN, GUEST, leadOf, SALES, SUCCESS, ticketOf } from './tickets.fixtures.ts';

let t: TestApp;
let smtp: FakeSmtp;
beforeAll(async () => {
  t = await createTestApp();
  smtp = await startFakeSmtp();
  await configureSmtp(t, smtp);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const thread = async (who: string, id: string) => {
  const response = await t.as(who, 'GET', `/api/v1/tickets/${id}/messages`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as { body: string; internal: boolean; email: { status: string; to: string } | null }[];
};

describe('the thread', () => {
  it('never sends an internal note, emails a public reply with the reference, and stops the first-response clock', async () => {
    const lead = await leadOf(t, SALES, 'Anita Sharma');
    const ticket = await ticketOf(t, SALES, {
      leadId: lead,
      subject: 'Printer not syncing',
      requesterName: 'Anita Sharma',
      requesterEmail: 'anita.sharma@example.com',
    });
    const path = `/api/v1/tickets/${ticket.id}/messages`;

    const note = await t.as(SUCCESS, 'POST', path, { body: 'Customer is on the old firmware.', internal: true });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json()).toMatchObject({ internal: true, email: null, author: { name: 'Lakshmi Krishnan' } });
    await t.runJobs();
    expect(smtp.received).toHaveLength(0);
    // A note is no response to the customer: the clock still runs and the ticket stays new.
    expect((await t.as(SUCCESS, 'GET', `/api/v1/tickets/${ticket.id}`)).json()).toMatchObject({
      status: 'new',
      version: 1,
      sla: { firstResponse: { stoppedAt: null } },
    });

    t.clock.advance(30 * 60_000);
    const reply = await t.as(SUCCESS, 'POST', path, { body: 'Please update to 2.4 and restart.', internal: false });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({
      internal: false,
      email: { to: 'anita.sharma@example.com', status: 'queued' },
    });
    await t.runJobs();
    expect(smtp.received).toHaveLength(1);
    const [sent] = smtp.received;
    expect(sent?.to).toEqual(['anita.sharma@example.com']);
    expect(sent?.mail.subject).toBe(`Re: [${ticket.reference}] Printer not syncing`);
    expect(sent?.mail.text?.trim()).toBe('Please update to 2.4 and restart.');
    expect(sent?.mail.text).not.toContain('old firmware');

    const after = (await t.as(SUCCESS, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    expect(after).toMatchObject({ status: 'open', version: 2, sla: { firstResponse: { breached: false } } });
    expect(after.sla.firstResponse.stoppedAt).toBe(reply.json().createdAt);

    const messages = await thread(SALES, ticket.id);
    expect(messages.map((m) => [m.internal, m.email?.status ?? null])).toEqual([
      [true, null],
      [false, 'sent'],
    ]);
    // A second reply is emailed too but leaves the ticket as it was.
    await t.as(SUCCESS, 'POST', path, { body: 'Any luck?', internal: false });
    await t.runJobs();
    expect(smtp.received).toHaveLength(2);
    expect((await t.as(SUCCESS, 'GET', `/api/v1/tickets/${ticket.id}`)).json()).toMatchObject({ version: 2 });

    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${ticket.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'ticket.created',
      'ticket.note_added',
      'ticket.replied',
      'ticket.replied',
    ]);
  });

  it('keeps a reply to a ticket without a requester address in the thread only', async () => {
    const ticket = await ticketOf(t, ADMIN, { subject: 'Phone request' });
    const reply = await t.as(ADMIN, 'POST', `/api/v1/tickets/${ticket.id}/messages`, {
      body: 'Called back.',
      internal: false,
    });
    expect(reply.json()).toMatchObject({ internal: false, email: null });
    const before = smtp.received.length;
    await t.runJobs();
    expect(smtp.received).toHaveLength(before);
  });

  it('lets a guest read the thread but not write to it', async () => {
    const lead = await leadOf(t, SALES);
    const ticket = await ticketOf(t, SALES, { leadId: lead });
    expect(await thread(GUEST, ticket.id)).toEqual([]);
    const path = `/api/v1/tickets/${ticket.id}/messages`;
    expectProblem(await t.as(GUEST, 'POST', path, { body: 'x', internal: true }), 403, 'forbidden');
    expect(await thread(ADMIN, ticket.id)).toEqual([]);
  });
});
