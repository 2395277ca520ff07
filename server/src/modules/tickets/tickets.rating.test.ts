import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { configureSmtp } from '../email/email.fixtures.ts';
import {
  ADMIN,
  leadOf,
  notificationsOf,
  OTHER_CO,
  SALES,
  SUCCESS,
  type TicketBody,
  ticketOf,
} from './tickets.fixtures.ts';

const BASE = 'https://help.example.test';
const LINK = /https:\/\/help\.example\.test(\/api\/v1\/public\/ticket-ratings\/([A-Za-z0-9_-]+))\?rating=good/;
const DAY = 86_400_000;

let t: TestApp;
let smtp: FakeSmtp;
let success: string;
let companyId: string;
beforeAll(async () => {
  t = await createTestApp({ publicUrl: BASE });
  smtp = await startFakeSmtp();
  await configureSmtp(t, smtp);
  success = await userId(t, SUCCESS);
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

/** A public request, as a customer's browser makes it: no credential. */
const visit = (method: 'GET' | 'POST', url: string, form?: Record<string, string>) =>
  t.app.inject({
    method,
    url,
    ...(form
      ? {
          payload: new URLSearchParams(form).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }
      : {}),
  });

async function solvedTicket(email = 'meera.iyer@example.com'): Promise<TicketBody> {
  const lead = await leadOf(t, SALES, 'Meera Iyer');
  const ticket = await ticketOf(t, SALES, {
    leadId: lead,
    subject: 'Cannot export invoices',
    requesterName: 'Meera Iyer',
    requesterEmail: email,
    assigneeId: success,
  });
  return solve(ticket.id);
}

async function solve(id: string): Promise<TicketBody> {
  const current = (await t.as(SUCCESS, 'GET', `/api/v1/tickets/${id}`)).json();
  const solved = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${id}`, { version: current.version, status: 'solved' });
  expect(solved.statusCode, solved.body).toBe(200);
  return solved.json();
}

/** The rating link of the last email sent to `to`: its path (without the rating) and token. */
async function linkSentTo(to: string): Promise<{ path: string; token: string }> {
  await t.runJobs();
  const mail = smtp.received.filter((m) => m.to.includes(to)).at(-1);
  expect(mail, `an email to ${to}`).toBeDefined();
  const found = mail?.mail.text?.match(LINK);
  expect(found, mail?.mail.text).toBeTruthy();
  return { path: found?.[1] ?? '', token: found?.[2] ?? '' };
}

const satisfactionOf = async (who: string, id: string) => {
  const response = await t.as(who, 'GET', `/api/v1/tickets/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().satisfaction;
};

async function ratingRows(ticketId: string) {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ rating: string | null; comment: string | null }>`
      SELECT rating, comment FROM ticket_ratings WHERE ticket_id = ${ticketId} ORDER BY issued_at`.execute(trx);
    return rows;
  });
}

describe('the satisfaction rating', () => {
  it('emails a one-click link on solve; the first click records the rating, a later one changes nothing', async () => {
    const sentBefore = smtp.received.length;
    const ticket = await solvedTicket();
    const { path, token } = await linkSentTo('meera.iyer@example.com');
    expect(smtp.received.length).toBe(sentBefore + 1);
    const mail = smtp.received.at(-1);
    expect(mail?.mail.subject).toBe(`Re: [${ticket.reference}] Cannot export invoices`);
    expect(mail?.mail.text).toContain(`Your request ${ticket.reference}`);
    expect(mail?.mail.text).toContain(`${BASE}${path}?rating=bad`);
    // Only the SHA-256 of the token is kept.
    const stored = await withTenant(
      t.dbs.app,
      companyId,
      async (trx) =>
        (
          await sql<{ found: number }>`SELECT count(*)::int AS found FROM ticket_ratings
        WHERE ticket_id = ${ticket.id} AND token_hash = sha256(convert_to(${token}, 'UTF8'))`.execute(trx)
        ).rows[0],
    );
    expect(stored?.found).toBe(1);
    expect(await satisfactionOf(SUCCESS, ticket.id)).toBeNull();

    // Opening the link without a rating shows the choice and records nothing.
    const choose = await visit('GET', path);
    expect(choose.statusCode).toBe(200);
    expect(choose.headers['content-type']).toContain('text/html');
    expect(choose.body).toContain('How did we do?');
    expect(choose.body).toContain(ticket.reference);
    expect(await ratingRows(ticket.id)).toEqual([{ rating: null, comment: null }]);

    const first = await visit('GET', `${path}?rating=good`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Thank you for your rating');
    expect(first.body).toContain('<form method="post"');
    const rated = await satisfactionOf(SUCCESS, ticket.id);
    expect(rated).toMatchObject({ rating: 'good', comment: null });
    expect(Date.parse(rated.ratedAt)).toBe(t.clock.now().getTime());

    const again = await visit('GET', `${path}?rating=bad`);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('already rated');
    expect(await satisfactionOf(SUCCESS, ticket.id)).toMatchObject({ rating: 'good' });

    // One comment, once.
    const comment = await visit('POST', path, { comment: 'Quick and friendly, thanks!' });
    expect(comment.statusCode).toBe(200);
    expect(comment.body).toContain('Thank you for your comment');
    const second = await visit('POST', path, { comment: 'Changed my mind' });
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('already commented');
    expect(await satisfactionOf(SALES, ticket.id)).toMatchObject({
      rating: 'good',
      comment: 'Quick and friendly, thanks!',
    });
    expect(await ratingRows(ticket.id)).toEqual([{ rating: 'good', comment: 'Quick and friendly, thanks!' }]);

    // Audited, and the assignee is told in the app.
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=ticket&entityId=${ticket.id}`);
    const actions = (audit.json().data as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['ticket.rated', 'ticket.rating_commented']));
    expect(actions.filter((a) => a === 'ticket.rated')).toHaveLength(1);
    const told = (await notificationsOf(t, SUCCESS)).filter((n) => n.kind === 'ticket.rated');
    expect(told.map((n) => n.title)).toContain(`Rated good: ${ticket.reference} Cannot export invoices`);
  });

  it('refuses a changed, unknown or expired link with a 400 page and records nothing', async () => {
    const ticket = await solvedTicket('ravi.menon@example.com');
    const { path, token } = await linkSentTo('ravi.menon@example.com');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${path.slice(0, -1)}${last}`;
    for (const url of [
      `${tampered}?rating=good`,
      '/api/v1/public/ticket-ratings/not-a-token?rating=good',
      `/api/v1/public/ticket-ratings/${'A'.repeat(64)}?rating=good`,
      `${path}?rating=excellent`,
    ]) {
      const response = await visit('GET', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('This link does not work');
    }
    expect((await visit('POST', tampered, { comment: 'x' })).statusCode).toBe(400);
    expect(await satisfactionOf(SUCCESS, ticket.id)).toBeNull();

    t.clock.advance(31 * DAY);
    const expired = await visit('GET', `${path}?rating=bad`);
    expect(expired.statusCode).toBe(400);
    expect(expired.body).toContain('This link has expired');
    expect(await satisfactionOf(SUCCESS, ticket.id)).toBeNull();
    expect(await ratingRows(ticket.id)).toEqual([{ rating: null, comment: null }]);
  });

  it('issues a new link when the ticket is reopened and solved again; the old one no longer rates', async () => {
    const ticket = await solvedTicket('kiran.rao@example.com');
    const old = await linkSentTo('kiran.rao@example.com');
    const current = (await t.as(SUCCESS, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    const reopened = await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${ticket.id}`, {
      version: current.version,
      status: 'open',
    });
    expect(reopened.statusCode, reopened.body).toBe(200);
    const whileOpen = await visit('GET', `${old.path}?rating=good`);
    expect(whileOpen.statusCode).toBe(400);
    expect(whileOpen.body).toContain('reopened');

    t.clock.advance(60_000);
    await solve(ticket.id);
    const fresh = await linkSentTo('kiran.rao@example.com');
    expect(fresh.token).not.toBe(old.token);
    expect((await visit('GET', `${old.path}?rating=good`)).statusCode).toBe(400);
    expect((await visit('GET', `${fresh.path}?rating=bad`)).statusCode).toBe(200);
    expect(await satisfactionOf(SUCCESS, ticket.id)).toMatchObject({ rating: 'bad' });
    expect(await ratingRows(ticket.id)).toEqual([
      { rating: null, comment: null },
      { rating: 'bad', comment: null },
    ]);
    // Closing a solved ticket is no new solve: no email.
    const sent = smtp.received.length;
    const now = (await t.as(SUCCESS, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    await t.as(SUCCESS, 'PATCH', `/api/v1/tickets/${ticket.id}`, { version: now.version, status: 'closed' });
    await t.runJobs();
    expect(smtp.received.length).toBe(sent);
  });

  it('sends nothing for a ticket without a requester email', async () => {
    const sent = smtp.received.length;
    const ticket = await ticketOf(t, ADMIN, { subject: 'No address' });
    await solve(ticket.id);
    await t.runJobs();
    expect(smtp.received.length).toBe(sent);
    expect(await ratingRows(ticket.id)).toEqual([]);
  });

  it('shows the rating to those who see the ticket only', async () => {
    const ticket = await solvedTicket('anu.das@example.com');
    const { path } = await linkSentTo('anu.das@example.com');
    expect((await visit('GET', `${path}?rating=good`)).statusCode).toBe(200);
    expect(await satisfactionOf(ADMIN, ticket.id)).toMatchObject({ rating: 'good' });
    expect((await t.as(OTHER_CO, 'GET', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(404);
    expect((await t.as('sales3@demo.test', 'GET', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(404);
  });
});
