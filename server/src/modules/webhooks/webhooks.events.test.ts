import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { WebhookReceiver } from '../../../test/fakes/webhook-receiver.ts';
import { type FakeWhatsAppCloud, inboundText } from '../../../test/fakes/whatsapp-cloud.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { configureSmtp, leadWithEmail, sendEmail, trackingPaths } from '../email/email.fixtures.ts';
import { runToEnd, uploaded } from '../imports/imports.fixtures.ts';
import { connectDemo, PHONE_NUMBER_ID, postWebhook } from '../whatsapp/whatsapp.fixtures.ts';

/**
 * The events of migration 0026 through the API: an email sent and first opened, an inbound WhatsApp message,
 * an import done; each arrives signed with its data, and none is captured while the company has no endpoint.
 */
let t: TestApp;
let receiver: WebhookReceiver;
let smtp: FakeSmtp;
let cloud: FakeWhatsAppCloud;
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const BASE = '/api/v1/webhooks';
const TYPES = ['email.sent', 'email.opened', 'whatsapp.received', 'import.completed'];

type Message = { type: string; timestamp: string; data: Record<string, unknown> };

async function drainJobs() {
  for (let i = 0; i < 1000; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

const eventCount = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM webhook_events`.execute(t.dbs.owner)).rows[0]?.n ?? 0);

beforeAll(async () => {
  t = await createTestApp({ webhooksAllowPrivate: true });
  await drainJobs();
  receiver = await WebhookReceiver.start();
  smtp = await startFakeSmtp();
  await configureSmtp(t, smtp);
  cloud = await connectDemo(t);
});
afterAll(async () => {
  await cloud?.stop();
  await smtp?.close();
  await receiver?.close();
  await t?.close();
});

/** Sends an email to the lead through the API and delivers it to the fake server: its id and received HTML. */
async function sendAndDeliver(leadId: string, subject: string) {
  const queued = await sendEmail(t, SALES, leadId, { subject, html: '<html><body><p>Hello</p></body></html>' });
  expect(queued.statusCode, queued.body).toBe(202);
  await drainJobs();
  const mail = smtp.received.find((m) => m.mail.messageId === queued.json().messageId);
  if (!mail) throw new Error('not delivered');
  return { id: queued.json().id as string, messageId: queued.json().messageId as string, html: String(mail.mail.html) };
}

const openPixel = (path: string) => t.app.inject({ method: 'GET', url: path, headers: { 'user-agent': 'Mail/1.0' } });

async function importCsv(who: string, name: string) {
  const csv = ['Name,Email,City', `${name},${name.toLowerCase().replaceAll(' ', '.')}@example.in,Pune`].join('\r\n');
  const imp = await uploaded(t, who, `${name}.csv`, csv);
  return runToEnd(t, who, imp.id);
}

describe('events of email, WhatsApp and imports', () => {
  it('are accepted as endpoint event types', async () => {
    const made = await t.as(ADMIN, 'POST', `${BASE}/endpoints`, { url: receiver.url('/x'), eventTypes: TYPES });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().eventTypes).toEqual(TYPES);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${made.json().id}`);
    const bad = await t.as(ADMIN, 'POST', `${BASE}/endpoints`, { url: receiver.url(), eventTypes: ['email.bounced'] });
    expectProblem(bad, 400, 'validation_failed', 'eventTypes.0');
  });

  it('arrive signed with their data: email.sent, email.opened, whatsapp.received, import.completed', async () => {
    const made = await t.as(ADMIN, 'POST', `${BASE}/endpoints`, { url: receiver.url('/more'), eventTypes: TYPES });
    expect(made.statusCode, made.body).toBe(201);
    const endpoint = made.json() as { id: string; secret: string };
    const library = new Webhook(endpoint.secret);
    const lead = await leadWithEmail(t, SALES, { phones: ['+91 90000 77777'] });
    await drainJobs();
    receiver.clear();
    const messages = () => receiver.received.map((r) => library.verify(r.body, r.headers) as Message);

    const email = await sendAndDeliver(lead.id, 'Your quote');
    expect(messages()).toMatchObject([
      {
        type: 'email.sent',
        data: {
          id: email.id,
          leadId: lead.id,
          to: ['anita.sharma@example.com'],
          subject: 'Your quote',
          messageId: email.messageId,
          from: { address: 'sales@demo-co.example' },
          firstOpenedAt: null,
        },
      },
    ]);
    const sent = messages()[0] as Message;
    expect(sent.data.sentAt).toBe(new Date(sent.data.sentAt as string).toISOString());
    expect(sent.data).not.toHaveProperty('html');
    expect(sent.data).not.toHaveProperty('text');
    expect(sent.data).not.toHaveProperty('bcc');

    receiver.clear();
    const [pixel] = trackingPaths(email.html).opens;
    expect(pixel).toBeDefined();
    t.clock.advance(60_000);
    const openedAt = t.clock.now().toISOString();
    expect((await openPixel(pixel as string)).statusCode).toBe(200);
    t.clock.advance(60_000);
    expect((await openPixel(pixel as string)).statusCode).toBe(200);
    await drainJobs();
    // The first open only: the second changes the counts, not the first open.
    expect(messages()).toMatchObject([
      { type: 'email.opened', data: { id: email.id, leadId: lead.id, firstOpenedAt: openedAt, subject: 'Your quote' } },
    ]);

    receiver.clear();
    const inbound = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.HOOKED-1',
      from: '919000077777',
      text: 'Is the quote still valid?',
      name: 'Anita',
      timestamp: Math.floor(t.clock.now().getTime() / 1000),
    });
    expect((await postWebhook(t, inbound)).statusCode).toBe(200);
    // A redelivered webhook stores nothing new, and sends nothing new.
    expect((await postWebhook(t, inbound)).statusCode).toBe(200);
    await drainJobs();
    const received = messages().filter((m) => m.type === 'whatsapp.received');
    expect(received).toMatchObject([
      {
        data: {
          leadId: lead.id,
          phone: '+919000077777',
          contactName: 'Anita',
          type: 'text',
          text: 'Is the quote still valid?',
          wamid: 'wamid.HOOKED-1',
        },
      },
    ]);
    expect(received[0]?.data.id).toEqual(expect.any(String));

    receiver.clear();
    const done = await importCsv(ADMIN, 'Hook Import');
    expect(done.status, JSON.stringify(done)).toBe('done');
    await drainJobs();
    expect(messages()).toMatchObject([
      {
        type: 'import.completed',
        data: {
          id: done.id,
          fileName: 'Hook Import.csv',
          format: 'csv',
          status: 'done',
          totalRows: 1,
          counts: { created: 1, updated: 0, skipped: 0, failed: 0 },
        },
      },
    ]);

    // Another company, without endpoints, captures nothing while Demo Co has one.
    const before = await eventCount();
    expect((await importCsv('admin@other.test', 'Other Import')).status).toBe('done');
    expect(await eventCount()).toBe(before);

    const log = await t.as(ADMIN, 'GET', `${BASE}/endpoints/${endpoint.id}/deliveries`);
    expect(log.json().data.map((d: { eventType: string; status: string }) => `${d.eventType}:${d.status}`)).toEqual([
      'import.completed:succeeded',
      'whatsapp.received:succeeded',
      'email.opened:succeeded',
      'email.sent:succeeded',
    ]);
    await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${endpoint.id}`);
  });

  it('are not captured while the company has no endpoint', async () => {
    const listed = (await t.as(ADMIN, 'GET', `${BASE}/endpoints`)).json().data as { id: string }[];
    for (const e of listed) await t.as(ADMIN, 'DELETE', `${BASE}/endpoints/${e.id}`);
    receiver.clear();
    await drainJobs();
    const before = await eventCount();
    const lead = await leadWithEmail(t, SALES, { emails: ['quiet@example.com'], phones: ['+91 90000 88888'] });
    const email = await sendAndDeliver(lead.id, 'Quiet');
    const [pixel] = trackingPaths(email.html).opens;
    expect((await openPixel(pixel as string)).statusCode).toBe(200);
    const inbound = inboundText(PHONE_NUMBER_ID, { id: 'wamid.QUIET-1', from: '919000088888', text: 'Hi' });
    expect((await postWebhook(t, inbound)).statusCode).toBe(200);
    expect((await importCsv(ADMIN, 'Quiet Import')).status).toBe('done');
    await drainJobs();
    expect(await eventCount()).toBe(before);
    expect(receiver.received).toHaveLength(0);
  });
});
