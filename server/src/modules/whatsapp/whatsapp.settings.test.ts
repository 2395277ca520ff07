import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWhatsAppCloud, inboundText } from '../../../test/fakes/whatsapp-cloud.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  companyIdOf,
  PHONE_NUMBER_ID,
  postWebhook,
  tenantRows,
  VERIFY_TOKEN,
} from './whatsapp.fixtures.ts';

let t: TestApp;
let fake: FakeWhatsAppCloud;
let demoId: string;
const URL = '/api/v1/whatsapp/settings';

beforeAll(async () => {
  t = await createTestApp();
  fake = await new FakeWhatsAppCloud(PHONE_NUMBER_ID, ACCESS_TOKEN).start();
  demoId = await companyIdOf(t);
});
afterAll(async () => {
  await fake?.stop();
  await t?.close();
});

const valid = () => ({
  phoneNumberId: PHONE_NUMBER_ID,
  wabaId: '102290129340398',
  accessToken: ACCESS_TOKEN,
  appSecret: APP_SECRET,
  verifyToken: VERIFY_TOKEN,
  apiBaseUrl: fake.url,
  createLeadsFromUnknown: true,
});

const challenge = (token: string, mode = 'subscribe') =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/webhooks/whatsapp?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`,
  });

describe('WhatsApp settings', () => {
  it('says not connected until an admin saves them', async () => {
    const response = await t.as('admin@demo.test', 'GET', URL);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      connected: false,
      phoneNumberId: null,
      apiBaseUrl: 'https://graph.facebook.com/v21.0',
      accessTokenSet: false,
      appSecretSet: false,
      createLeadsFromUnknown: false,
      updatedAt: null,
    });
    expect(response.json().webhookUrl).toMatch(/\/api\/v1\/webhooks\/whatsapp$/);
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const { accessToken: _token, appSecret: _secret, ...withoutSecrets } = valid();
    const firstTime = expectProblem(
      await t.as('admin@demo.test', 'PUT', URL, withoutSecrets),
      400,
      'validation_failed',
    );
    expect(firstTime.errors?.map((e) => e.path).sort()).toEqual(['accessToken', 'appSecret']);
    expectProblem(
      await t.as('admin@demo.test', 'PUT', URL, { ...valid(), phoneNumberId: '+1 650 555' }),
      400,
      'validation_failed',
      'phoneNumberId',
    );
    for (const apiBaseUrl of ['http://graph.example.com/v21.0', 'not a url', 'https://user:pw@graph.facebook.com']) {
      expectProblem(
        await t.as('admin@demo.test', 'PUT', URL, { ...valid(), apiBaseUrl }),
        400,
        'validation_failed',
        'apiBaseUrl',
      );
    }
    expectProblem(
      await t.as('admin@demo.test', 'PUT', URL, { ...valid(), verifyToken: 'short' }),
      400,
      'validation_failed',
      'verifyToken',
    );
    expectProblem(
      await t.as('admin@demo.test', 'PUT', URL, { ...valid(), webhook: 'x' }),
      400,
      'validation_failed',
      'webhook',
    );
    expect((await t.as('admin@demo.test', 'GET', URL)).json().connected).toBe(false);
    expect(await tenantRows(t, demoId, 'whatsapp_settings')).toHaveLength(0);
  });

  it('is for admins only', async () => {
    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', URL), 403, 'forbidden');
      expectProblem(await t.as(who, 'PUT', URL, valid()), 403, 'forbidden');
    }
  });

  it('saves the connection with its secrets sealed: never shown, never stored in clear', async () => {
    const response = await t.as('admin@demo.test', 'PUT', URL, valid());
    expect(response.statusCode, response.body).toBe(200);
    const saved = response.json();
    expect(saved).toMatchObject({
      connected: true,
      phoneNumberId: PHONE_NUMBER_ID,
      wabaId: '102290129340398',
      apiBaseUrl: fake.url,
      verifyToken: VERIFY_TOKEN,
      accessTokenSet: true,
      appSecretSet: true,
      createLeadsFromUnknown: true,
    });
    expect(response.body).not.toContain(ACCESS_TOKEN);
    expect(response.body).not.toContain(APP_SECRET);

    const [row] = await tenantRows(t, demoId, 'whatsapp_settings');
    const stored = JSON.stringify(row);
    for (const secret of [ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN]) expect(stored).not.toContain(secret);
    expect(String(row?.access_token_sealed)).toMatch(/^v1\./);
    const directory = await t.dbs.app.selectFrom('whatsapp_directory').selectAll().execute();
    expect(directory).toEqual([
      {
        phone_number_id: PHONE_NUMBER_ID,
        company_id: demoId,
        verify_token_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(JSON.stringify(directory)).not.toContain(VERIFY_TOKEN);

    const audit = (await t.as('admin@demo.test', 'GET', '/api/v1/audit?entityType=whatsapp_settings')).json().data;
    expect(audit[0]).toMatchObject({ action: 'whatsapp.connected' });
    const logged = JSON.stringify(audit);
    for (const secret of [ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN]) expect(logged).not.toContain(secret);
  });

  it('keeps the stored secrets when a change leaves them out, and proves them against WhatsApp', async () => {
    const { accessToken: _token, appSecret: _secret, ...rest } = valid();
    const changed = await t.as('admin@demo.test', 'PUT', URL, { ...rest, createLeadsFromUnknown: false });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ accessTokenSet: true, createLeadsFromUnknown: false });

    const check = await t.as('admin@demo.test', 'POST', `${URL}/check`);
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toEqual({
      ok: true,
      displayPhoneNumber: '+91 98200 00000',
      verifiedName: 'Demo Co Sales',
      qualityRating: 'GREEN',
      error: null,
    });
    const call = fake.requests.at(-1);
    expect(call).toMatchObject({ method: 'GET', authorization: `Bearer ${ACCESS_TOKEN}` });
    expect(call?.path).toMatch(new RegExp(`^/${PHONE_NUMBER_ID}\\?fields=`));

    await t.as('admin@demo.test', 'PUT', URL, { ...rest, accessToken: 'EAAwrong-token-0000' });
    const bad = (await t.as('admin@demo.test', 'POST', `${URL}/check`)).json();
    expect(bad).toMatchObject({ ok: false, error: { httpStatus: 401, code: 190 } });
    await t.as('admin@demo.test', 'PUT', URL, valid());
  });

  it('refuses a number another company already connected', async () => {
    const other = await t.as('admin@other.test', 'PUT', URL, valid());
    expectProblem(other, 409, 'conflict', 'phoneNumberId');
    expect((await t.as('admin@other.test', 'GET', URL)).json().connected).toBe(false);
  });
});

describe('webhook subscription check', () => {
  it("answers the challenge as text when the verify token is a company's", async () => {
    const response = await challenge(VERIFY_TOKEN);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe('1158201444');
  });

  it('answers 403 to any other token or mode', async () => {
    expectProblem(await challenge('not-the-token'), 403, 'forbidden');
    expectProblem(await challenge(VERIFY_TOKEN, 'unsubscribe'), 403, 'forbidden');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/webhooks/whatsapp' }), 403, 'forbidden');
  });
});

describe('disconnecting', () => {
  it('forgets the connection: no challenge, no webhook, no sending; messages stay', async () => {
    const before = (await tenantRows(t, demoId, 'whatsapp_messages')).length;
    const response = await t.as('admin@demo.test', 'DELETE', URL);
    expect(response.statusCode, response.body).toBe(204);
    expect((await t.as('admin@demo.test', 'GET', URL)).json().connected).toBe(false);
    expectProblem(await challenge(VERIFY_TOKEN), 403, 'forbidden');
    expect(await t.dbs.app.selectFrom('whatsapp_directory').selectAll().execute()).toEqual([]);

    const inbound = inboundText(PHONE_NUMBER_ID, {
      id: 'wamid.after-disconnect',
      from: '919000000777',
      text: 'Hello?',
    });
    const webhook = await postWebhook(t, inbound);
    expect(webhook.statusCode, webhook.body).toBe(200);
    expect(webhook.json()).toEqual({ received: 0 });
    expect(await tenantRows(t, demoId, 'whatsapp_messages')).toHaveLength(before);
  });
});
