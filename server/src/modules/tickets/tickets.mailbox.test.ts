import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Dovecot, dovecotInstalled, startDovecot } from './tickets.mailbox.dovecot.ts';

const installed = dovecotInstalled();
if (!installed) console.warn('IMAP mailbox tests skipped: dovecot is not installed (apt-get install dovecot-imapd)');

let t: TestApp;
let dovecot: Dovecot;
let counter = 0;

const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';

interface Mail {
  from?: string | null;
  subject: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  headers?: Record<string, string>;
  attachment?: { name: string; type: string; content: string };
}

/** A message as a mail client would send it: headers, then a text body or a multipart with one attachment. */
function mail(m: Mail): string {
  const messageId = m.messageId ?? `<m${++counter}.${Date.now()}@customer.example>`;
  const head = [
    ...(m.from === null ? [] : [`From: ${m.from ?? 'Neha Rao <neha@customer.example>'}`]),
    'To: Support <support@demo.example>',
    `Subject: ${m.subject}`,
    `Message-ID: ${messageId}`,
    'Date: Mon, 1 Jun 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`, `References: ${m.inReplyTo}`] : []),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const body = m.body ?? 'Hello, the export button does nothing.';
  if (!m.attachment) return [...head, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n');
  const boundary = 'b0undary';
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    `--${boundary}`,
    `Content-Type: ${m.attachment.type}; name="${m.attachment.name}"`,
    `Content-Disposition: attachment; filename="${m.attachment.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(m.attachment.content).toString('base64'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** The next two-minute poll: the test clock moves on and the due jobs run, as the worker would run them. */
async function poll() {
  t.clock.advance(2 * 60_000 + 1000);
  await t.runJobs();
}

async function tickets(who: string, q: string) {
  const response = await t.as(who, 'GET', `/api/v1/tickets?q=${encodeURIComponent(q)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as Record<string, unknown>[];
}

async function thread(ticketId: string) {
  const response = await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticketId}/messages`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as Record<string, unknown>[];
}

function mailboxBody(user: string, password: string) {
  return { host: '127.0.0.1', port: dovecot.port, security: 'none', username: user, password, enabled: true };
}

describe.skipIf(!installed)('support mailbox over IMAP (dovecot)', () => {
  beforeAll(async () => {
    dovecot = await startDovecot({ support: 'secret-1', othersupport: 'secret-2' });
    t = await createTestApp();
    await t.runJobs();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await dovecot?.stop();
  });

  it('is set up by an admin with the password stored sealed; a wrong password is a clear error in the test', async () => {
    const denied = await t.as('sales1@demo.test', 'PUT', '/api/v1/tickets/mailbox', mailboxBody('support', 'x'));
    expect(denied.statusCode).toBe(403);
    const noPassword = await t.as(ADMIN, 'PUT', '/api/v1/tickets/mailbox', {
      ...mailboxBody('support', 'x'),
      password: undefined,
    });
    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json().errors[0].path).toBe('password');

    const wrong = await t.as(ADMIN, 'PUT', '/api/v1/tickets/mailbox', mailboxBody('support', 'not-the-password'));
    expect(wrong.statusCode, wrong.body).toBe(200);
    expect(wrong.json()).toMatchObject({ configured: true, passwordSet: true, folder: 'INBOX', enabled: true });
    expect(wrong.body).not.toContain('not-the-password');
    const stored = await sql<{ sealed: string }>`SELECT password_sealed AS sealed FROM ticket_mailboxes`.execute(
      t.dbs.owner,
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]?.sealed).not.toContain('not-the-password');

    const failed = await t.as(ADMIN, 'POST', '/api/v1/tickets/mailbox/test');
    expect(failed.statusCode, failed.body).toBe(502);
    expect(failed.headers['content-type']).toContain('application/problem+json');
    expect(failed.json()).toMatchObject({ code: 'imap_auth_failed' });
    expect(failed.json().detail).toMatch(/username or password/);

    const right = await t.as(ADMIN, 'PUT', '/api/v1/tickets/mailbox', mailboxBody('support', 'secret-1'));
    expect(right.statusCode, right.body).toBe(200);
    const ok = await t.as(ADMIN, 'POST', '/api/v1/tickets/mailbox/test');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ ok: true, folder: 'INBOX', messages: 0 });
  });

  it('opens a ticket for new mail; the lead is matched by the sender’s email', async () => {
    const leads = (await t.as(ADMIN, 'GET', '/api/v1/leads?limit=100')).json().data as {
      id: string;
      emails: string[];
    }[];
    const lead = leads.find((l) => l.emails.length > 0);
    if (!lead) throw new Error('the demo seed has a lead with an email');
    await dovecot.append('support', mail({ subject: 'Export button broken' }));
    await dovecot.append(
      'support',
      mail({ from: `Known Customer <${lead.emails[0]}>`, subject: 'Invoice copy please', body: 'Send the May one' }),
    );
    await poll();

    const [opened] = await tickets(ADMIN, 'Export button broken');
    expect(opened).toMatchObject({
      subject: 'Export button broken',
      description: 'Hello, the export button does nothing.',
      requesterName: 'Neha Rao',
      requesterEmail: 'neha@customer.example',
      leadId: null,
      priority: 'normal',
      status: 'new',
      channel: 'email',
    });
    const [matched] = await tickets(ADMIN, 'Invoice copy please');
    expect(matched).toMatchObject({ leadId: lead.id, requesterEmail: lead.emails[0], channel: 'email' });

    const state = (await t.as(ADMIN, 'GET', '/api/v1/tickets/mailbox')).json();
    expect(state).toMatchObject({ lastUid: 2, lastError: null, keptAside: [] });
    expect(state.lastPolledAt).not.toBeNull();
  });

  it('a reply carrying [T-n] joins the thread as the customer’s message and reopens a pending ticket', async () => {
    const [ticket] = await tickets(ADMIN, 'Export button broken');
    if (!ticket) throw new Error('opened above');
    const pending = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${ticket.id}`, {
      version: ticket.version,
      status: 'pending',
    });
    expect(pending.statusCode, pending.body).toBe(200);
    await dovecot.append(
      'support',
      mail({ subject: `Re: [${ticket.reference}] Export button broken`, body: 'It works in Firefox though.' }),
    );
    await poll();

    const messages = await thread(String(ticket.id));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      author: null,
      from: { name: 'Neha Rao', email: 'neha@customer.example' },
      body: 'It works in Firefox though.',
      internal: false,
      email: null,
    });
    const after = (await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticket.id}`)).json();
    expect(after.status).toBe('open');
    expect(await tickets(ADMIN, 'Export button broken')).toHaveLength(1);
  });

  it('a reply matched only by In-Reply-To joins the thread', async () => {
    const original = '<first-question@customer.example>';
    await dovecot.append('support', mail({ subject: 'Cannot log in', messageId: original }));
    await poll();
    const [ticket] = await tickets(ADMIN, 'Cannot log in');
    if (!ticket) throw new Error('the first message opens a ticket');
    await dovecot.append(
      'support',
      mail({ subject: 'more details', inReplyTo: original, body: 'The error says: locked out.' }),
    );
    await poll();
    const messages = await thread(String(ticket.id));
    expect(messages.map((m) => m.body)).toEqual(['The error says: locked out.']);
    expect(await tickets(ADMIN, 'more details')).toHaveLength(0);
  });

  it('an attachment becomes a file of the ticket', async () => {
    await dovecot.append(
      'support',
      mail({
        subject: 'Screenshot of the error',
        attachment: { name: 'error-log.txt', type: 'text/plain', content: 'TypeError: x is undefined\n' },
      }),
    );
    await poll();
    const [ticket] = await tickets(ADMIN, 'Screenshot of the error');
    if (!ticket) throw new Error('opened');
    const files = await t.as(ADMIN, 'GET', `/api/v1/files?ticketId=${ticket.id}`);
    expect(files.statusCode, files.body).toBe(200);
    expect(files.json().data).toEqual([
      expect.objectContaining({ name: 'error-log.txt', size: 26, contentType: 'text/plain', ticketId: ticket.id }),
    ]);
  });

  it('keeps a malformed message aside and still reads the next one', async () => {
    const badUid = await dovecot.append('support', mail({ from: null, subject: 'Who sent me' }));
    await dovecot.append('support', mail({ subject: 'After the bad one' }));
    await poll();
    expect(await tickets(ADMIN, 'After the bad one')).toHaveLength(1);
    expect(await tickets(ADMIN, 'Who sent me')).toHaveLength(0);
    const state = (await t.as(ADMIN, 'GET', '/api/v1/tickets/mailbox')).json();
    expect(state.keptAside).toEqual([
      expect.objectContaining({ uid: badUid, reason: 'it has no sender address (From)', subject: 'Who sent me' }),
    ]);
    expect(state.keptAside[0].rawSize).toBeGreaterThan(100);
  });

  it('opens one ticket for a message delivered twice, and none for auto-replies or bounces', async () => {
    const twice = mail({ subject: 'Delivered twice', messageId: '<same-message@customer.example>' });
    await dovecot.append('support', twice);
    await dovecot.append('support', twice);
    await dovecot.append(
      'support',
      mail({ subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' }, body: 'Back on Monday' }),
    );
    await dovecot.append(
      'support',
      mail({ from: 'Mail Delivery System <MAILER-DAEMON@mx.example>', subject: 'Undelivered Mail Returned' }),
    );
    await poll();
    expect(await tickets(ADMIN, 'Delivered twice')).toHaveLength(1);
    expect(await tickets(ADMIN, 'Out of office')).toHaveLength(0);
    expect(await tickets(ADMIN, 'Undelivered Mail')).toHaveLength(0);
  });

  it('keeps another company’s mailbox and its tickets apart', async () => {
    const before = (await t.as(ADMIN, 'GET', '/api/v1/tickets/mailbox')).json();
    const saved = await t.as(OTHER, 'PUT', '/api/v1/tickets/mailbox', mailboxBody('othersupport', 'secret-2'));
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ lastUid: 0, keptAside: [] });
    await dovecot.append('othersupport', mail({ subject: 'Other company question' }));
    await poll();

    expect(await tickets(OTHER, 'Other company question')).toHaveLength(1);
    expect(await tickets(ADMIN, 'Other company question')).toHaveLength(0);
    expect(await tickets(OTHER, 'Export button broken')).toHaveLength(0);
    const other = (await t.as(OTHER, 'GET', '/api/v1/tickets/mailbox')).json();
    expect(other).toMatchObject({ lastUid: 1, keptAside: [] });
    const mine = (await t.as(ADMIN, 'GET', '/api/v1/tickets/mailbox')).json();
    expect(mine.lastUid).toBe(before.lastUid);
    expect(mine.keptAside).toHaveLength(1);
  });
});
