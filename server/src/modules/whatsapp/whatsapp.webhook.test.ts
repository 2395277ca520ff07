import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeWhatsAppCloud,
  fixture,
  inboundText,
  sign,
  statusUpdate,
} from '../../../test/fakes/whatsapp-cloud.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import {
  APP_SECRET,
  companyIdOf,
  connectDemo,
  type MessageDto,
  PHONE_NUMBER_ID,
  postWebhook,
  tenantRows,
  thread,
} from './whatsapp.fixtures.ts';

let t: TestApp;
let fake: FakeWhatsAppCloud;
let demoId: string;
let leadId: string;
const seconds = () => Math.floor(t.clock.now().getTime() / 1000);

beforeAll(async () => {
  t = await createTestApp();
  fake = await connectDemo(t);
  demoId = await companyIdOf(t);
  const lead = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
    name: 'Meena Shah',
    phones: ['+91 90000 33333', '(0) 90000-44444'],
  });
  expect(lead.statusCode, lead.body).toBe(201);
  leadId = lead.json().id;
});
afterAll(async () => {
  await fake?.stop();
  await t?.close();
});

async function sendAndDeliver(text: string): Promise<MessageDto> {
  const queued = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${leadId}/whatsapp`, { text });
  expect(queued.statusCode, queued.body).toBe(202);
  await t.runJobs();
  return byId(queued.json().id);
}

async function byId(id: string): Promise<MessageDto> {
  const found = (await thread(t, leadId)).find((m) => m.id === id);
  if (!found) throw new Error(`no message ${id}`);
  return found;
}

async function status(wamid: string, value: 'sent' | 'delivered' | 'read' | 'failed', at: number) {
  const response = await postWebhook(t, statusUpdate(PHONE_NUMBER_ID, { wamid, status: value, timestamp: at }));
  expect(response.statusCode, response.body).toBe(200);
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

async function notificationsOf(email: string) {
  const data = (await t.as(email, 'GET', '/api/v1/notifications')).json().data as Record<string, unknown>[];
  return data.filter((n) => n.kind === 'whatsapp_inbound');
}

describe('delivery statuses', () => {
  it('moves a message from sent to delivered to read, and never back', async () => {
    const message = await sendAndDeliver('Your quote is ready');
    const wamid = message.wamid as string;
    const t0 = seconds();
    await status(wamid, 'sent', t0 + 1);
    await status(wamid, 'delivered', t0 + 5);
    expect(await byId(message.id)).toMatchObject({ status: 'delivered', deliveredAt: iso(t0 + 5), readAt: null });
    await status(wamid, 'read', t0 + 60);
    await status(wamid, 'delivered', t0 + 5);
    await status(wamid, 'sent', t0 + 1);
    expect(await byId(message.id)).toMatchObject({
      status: 'read',
      deliveredAt: iso(t0 + 5),
      readAt: iso(t0 + 60),
      error: null,
    });
  });

  it('takes statuses in any order: a read that overtakes its delivery still counts both', async () => {
    const message = await sendAndDeliver('Brochure attached');
    const t0 = seconds();
    await status(message.wamid as string, 'read', t0 + 30);
    await status(message.wamid as string, 'delivered', t0 + 20);
    expect(await byId(message.id)).toMatchObject({ status: 'read', deliveredAt: iso(t0 + 30), readAt: iso(t0 + 30) });
  });

  it("keeps WhatsApp's reason when a message fails", async () => {
    const message = await sendAndDeliver('Offer ends Friday');
    const payload = statusUpdate(PHONE_NUMBER_ID, {
      wamid: message.wamid as string,
      status: 'failed',
      timestamp: seconds(),
    });
    expect((await postWebhook(t, payload)).statusCode).toBe(200);
    expect(await byId(message.id)).toMatchObject({
      status: 'failed',
      failedAt: iso(seconds()),
      error: {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        detail: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
      },
    });
  });

  it('applies a status that arrived before the send stored its message id', async () => {
    const t0 = seconds();
    await status('wamid.EARLY-BIRD', 'delivered', t0 + 2);
    expect(await tenantRows(t, demoId, 'whatsapp_pending_statuses')).toHaveLength(1);
    fake.nextIds('wamid.EARLY-BIRD');
    const message = await sendAndDeliver('Quick one');
    expect(message).toMatchObject({ wamid: 'wamid.EARLY-BIRD', status: 'delivered', deliveredAt: iso(t0 + 2) });
    expect(await tenantRows(t, demoId, 'whatsapp_pending_statuses')).toHaveLength(0);
  });

  it('reads the minimal status payload of newer API versions', async () => {
    const message = await sendAndDeliver('Minimal');
    const payload = fixture<{ entry: { changes: { value: Record<string, unknown> }[] }[] }>(
      'webhook_status_v24_minimal_metadocs',
    );
    const value = payload.entry[0]?.changes[0]?.value as { statuses: Record<string, unknown>[] };
    value.statuses = [{ ...value.statuses[0], id: message.wamid, status: 'delivered', timestamp: String(seconds()) }];
    expect((await postWebhook(t, payload)).statusCode).toBe(200);
    expect((await byId(message.id)).status).toBe('delivered');
  });
});

describe('inbound messages', () => {
  it("attaches a signed message to the lead with that number, whatever way the lead's number was written", async () => {
    t.clock.advance(60_000);
    const at = seconds();
    const first = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.IN-1',
      from: '919000033333',
      text: 'Does it come in another color?',
      name: 'Meena S',
      timestamp: at,
    });
    const response = await postWebhook(t, first);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ received: 1 });
    const second = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.IN-2',
      from: '919000044444',
      text: 'From my other phone',
    });
    expect((await postWebhook(t, second)).statusCode).toBe(200);

    const conversation = await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}/whatsapp`);
    const inbound = (conversation.json().data as MessageDto[]).filter((m) => m.direction === 'inbound');
    expect(inbound.map((m) => m.text).sort()).toEqual(['Does it come in another color?', 'From my other phone']);
    expect(inbound.find((m) => m.wamid === 'wamid.IN-1')).toMatchObject({
      leadId,
      type: 'text',
      phone: '+919000033333',
      contactName: 'Meena S',
      status: 'received',
      sentBy: null,
      at: iso(at),
    });
    expect(conversation.json().windowEndsAt).not.toBeNull();

    const notes = await notificationsOf('sales1@demo.test');
    expect(notes.find((n) => n.body === 'Does it come in another color?')).toMatchObject({
      title: 'WhatsApp from Meena S',
      leadId,
    });
    const timeline = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline?kinds=whatsapp`)).json();
    expect(timeline.data[0]).toMatchObject({ kind: 'whatsapp', actor: null, whatsapp: { direction: 'inbound' } });
  });

  it('stores a redelivered message once, and notifies once', async () => {
    const payload = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.REPLAY',
      from: '919000033333',
      text: 'Calling you at 5',
    });
    for (let i = 0; i < 3; i++) expect((await postWebhook(t, payload)).statusCode).toBe(200);
    const copies = (await thread(t, leadId)).filter((m) => m.wamid === 'wamid.REPLAY');
    expect(copies).toHaveLength(1);
    expect((await notificationsOf('sales1@demo.test')).filter((n) => n.body === 'Calling you at 5')).toHaveLength(1);
  });

  it('keeps other kinds of message with their type and content', async () => {
    const payload = inboundText(PHONE_NUMBER_ID, { id: 'wamid.IMG', from: '919000033333', text: 'x' });
    const value = payload.entry[0]?.changes[0]?.value as { messages: Record<string, unknown>[] };
    const { text: _text, ...message } = value.messages[0] as Record<string, unknown>;
    value.messages = [
      { ...message, type: 'image', image: { id: '1479537139650973', mime_type: 'image/jpeg', caption: 'Site photo' } },
    ];
    expect((await postWebhook(t, payload)).statusCode).toBe(200);
    const image = (await thread(t, leadId)).find((m) => m.wamid === 'wamid.IMG');
    expect(image).toMatchObject({
      type: 'image',
      text: 'Site photo',
      content: { image: { id: '1479537139650973', mime_type: 'image/jpeg', caption: 'Site photo' } },
    });
  });
});

describe('webhook signatures', () => {
  it('refuses a missing, forged or tampered signature with 401 and stores nothing', async () => {
    const before = (await tenantRows(t, demoId, 'whatsapp_messages')).length;
    const notes = (await tenantRows(t, demoId, 'notifications')).length;
    const body = JSON.stringify(inboundText(PHONE_NUMBER_ID, { id: 'wamid.FORGED', from: '919000033333', text: 'Hi' }));
    const attempts = [
      { signature: null },
      { signature: 'sha256=' },
      { signature: sign(body, 'someone-elses-secret') },
      { signature: sign(body.replace('Hi', 'Ho'), APP_SECRET) },
      { signature: sign(body, APP_SECRET).replace('sha256=', 'sha1=') },
    ];
    for (const options of attempts) {
      expectProblem(await postWebhook(t, body, options), 401, 'invalid_signature');
    }
    const tampered = body.replace('"Hi"', '"Pay now"');
    expectProblem(await postWebhook(t, tampered, { signature: sign(body, APP_SECRET) }), 401, 'invalid_signature');
    expect(await tenantRows(t, demoId, 'whatsapp_messages')).toHaveLength(before);
    expect(await tenantRows(t, demoId, 'notifications')).toHaveLength(notes);
  });

  it("checks each company's own secret: Demo Co's secret cannot speak for Other Co's number", async () => {
    const otherSecret = 'other-co-app-secret-9876543210';
    const saved = await t.as('admin@other.test', 'PUT', '/api/v1/whatsapp/settings', {
      phoneNumberId: '209876543210987',
      accessToken: 'EAAotherCoToken12345',
      appSecret: otherSecret,
      verifyToken: 'other-verify-token',
      apiBaseUrl: fake.url,
      createLeadsFromUnknown: true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const payload = inboundText('209876543210987', { id: 'wamid.OTHER', from: '16505551234', text: 'Hello Other Co' });
    expectProblem(await postWebhook(t, payload, { secret: APP_SECRET }), 401, 'invalid_signature');
    expect((await postWebhook(t, payload, { secret: otherSecret })).statusCode).toBe(200);
    const otherId = await companyIdOf(t, 'admin@other.test');
    const theirs = await tenantRows(t, otherId, 'whatsapp_messages');
    expect(theirs.map((m) => m.wamid)).toEqual(['wamid.OTHER']);
    expect((await tenantRows(t, demoId, 'whatsapp_messages')).map((m) => m.wamid)).not.toContain('wamid.OTHER');
  });

  it('acknowledges, and ignores, events for a number nobody connected; refuses a body that is not JSON', async () => {
    const payload = inboundText('999999999999', { id: 'wamid.NOBODY', from: '919000033333', text: 'Hi' });
    const response = await postWebhook(t, payload);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ received: 0 });
    expectProblem(await postWebhook(t, '{"entry": ['), 400, 'malformed_json');
  });
});

describe('messages from numbers no lead has', () => {
  it('keeps them unattached when the company does not create leads from them, until filed on a lead', async () => {
    const payload = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.STRANGER',
      from: '919000055555',
      text: 'Price list?',
      name: 'Ravi',
    });
    expect((await postWebhook(t, payload)).statusCode).toBe(200);
    const found = (await t.as('admin@demo.test', 'GET', '/api/v1/leads?q=9000055555')).json().data;
    expect(found).toEqual([]);
    const inbox = await t.as('admin@demo.test', 'GET', '/api/v1/whatsapp/unattached');
    expect(inbox.statusCode, inbox.body).toBe(200);
    expect(inbox.json().data).toContainEqual(
      expect.objectContaining({ phone: '+919000055555', contactName: 'Ravi', messages: 1, lastText: 'Price list?' }),
    );
    expectProblem(await t.as('sales1@demo.test', 'GET', '/api/v1/whatsapp/unattached'), 403, 'forbidden');

    const attach = (body: unknown, who = 'admin@demo.test') =>
      t.as(who, 'POST', '/api/v1/whatsapp/unattached/attach', body);
    expectProblem(await attach({ phone: '+919000055555' }), 400, 'validation_failed', 'leadId');
    expectProblem(await attach({ phone: '+919000066666', leadId }), 422, 'unprocessable', 'phone');
    expectProblem(await attach({ phone: '+919000055555', leadId }, 'admin@other.test'), 404, 'not_found');
    const filed = await attach({ phone: '90000 55555', leadId });
    expect(filed.statusCode, filed.body).toBe(200);
    expect(filed.json()).toEqual({ attached: 1 });
    expect((await thread(t, leadId)).map((m) => m.wamid)).toContain('wamid.STRANGER');
  });

  it('creates a lead (source whatsapp) through the assignment rules when the company asks for it', async () => {
    const sales3 = await userId(t, 'sales3@demo.test');
    const rule = await t.as('admin@demo.test', 'POST', '/api/v1/assignment-rules', {
      name: 'WhatsApp enquiries',
      conditions: [{ field: 'source', op: 'equals', value: 'whatsapp' }],
      strategy: 'user',
      userIds: [sales3],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await connectDemo(t, { createLeadsFromUnknown: true });

    const payload = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.NEW-LEAD',
      from: '919000077777',
      text: 'I want a demo of the Field Sales App',
      name: 'Kiran Rao',
    });
    expect((await postWebhook(t, payload)).statusCode).toBe(200);
    const [lead] = (await t.as('admin@demo.test', 'GET', '/api/v1/leads?q=9000077777')).json().data;
    expect(lead).toMatchObject({ name: 'Kiran Rao', phones: ['+919000077777'], source: 'whatsapp', ownerId: sales3 });
    const why = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead.id}/assignment`)).json();
    expect(why.current).toMatchObject({ reason: 'rule', ruleName: 'WhatsApp enquiries', channel: 'integration' });
    expect((await thread(t, lead.id, 'sales3@demo.test')).map((m) => m.text)).toEqual([
      'I want a demo of the Field Sales App',
    ]);
    expect((await notificationsOf('sales3@demo.test')).map((n) => n.leadId)).toContain(lead.id);

    // A second message from the same number goes to that lead, not to another new one.
    const again = inboundText(PHONE_NUMBER_ID, { id: 'wamid.NEW-LEAD-2', from: '919000077777', text: 'Tomorrow?' });
    expect((await postWebhook(t, again)).statusCode).toBe(200);
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/leads?q=9000077777')).json().data).toHaveLength(1);
    expect(await thread(t, lead.id)).toHaveLength(2);
  });
});
