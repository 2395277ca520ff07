import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConnectorContext } from '../../../../test/erp-context.ts';
import { startZohoFake, type ZohoFake, zohoFixture } from '../../../../test/fakes/erp-zoho.ts';
import { ErpError, type ExternalCustomer } from '../connector.ts';
import { zohoCrmConnector as crm } from './zoho-crm.ts';

let fake: ZohoFake;
beforeEach(async () => {
  fake = await startZohoFake();
});
afterEach(() => fake.close());

function context(secrets: Record<string, string> = {}, options: { maxWaitSeconds?: number; timeoutMs?: number } = {}) {
  return testConnectorContext(
    crm,
    { accountsUrl: fake.url, apiDomain: fake.url },
    { clientId: fake.clientId, clientSecret: fake.clientSecret, refreshToken: fake.refreshToken, ...secrets },
    options,
  );
}

async function failure(promise: Promise<unknown>): Promise<ErpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErpError);
  return error as ErpError;
}

async function readAll(ctx: ReturnType<typeof context>, checkpoint: string | null) {
  const records: ExternalCustomer[] = [];
  let pages = 0;
  for (;;) {
    const page = await crm.readCustomers(ctx, checkpoint);
    records.push(...page.records);
    checkpoint = page.checkpoint;
    pages++;
    if (!page.more) return { records, checkpoint, pages };
    if (pages > 100) throw new Error('paging does not end');
  }
}

const lead = {
  Last_Name: 'Asha Verma',
  Company: 'Verma Traders',
  Email: 'asha@verma.test',
  Phone: '+91 98200 11111',
  Description: 'Test drive booked',
};

describe('Zoho CRM connection', () => {
  it('checks the organization with a refreshed token', async () => {
    const ctx = context();
    await expect(crm.check(ctx)).resolves.toBe('Zoho CRM: Zylker Motors (org 4150868000000225013)');
    expect(ctx.saved[0]?.accessToken).toMatch(/^1000\.fakeaccess/);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/crm/v7/org', scheme: 'Bearer' });
  });

  it('builds the Zoho OAuth URLs from the accounts server, asking for offline access', () => {
    const settings = { accountsUrl: 'https://accounts.zoho.in/' };
    expect(crm.oauth?.authorizeUrl(settings)).toBe('https://accounts.zoho.in/oauth/v2/auth');
    expect(crm.oauth?.tokenUrl({})).toBe('https://accounts.zoho.com/oauth/v2/token');
    expect(crm.oauth?.authorizeParams).toEqual({ access_type: 'offline', prompt: 'consent' });
    expect(crm.oauth?.keepFromToken).toEqual(['api_domain']);
  });

  it('reports a token Zoho refuses, with no way to refresh it, as auth with Zoho’s INVALID_TOKEN', async () => {
    const ctx = testConnectorContext(crm, { apiDomain: fake.url }, { accessToken: 'not-a-token' });
    const error = await failure(crm.check(ctx));
    expect(error).toMatchObject({
      kind: 'auth',
      vendorCode: 'INVALID_TOKEN',
      message: 'invalid oauth token',
      status: 401,
    });
  });
});

describe('writing Leads', () => {
  it('upserts a Lead on the iPerform_Lead_Id external id', async () => {
    const ctx = context();
    const created = await crm.createCustomer(ctx, lead, '0193a1b2-0000-7000-8000-000000000001');
    const stored = fake.leads.map.get(created.externalId);
    expect(stored?.fields).toEqual({ ...lead, iPerform_Lead_Id: '0193a1b2-0000-7000-8000-000000000001' });
    expect(created.fields).toEqual(lead);
    expect(created.version).toMatch(/\+05:30$/);
    expect(created.updatedAt).toBe(new Date(stored?.modified ?? 0).toISOString().replace('.000Z', 'Z'));
    const upsert = fake.requests.find((r) => r.path === '/crm/v7/Leads/upsert');
    expect(JSON.parse(upsert?.body ?? '{}')).toMatchObject({ duplicate_check_fields: ['iPerform_Lead_Id'] });
  });

  it('creates one Lead when the same key is sent twice', async () => {
    const ctx = context();
    const key = '0193a1b2-0000-7000-8000-000000000002';
    const first = await crm.createCustomer(ctx, lead, key);
    const second = await crm.createCustomer(ctx, { ...lead, Phone: '+91 98200 99999' }, key);
    expect(second.externalId).toBe(first.externalId);
    expect(fake.leads.size).toBe(1);
    expect(fake.leads.map.get(first.externalId)?.fields.Phone).toBe('+91 98200 99999');
  });

  it('maps DUPLICATE_DATA to duplicate, keeping Zoho’s code and message', async () => {
    const ctx = context();
    fake.addLead({ Last_Name: 'Someone Else', Email: 'asha@verma.test' });
    const error = await failure(crm.createCustomer(ctx, lead, 'k-dup'));
    expect(error).toMatchObject({ kind: 'duplicate', vendorCode: 'DUPLICATE_DATA', message: 'duplicate data (Email)' });
  });

  it('maps MANDATORY_NOT_FOUND and INVALID_DATA to validation', async () => {
    const ctx = context();
    const missing = await failure(crm.createCustomer(ctx, { Company: 'No Name Ltd' }, 'k-missing'));
    expect(missing).toMatchObject({
      kind: 'validation',
      vendorCode: 'MANDATORY_NOT_FOUND',
      message: 'required field not found (Last_Name)',
    });
    const invalid = await failure(crm.createCustomer(ctx, { Last_Name: 'X', Email: 'not-an-email' }, 'k-invalid'));
    expect(invalid).toMatchObject({ kind: 'validation', vendorCode: 'INVALID_DATA', message: 'invalid data (Email)' });
    expect(fake.leads.size).toBe(0);
  });

  it('updates with the current Modified_Time and refuses a stale one', async () => {
    const ctx = context();
    const created = await crm.createCustomer(ctx, lead, 'k-update');
    const updated = await crm.updateCustomer(ctx, created.externalId, created.version, { Phone: '+91 98200 22222' });
    expect(fake.leads.map.get(created.externalId)?.fields).toMatchObject({
      Phone: '+91 98200 22222',
      Email: 'asha@verma.test',
    });
    expect(updated.version).not.toBe(created.version);
    expect(updated.fields).toMatchObject({ Phone: '+91 98200 22222', Company: 'Verma Traders' });

    // A salesperson edits the Lead in Zoho CRM; our older version is refused and their change stays.
    fake.editLead(created.externalId, { Description: 'Called back' });
    const error = await failure(crm.updateCustomer(ctx, created.externalId, updated.version, { Phone: '0' }));
    expect(error.kind).toBe('stale');
    expect(fake.leads.map.get(created.externalId)?.fields.Phone).toBe('+91 98200 22222');
  });

  it('answers null for a Lead id Zoho does not know (204)', async () => {
    await expect(crm.getCustomer(context(), '5725767000000000000')).resolves.toBeNull();
    const known = fake.addLead({ Last_Name: 'Known', Email: 'k@x.test' });
    await expect(crm.getCustomer(context(), known.id)).resolves.toMatchObject({
      externalId: known.id,
      fields: { Last_Name: 'Known', Email: 'k@x.test' },
    });
  });
});

describe('reading Leads incrementally', () => {
  it('pages by Modified_Time with If-Modified-Since, then returns only what changed', async () => {
    const ctx = context();
    fake.seedBulk({ customers: 450, product: 'crm' });
    const first = await readAll(ctx, null);
    expect(new Set(first.records.map((r) => r.externalId)).size).toBe(450);
    expect(first.pages).toBeGreaterThanOrEqual(3);
    const lists = fake.requests.filter((r) => r.path === '/crm/v7/Leads');
    expect(lists[0]?.query).toMatchObject({ sort_by: 'Modified_Time', sort_order: 'asc', per_page: '200', page: '1' });
    expect(lists[0]?.query.fields).toContain('Last_Name');
    expect(lists[0]?.headers['if-modified-since']).toBeUndefined();
    expect(lists[1]?.headers['if-modified-since']).toMatch(/^2026-06-09T\d\d:\d\d:\d\d\+00:00$/);

    fake.clock += 3_600_000;
    const target = first.records[5];
    fake.editLead(target?.externalId ?? '', { Phone: '+91 11111 11111' });
    const added = fake.addLead({ Last_Name: 'Walk-in', Email: 'walkin@x.test' });
    const second = await readAll(ctx, first.checkpoint);
    expect(second.records.map((r) => r.externalId)).toEqual(expect.arrayContaining([target?.externalId, added.id]));
    expect(second.records.length).toBeLessThanOrEqual(2 + 20);
    expect(second.records.find((r) => r.externalId === target?.externalId)?.fields.Phone).toBe('+91 11111 11111');
  });

  it('switches to page_token past the 2,000th record of one query', async () => {
    const ctx = context();
    fake.clock += 1_000;
    const at = fake.clock;
    for (let i = 0; i < 2_300; i++) {
      const id = `99${String(i).padStart(17, '0')}`;
      fake.leads.put(id, { id, fields: { Last_Name: `Same ${i}` }, created: at, modified: at });
    }
    const { records, pages } = await readAll(ctx, JSON.stringify({ since: at, page: 1 }));
    expect(pages).toBe(12);
    expect(new Set(records.map((r) => r.externalId)).size).toBe(2_300);
    const lists = fake.requests.filter((r) => r.path === '/crm/v7/Leads');
    expect(lists[9]?.query.page).toBe('10');
    expect(lists[10]?.query.page).toBeUndefined();
    expect(lists[10]?.query.page_token).toBeTruthy();
  });

  it('treats 304 Not Modified as caught up', async () => {
    const ctx = context();
    fake.addLead({ Last_Name: 'Old' });
    const checkpoint = JSON.stringify({ since: fake.clock + 10_000, page: 1 });
    const page = await crm.readCustomers(ctx, checkpoint);
    expect(page).toEqual({ records: [], checkpoint, more: false });
    expect(fake.requests.at(-1)?.path).toBe('/crm/v7/Leads');
  });

  it('treats an empty module (204) as caught up', async () => {
    await expect(crm.readCustomers(context(), null)).resolves.toMatchObject({ records: [], more: false });
  });
});

describe('notifications', () => {
  const sample = zohoFixture('zoho_crm_notification_payload__zoho_docs_v7_notifications-enable.json');
  const update = zohoFixture('zoho_crm_notification_payload_update__amp-labs_connectors_subscriptionEvent_test.json');

  it('accepts a notification whose echoed token is the channel token, and nothing else', () => {
    const secrets = { notificationToken: 'TOKEN_FOR_VERIFICATION_OF_1000000068001' };
    expect(crm.verifyPush?.({}, Buffer.from(sample), secrets)).toBe(true);
    expect(crm.verifyPush?.({}, Buffer.from(sample), { notificationToken: 'another' })).toBe(false);
    expect(crm.verifyPush?.({}, Buffer.from(sample), {})).toBe(false);
    expect(crm.verifyPush?.({}, Buffer.from('not json'), secrets)).toBe(false);
    const built = fake.notification({ ids: ['1'], token: 'abc' });
    expect(crm.verifyPush?.({}, Buffer.from(JSON.stringify(built)), { notificationToken: 'abc' })).toBe(true);
  });

  it('turns Leads notifications into customer changes for the channel', () => {
    expect(crm.parsePush?.(JSON.parse(sample))).toEqual([
      { entity: 'customer', externalIds: ['5725767000003000064'], account: '1000000068001' },
    ]);
    expect(crm.parsePush?.(JSON.parse(update))).toEqual([
      { entity: 'customer', externalIds: ['6756839000000575405'], account: '1105420521999070702' },
    ]);
    expect(crm.parsePush?.({ ...JSON.parse(sample), module: 'Deals' })).toEqual([]);
  });
});

describe('faults', () => {
  it('waits out a TOO_MANY_REQUESTS 429, or gives up with throttled and Zoho’s text', async () => {
    const ctx = context({}, { maxWaitSeconds: 1 });
    await crm.check(ctx);
    fake.throttleNext(1, 1);
    await expect(crm.check(ctx)).resolves.toContain('Zylker Motors');
    fake.throttleNext(5, 1);
    const error = await failure(crm.readCustomers(ctx, null));
    expect(error.kind).toBe('throttled');
    expect(error.message).toContain('TOO_MANY_REQUESTS');
  });

  it('refreshes after INVALID_TOKEN once, and reports a revoked grant as auth_revoked', async () => {
    const ctx = context({ accessToken: fake.issueToken(), expiresAt: String(Date.now() + 3_600_000) });
    fake.expireSession();
    await expect(crm.check(ctx)).resolves.toContain('Zylker Motors');
    expect(fake.tokenRequests).toBe(1);
    fake.revokeGrant();
    const error = await failure(crm.check(ctx));
    expect(error).toMatchObject({ kind: 'auth_revoked', vendorCode: 'invalid_code' });
  });

  it('reports a 5xx and an unanswered call as unavailable', async () => {
    const ctx = context({}, { timeoutMs: 300 });
    await crm.check(ctx);
    fake.failNext(1, 500);
    const error = await failure(crm.readCustomers(ctx, null));
    expect(error).toMatchObject({
      kind: 'unavailable',
      vendorCode: 'INTERNAL_ERROR',
      message: 'Internal Server Error',
    });
    fake.hangNext(1, 1_000);
    const timeout = await failure(crm.check(ctx));
    expect(timeout.kind).toBe('unavailable');
  });
});
