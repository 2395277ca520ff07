import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { MAX_ATTEMPTS, retryDelayMs } from '../../jobs/runner.ts';
import { configureSmtp, emailOf, leadWithEmail, sendEmail } from './email.fixtures.ts';

let t: TestApp;
let smtp: FakeSmtp;
let leadId: string;
let templateId: string;
const SALES1 = 'sales1@demo.test';

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startFakeSmtp({ rejectRecipients: /^bounce@/ });
  await configureSmtp(t, smtp);
  leadId = (await leadWithEmail(t, SALES1)).id;
  const template = await t.as(SALES1, 'POST', '/api/v1/email/templates', {
    name: 'Quote',
    subject: 'Your quote, {{ lead.firstName }}',
    html: '<p>Dear {{ lead.firstName }} of {{ lead.companyName }},</p><p><a href="https://demo-co.example/quote/42">See the quote</a> or <a href="mailto:sales@demo-co.example">write</a>.</p><p>{{ sender.name }}</p>',
  });
  templateId = template.json().id;
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

const receivedWith = (messageId: string) => smtp.received.filter((m) => m.mail.messageId === messageId);

describe('sending an email to a lead', () => {
  it('stores and queues it (202), then the job sends it with the variables rendered and links tracked', async () => {
    t.clock.advance(60_000);
    const response = await sendEmail(t, SALES1, leadId, { templateId, cc: ['owner@shree-balaji.example'] });
    expect(response.statusCode, response.body).toBe(202);
    const queued = response.json();
    expect(queued).toMatchObject({
      purpose: 'lead',
      leadId,
      status: 'queued',
      attempts: 0,
      sender: { name: 'Rohan Gupta' },
      from: { name: 'Rohan Gupta', address: 'sales@demo-co.example' },
      replyTo: SALES1,
      to: ['anita.sharma@example.com'],
      cc: ['owner@shree-balaji.example'],
      subject: 'Your quote, Anita',
      template: { id: templateId, name: 'Quote' },
      tracking: { opens: true, clicks: true },
      queuedAt: t.clock.now().toISOString(),
      sentAt: null,
    });
    expect(queued.html).toContain('<a href="https://demo-co.example/quote/42">');
    expect(queued.text).toContain('See the quote (https://demo-co.example/quote/42)');
    const lead = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}`)).json();
    expect(lead.lastTouchedAt).toBe(t.clock.now().toISOString());
    expect(
      (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails`)).json().data.map((m: { id: string }) => m.id),
    ).toEqual([queued.id]);

    await t.runJobs();
    const sent = await emailOf(t, SALES1, queued.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, errorCode: null, sentAt: t.clock.now().toISOString() });
    expect(sent.serverReply).toMatch(/^250/);
    expect(sent.links).toEqual([{ url: 'https://demo-co.example/quote/42', clicks: 0 }]);

    const [mail] = receivedWith(queued.messageId);
    expect(mail?.to.sort()).toEqual(['anita.sharma@example.com', 'owner@shree-balaji.example']);
    expect(mail?.from).toBe('sales@demo-co.example');
    expect(mail?.mail.subject).toBe('Your quote, Anita');
    expect(mail?.mail.from?.value[0]).toEqual({ name: 'Rohan Gupta', address: 'sales@demo-co.example' });
    expect(mail?.mail.replyTo?.value[0]?.address).toBe(SALES1);
    const html = String(mail?.mail.html);
    expect(html).toContain('Dear Anita of Shree Balaji Traders');
    expect(html).toMatch(/<a href="http:\/\/localhost:80\/api\/v1\/t\/c\/[A-Za-z0-9_-]{70}">See the quote<\/a>/);
    expect(html).not.toContain('https://demo-co.example/quote/42');
    expect(html).toContain('href="mailto:sales@demo-co.example"');
    expect(html).toMatch(/<img src="http:\/\/localhost:80\/api\/v1\/t\/o\/[A-Za-z0-9_-]{70}" width="1" height="1"/);
    expect(mail?.mail.text).toContain('Dear Anita of Shree Balaji Traders');

    const timeline = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/timeline?kinds=email`)).json().data;
    expect(timeline[0]).toMatchObject({
      kind: 'email',
      actor: { name: 'Rohan Gupta' },
      email: { messageId: queued.id, subject: 'Your quote, Anita', status: 'sent', template: 'Quote', opens: 0 },
    });
    const audit = (await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityId=${queued.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['email.queued']);
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ subject: 'Hi', text: 'x', to: ['not-an-email'] }, 400, 'validation_failed', 'to.0'],
      [{ subject: 'Hi', text: 'x', cc: ['a@b.co', 'broken@'] }, 400, 'validation_failed', 'cc.1'],
      [{ subject: 'Hi', text: 'x', to: [] }, 400, 'validation_failed', 'to'],
      [{ subject: 'Hi' }, 400, 'validation_failed', 'html'],
      [{ html: '<p>x</p>' }, 400, 'validation_failed', 'subject'],
      [{ subject: 'Hi', text: 'x', priority: 'high' }, 400, 'validation_failed', 'priority'],
      [{ templateId: '01900000-0000-7000-8000-000000000000' }, 422, 'unprocessable', 'templateId'],
      [{ subject: 'Hi {{ lead.nickname }}', text: 'x' }, 422, 'unprocessable', 'subject'],
    ];
    const before = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails`)).json().data.length;
    for (const [body, status, code, path] of cases) {
      expectProblem(await sendEmail(t, SALES1, leadId, body), status, code, path);
    }
    const noEmail = (await t.as(SALES1, 'POST', '/api/v1/leads', { name: 'No Address Yet' })).json();
    expectProblem(await sendEmail(t, SALES1, noEmail.id, { subject: 'Hi', text: 'x' }), 422, 'unprocessable', 'to');
    expect((await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails`)).json().data.length).toBe(before);
  });

  it('follows the lead: others get 404, a guest may read but not send, another company sees nothing', async () => {
    const sent = (await sendEmail(t, SALES1, leadId, { subject: 'Visibility', text: 'x' })).json();
    expect((await emailOf(t, 'manager1@demo.test', sent.id)).subject).toBe('Visibility');
    expect((await t.as('guest@demo.test', 'GET', `/api/v1/leads/${leadId}/emails`)).statusCode).toBe(200);
    expectProblem(await sendEmail(t, 'guest@demo.test', leadId, { subject: 'x', text: 'y' }), 403, 'forbidden');
    expectProblem(await t.as('guest@demo.test', 'POST', `/api/v1/emails/${sent.id}/retry`), 403, 'forbidden');
    for (const who of ['sales2@demo.test', 'warrior1@demo.test', 'admin@other.test']) {
      expectProblem(await sendEmail(t, who, leadId, { subject: 'x', text: 'y' }), 404, 'not_found');
      expectProblem(await t.as(who, 'GET', `/api/v1/leads/${leadId}/emails`), 404, 'not_found');
      expectProblem(await t.as(who, 'GET', `/api/v1/emails/${sent.id}`), 404, 'not_found');
      expectProblem(await t.as(who, 'POST', `/api/v1/emails/${sent.id}/retry`), 404, 'not_found');
      const outbox = (await t.as(who, 'GET', '/api/v1/emails')).json().data as { id: string }[];
      expect(outbox.map((m) => m.id)).not.toContain(sent.id);
    }
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'Taken over' }],
      ['DELETE', undefined],
    ] as const) {
      expectProblem(
        await t.as('admin@other.test', method, `/api/v1/email/templates/${templateId}`, body),
        404,
        'not_found',
      );
    }
    expect(
      (await t.as('admin@demo.test', 'GET', '/api/v1/emails')).json().data.map((m: { id: string }) => m.id),
    ).toContain(sent.id);
    // Other Co has no outgoing server: its sends are refused at once, and nothing is stored.
    const otherLead = (
      await t.as('admin@other.test', 'POST', '/api/v1/leads', { name: 'Jane Doe', emails: ['jane@example.com'] })
    ).json();
    expectProblem(
      await sendEmail(t, 'admin@other.test', otherLead.id, { subject: 'x', text: 'y' }),
      422,
      'email_not_configured',
    );
    expect((await t.as('admin@other.test', 'GET', `/api/v1/leads/${otherLead.id}/emails`)).json().data).toEqual([]);
    await t.runJobs();
  });

  it("lists a lead's emails a page at a time, newest first", async () => {
    const all = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails`)).json().data as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails?limit=1`)).json();
    expect(first.data.map((m: { id: string }) => m.id)).toEqual([all[0]?.id]);
    const second = (
      await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails?limit=1&cursor=${first.nextCursor}`)
    ).json();
    expect(second.data.map((m: { id: string }) => m.id)).toEqual([all[1]?.id]);
    expectProblem(
      await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/emails?cursor=nonsense`),
      400,
      'validation_failed',
      'cursor',
    );
    expectProblem(await t.as(SALES1, 'GET', '/api/v1/emails?status=sent,bogus'), 400, 'validation_failed', 'status');
  });
});

describe('when the SMTP server is down', () => {
  it('keeps the message, shows it retrying with the error, and sends it once the server is back', async () => {
    await smtp.stop();
    const queued = (await sendEmail(t, SALES1, leadId, { subject: 'While you were down', text: 'Hello' })).json();
    await t.runJobs();
    const retrying = await emailOf(t, SALES1, queued.id);
    expect(retrying).toMatchObject({
      status: 'retrying',
      attempts: 1,
      errorCode: 'smtp_unreachable',
      nextAttemptAt: new Date(t.clock.now().getTime() + retryDelayMs(1)).toISOString(),
    });
    expect(retrying.lastError).toMatch(/ECONNREFUSED/);
    const outbox = (await t.as('admin@demo.test', 'GET', '/api/v1/emails?status=retrying,failed')).json().data;
    expect(outbox.map((m: { id: string }) => m.id)).toContain(queued.id);
    const timeline = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/timeline?kinds=email`)).json().data;
    expect(timeline[0].email).toMatchObject({ status: 'retrying', lastError: retrying.lastError });

    await t.runJobs();
    expect((await emailOf(t, SALES1, queued.id)).status).toBe('retrying');
    await smtp.start();
    t.clock.advance(retryDelayMs(1));
    await t.runJobs();
    expect(await emailOf(t, SALES1, queued.id)).toMatchObject({
      status: 'sent',
      attempts: 2,
      errorCode: null,
      lastError: null,
    });
    expect(receivedWith(queued.messageId)).toHaveLength(1);
  });

  it('gives up after the last attempt, tells the sender, and can be sent again', async () => {
    await smtp.stop();
    const queued = (await sendEmail(t, SALES1, leadId, { subject: 'Persistent', text: 'Hello' })).json();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await t.runJobs();
      const state = await emailOf(t, SALES1, queued.id);
      expect(state.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(state.status).toBe('retrying');
        t.clock.advance(retryDelayMs(attempt));
      } else {
        expect(state).toMatchObject({
          status: 'failed',
          errorCode: 'smtp_unreachable',
          failedAt: t.clock.now().toISOString(),
        });
      }
    }
    const notes = (await t.as(SALES1, 'GET', '/api/v1/notifications')).json().data;
    expect(notes[0]).toMatchObject({
      kind: 'email.failed',
      title: 'Your email "Persistent" could not be sent',
      leadId,
    });

    await smtp.start();
    const again = await t.as(SALES1, 'POST', `/api/v1/emails/${queued.id}/retry`);
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toMatchObject({ status: 'queued', attempts: 0, failedAt: null });
    await t.runJobs();
    expect((await emailOf(t, SALES1, queued.id)).status).toBe('sent');
    expect(receivedWith(queued.messageId)).toHaveLength(1);
    expectProblem(await t.as(SALES1, 'POST', `/api/v1/emails/${queued.id}/retry`), 409, 'conflict');
  });

  it('sends a retrying message at once when asked, without waiting for the backoff', async () => {
    await smtp.stop();
    const queued = (await sendEmail(t, SALES1, leadId, { subject: 'Now please', text: 'Hello' })).json();
    await t.runJobs();
    await smtp.start();
    const now = await t.as(SALES1, 'POST', `/api/v1/emails/${queued.id}/retry`);
    expect(now.json()).toMatchObject({ status: 'retrying', nextAttemptAt: t.clock.now().toISOString() });
    await t.runJobs();
    expect((await emailOf(t, SALES1, queued.id)).status).toBe('sent');
    expect(receivedWith(queued.messageId)).toHaveLength(1);
  });

  it('fails at once, with the reply, when the server refuses the recipient for good', async () => {
    const queued = (
      await sendEmail(t, SALES1, leadId, { subject: 'Bounce', text: 'x', to: ['bounce@example.com'] })
    ).json();
    await t.runJobs();
    const failed = await emailOf(t, SALES1, queued.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'smtp_rejected' });
    expect(failed.serverReply).toMatch(/^550/);
    expect(failed.lastError).toMatch(/User unknown/);
  });

  it('fails with email_not_configured when the settings were removed before it went out', async () => {
    const queued = (await sendEmail(t, SALES1, leadId, { subject: 'Orphan', text: 'x' })).json();
    await t.as('admin@demo.test', 'DELETE', '/api/v1/email/settings');
    await t.runJobs();
    expect(await emailOf(t, SALES1, queued.id)).toMatchObject({ status: 'failed', errorCode: 'email_not_configured' });
    expectProblem(await t.as(SALES1, 'POST', `/api/v1/emails/${queued.id}/retry`), 422, 'email_not_configured');
    await configureSmtp(t, smtp);
    expect((await t.as(SALES1, 'POST', `/api/v1/emails/${queued.id}/retry`)).statusCode).toBe(202);
    await t.runJobs();
    expect((await emailOf(t, SALES1, queued.id)).status).toBe('sent');
  });
});

describe('system emails (reminders to users)', () => {
  it('are sent to the user by the same job, and recorded as failed where no server is set up', async () => {
    const { enqueueSystemEmail } = await import('./email.outbox.ts');
    const { withTenant } = await import('../../db/client.ts');
    const me = (await t.as(SALES1, 'GET', '/api/v1/auth/me')).json();
    const sales1 = await userId(t, SALES1);
    const result = await withTenant(t.dbs.app, me.company.id, (trx) =>
      enqueueSystemEmail(trx, t.app.deps, {
        companyId: me.company.id,
        toUserId: sales1,
        subject: 'Reminder: call Anita Sharma at 15:00',
        text: 'Your follow-up is due in 15 minutes.',
        html: '<p>Your follow-up is due in 15 minutes. <a href="https://crm.example/leads/1">Open</a></p>',
      }),
    );
    expect(result.status).toBe('queued');
    await t.runJobs();
    const system = await emailOf(t, SALES1, result.id);
    expect(system).toMatchObject({
      purpose: 'system',
      leadId: null,
      status: 'sent',
      to: [SALES1],
      tracking: { opens: false },
    });
    const [mail] = receivedWith(system.messageId);
    expect(mail?.to).toEqual([SALES1]);
    expect(mail?.mail.from?.value[0]).toEqual({ name: 'Demo Co Sales', address: 'sales@demo-co.example' });
    expect(String(mail?.mail.html)).toContain('href="https://crm.example/leads/1"');
    expectProblem(await t.as('sales2@demo.test', 'GET', `/api/v1/emails/${result.id}`), 404, 'not_found');

    const other = (await t.as('admin@other.test', 'GET', '/api/v1/auth/me')).json();
    const failed = await withTenant(t.dbs.app, other.company.id, (trx) =>
      enqueueSystemEmail(trx, t.app.deps, {
        companyId: other.company.id,
        toUserId: other.user.id,
        subject: 'Reminder',
        text: 'Due soon',
      }),
    );
    expect(failed.status).toBe('failed');
    const outbox = (await t.as('admin@other.test', 'GET', '/api/v1/emails?purpose=system&status=failed')).json().data;
    expect(outbox).toEqual([
      expect.objectContaining({ id: failed.id, status: 'failed', errorCode: 'email_not_configured', from: null }),
    ]);
  });
});
