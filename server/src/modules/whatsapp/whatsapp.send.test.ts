import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWhatsAppCloud, graphError } from '../../../test/fakes/whatsapp-cloud.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import {
  ACCESS_TOKEN,
  companyIdOf,
  connectDemo,
  type MessageDto,
  PHONE_NUMBER_ID,
  tenantRows,
  thread,
} from './whatsapp.fixtures.ts';

let t: TestApp;
let fake: FakeWhatsAppCloud;
let leadId: string;
let sales1: string;

beforeAll(async () => {
  t = await createTestApp();
  fake = await connectDemo(t);
  sales1 = await userId(t, 'sales1@demo.test');
  const lead = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
    name: 'Asha Kulkarni',
    phones: ['90000 11111', '+91 90000 22222'],
  });
  expect(lead.statusCode, lead.body).toBe(201);
  leadId = lead.json().id;
});
afterAll(async () => {
  await fake?.stop();
  await t?.close();
});

const send = (body: unknown, who = 'sales1@demo.test', id = leadId) =>
  t.as(who, 'POST', `/api/v1/leads/${id}/whatsapp`, body);

async function message(id: string): Promise<MessageDto> {
  const found = (await thread(t, leadId)).find((m) => m.id === id);
  if (!found) throw new Error(`message ${id} not on the thread`);
  return found;
}

describe('sending WhatsApp messages to a lead', () => {
  it('queues a text, then a job sends it with the bearer token in the documented shape', async () => {
    t.clock.advance(60_000);
    const response = await send({ text: 'Hello Asha, thanks for your enquiry!' });
    expect(response.statusCode, response.body).toBe(202);
    const queued = response.json();
    expect(queued).toMatchObject({
      leadId,
      direction: 'outbound',
      type: 'text',
      phone: '+919000011111',
      text: 'Hello Asha, thanks for your enquiry!',
      status: 'queued',
      wamid: null,
      error: null,
      attempts: 0,
      sentBy: { id: sales1, name: 'Rohan Gupta' },
      at: t.clock.now().toISOString(),
    });
    expect(fake.messageRequests()).toHaveLength(0);
    const lead = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}`)).json();
    expect(lead.lastTouchedAt).toBe(t.clock.now().toISOString());

    await t.runJobs();
    const [request] = fake.messageRequests();
    expect(request).toMatchObject({
      path: `/${PHONE_NUMBER_ID}/messages`,
      authorization: `Bearer ${ACCESS_TOKEN}`,
      contentType: 'application/json',
    });
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+919000011111',
      type: 'text',
      text: { preview_url: false, body: 'Hello Asha, thanks for your enquiry!' },
    });
    expect(await message(queued.id)).toMatchObject({
      status: 'sent',
      wamid: fake.sentIds[0],
      attempts: 1,
      sentAt: t.clock.now().toISOString(),
      error: null,
    });
    const audit = (await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityId=${queued.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['whatsapp.queued']);
  });

  it('sends an approved template with its language and body parameters', async () => {
    const response = await send({ templateName: 'order_update', language: 'en', params: ['Asha', '#4521'] });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({
      type: 'template',
      text: null,
      template: { name: 'order_update', language: 'en', params: ['Asha', '#4521'] },
    });
    const plain = await send({ templateName: 'hello_world', phone: '090000 22222' });
    expect(plain.json()).toMatchObject({ phone: '+919000022222', template: { language: 'en_US', params: [] } });
    await t.runJobs();
    const [withParams, withoutParams] = fake.messageRequests().slice(-2);
    expect(withParams?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+919000011111',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Asha' },
              { type: 'text', text: '#4521' },
            ],
          },
        ],
      },
    });
    expect(withoutParams?.body).toMatchObject({
      to: '+919000022222',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(withoutParams?.body?.template).not.toHaveProperty('components');
    expect((await message(response.json().id)).status).toBe('sent');
  });

  it("keeps a message WhatsApp refuses (4xx) as failed with WhatsApp's code, and does not retry it", async () => {
    fake.failNext({
      status: 400,
      error: graphError(131030, '(#131030) Recipient phone number not in allowed list', 'Add the number to the list'),
    });
    const queued = (await send({ text: 'Are you free for a call?' })).json();
    await t.runJobs();
    expect(await message(queued.id)).toMatchObject({
      status: 'failed',
      wamid: null,
      attempts: 1,
      failedAt: t.clock.now().toISOString(),
      error: {
        code: 131030,
        title: '(#131030) Recipient phone number not in allowed list',
        detail: 'Add the number to the list',
      },
    });
    const calls = fake.messageRequests().length;
    t.clock.advance(3_600_000);
    await t.runJobs();
    expect(fake.messageRequests()).toHaveLength(calls);
  });

  it('tries again after a server error or no answer, showing why, until it goes through', async () => {
    fake.failNext({ status: 503, error: graphError(2, 'Service temporarily unavailable') }, 'network');
    const queued = (await send({ text: 'Sharing the brochure now' })).json();
    await t.runJobs();
    expect(await message(queued.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: { code: 2, title: 'Service temporarily unavailable' },
    });
    t.clock.advance(31_000);
    await t.runJobs();
    expect(await message(queued.id)).toMatchObject({
      status: 'queued',
      attempts: 2,
      error: { code: null, title: 'WhatsApp could not be reached' },
    });
    t.clock.advance(2 * 60_000 + 1_000);
    await t.runJobs();
    expect(await message(queued.id)).toMatchObject({ status: 'sent', attempts: 3, error: null });
    expect(
      fake.messageRequests().filter((r) => r.body?.text && JSON.stringify(r.body).includes('brochure')),
    ).toHaveLength(3);
  });

  it('gives up after the last attempt and keeps the message as failed', async () => {
    fake.failNext(...Array.from({ length: 5 }, () => ({ status: 500 })));
    const queued = (await send({ text: 'Last try' })).json();
    for (let attempt = 0; attempt < 5; attempt++) {
      await t.runJobs();
      t.clock.advance(3_600_000);
    }
    expect(await message(queued.id)).toMatchObject({
      status: 'failed',
      attempts: 5,
      error: { code: 1, title: 'An unknown error occurred' },
    });
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const before = (await thread(t, leadId)).length;
    const cases: [unknown, string][] = [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(4097) }, 'text'],
      [{ text: 'Hi', templateName: 'hello_world' }, 'templateName'],
      [{ text: 'Hi', params: ['a'] }, 'params'],
      [{ templateName: 'hello_world', previewUrl: true }, 'previewUrl'],
      [{ templateName: 'Hello World' }, 'templateName'],
      [{ templateName: 'hello_world', language: 'english' }, 'language'],
      [{ text: 'Hi', to: '+919000011111' }, 'to'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await send(body), 400, 'validation_failed', path);
    }
    expect(await thread(t, leadId)).toHaveLength(before);
  });

  it("needs a phone on the lead, and one of the lead's numbers when a number is named", async () => {
    const bare = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'No Phone Yet' })).json();
    expectProblem(await send({ text: 'Hi' }, 'sales1@demo.test', bare.id), 422, 'unprocessable', 'phones');
    expectProblem(await send({ text: 'Hi', phone: '+91 98111 00000' }), 422, 'unprocessable', 'phone');
    expect(await thread(t, bare.id)).toEqual([]);
  });

  it('needs WhatsApp to be connected', async () => {
    const lead = await t.as('admin@other.test', 'POST', '/api/v1/leads', {
      name: 'Jo Smith',
      phones: ['650 555 1234'],
    });
    expect(lead.statusCode, lead.body).toBe(201);
    expectProblem(await send({ text: 'Hi' }, 'admin@other.test', lead.json().id), 422, 'whatsapp_not_configured');
    const conversation = await t.as('admin@other.test', 'GET', `/api/v1/leads/${lead.json().id}/whatsapp`);
    expect(conversation.json()).toMatchObject({ data: [], connected: false, windowEndsAt: null });
  });

  it('follows the lead: others answer 404, a guest may read but not send', async () => {
    for (const who of ['sales2@demo.test', 'warrior3@demo.test', 'admin@other.test']) {
      expectProblem(await send({ text: 'Hi' }, who), 404, 'not_found');
      expectProblem(await t.as(who, 'GET', `/api/v1/leads/${leadId}/whatsapp`), 404, 'not_found');
    }
    expectProblem(await send({ text: 'Hi' }, 'guest@demo.test'), 403, 'forbidden');
    expect((await thread(t, leadId, 'guest@demo.test')).length).toBeGreaterThan(0);
    expect((await thread(t, leadId, 'manager1@demo.test')).length).toBeGreaterThan(0);
    expectProblem(
      await send({ text: 'Hi' }, 'admin@demo.test', '01900000-0000-7000-8000-000000000000'),
      404,
      'not_found',
    );
  });

  it('pages the thread newest first and shows every message on the timeline', async () => {
    const all = await thread(t, leadId);
    const first = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}/whatsapp?limit=2`)).json();
    expect(first.data.map((m: MessageDto) => m.id)).toEqual(all.slice(0, 2).map((m) => m.id));
    expect(first).toMatchObject({ connected: true, windowEndsAt: null });
    const next = (
      await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}/whatsapp?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(next.data.map((m: MessageDto) => m.id)).toEqual(all.slice(2, 4).map((m) => m.id));

    const timeline = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline?kinds=whatsapp`)).json();
    expect(timeline.data.map((e: { id: string }) => e.id)).toEqual(all.map((m) => m.id));
    const sent = timeline.data.find((e: { id: string }) => e.id === all.at(-1)?.id);
    expect(sent).toMatchObject({
      kind: 'whatsapp',
      actor: { id: sales1, name: 'Rohan Gupta' },
      whatsapp: { direction: 'outbound', type: 'text', status: 'sent', text: 'Hello Asha, thanks for your enquiry!' },
    });
  });
});

describe('field permissions', () => {
  it("leaves the number out for a role that may not see a lead's phones", async () => {
    const hide = await t.as('admin@demo.test', 'PUT', '/api/v1/field-permissions', {
      role: 'GUEST',
      field: 'phones',
      access: 'hidden',
    });
    expect(hide.statusCode, hide.body).toBe(200);
    const seen = await thread(t, leadId, 'guest@demo.test');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((m) => m.phone === null)).toBe(true);
    const timeline = (await t.as('guest@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline?kinds=whatsapp`)).json();
    expect(timeline.data.every((e: { whatsapp: { phone: unknown } }) => e.whatsapp.phone === null)).toBe(true);
    expect(JSON.stringify(timeline)).not.toContain('+919000011111');
    expect((await thread(t, leadId, 'sales1@demo.test'))[0]?.phone).toMatch(/^\+91/);
  });
});

describe('demo data', () => {
  it('gives the demo team WhatsApp threads in both directions, at every status', async () => {
    const rows = await tenantRows(t, await companyIdOf(t), 'whatsapp_messages');
    const demo = rows.filter((r) => String(r.wamid).startsWith('wamid.demo.'));
    expect(new Set(demo.map((r) => r.status))).toEqual(new Set(['received', 'sent', 'delivered', 'read', 'failed']));
    const sales1Thread = demo.find((r) => r.sent_by === sales1);
    expect(sales1Thread).toBeDefined();
    const conversation = await thread(t, String(sales1Thread?.lead_id), 'sales1@demo.test');
    expect(conversation.map((m) => m.direction)).toContain('inbound');
  });
});
