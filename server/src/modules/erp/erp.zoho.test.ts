import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoFake, type ZohoFake } from '../../../test/fakes/erp-zoho.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Zoho CRM run beside iPerform, through the API against the Zoho fake: connected by OAuth, its leads come in as
 * iPerform leads through the one write path (and are not doubled on the next read), and a lead won in iPerform is
 * upserted into Zoho CRM by its external id.
 */
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';

let t: TestApp;
let zoho: ZohoFake;
let connectionId: string;

async function sync() {
  const run = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {});
  expect(run.statusCode, run.body).toBe(202);
  await t.runJobs();
  await t.runJobs();
  const done = (await t.as(ADMIN, 'GET', `/api/v1/erp/runs/${run.json().id}`)).json();
  expect(done.status, JSON.stringify(done)).toBe('succeeded');
  return done;
}

const leadsNamed = async (q: string) =>
  (await t.as(ADMIN, 'GET', `/api/v1/leads?q=${encodeURIComponent(q)}`)).json().data as {
    id: string;
    name: string;
    source: string;
    emails: string[];
  }[];

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000, erpMaxWaitSeconds: 1 });
  zoho = await startZohoFake();
  const res = await t.as(ADMIN, 'POST', '/api/v1/erp/connections', {
    connector: 'zoho_crm',
    name: 'Zoho CRM',
    settings: { accountsUrl: zoho.url, apiDomain: zoho.url },
    secrets: { clientId: zoho.clientId, clientSecret: zoho.clientSecret },
  });
  expect(res.statusCode, res.body).toBe(201);
  connectionId = res.json().id;
  const start = (await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/oauth`)).json();
  const url = new URL(start.authorizeUrl);
  expect(url.pathname).toBe('/oauth/v2/auth');
  expect(url.searchParams.get('access_type')).toBe('offline');
  const back = await t.as(
    null,
    'GET',
    `/api/v1/erp/oauth/callback?code=1000.abc&state=${url.searchParams.get('state')}`,
  );
  expect(back.statusCode, back.body).toBe(302);
  const connection = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
  expect(connection).toMatchObject({ status: 'connected', oauthConnected: true });
  expect(connection.settings.api_domain).toBe(zoho.url);
});

afterAll(async () => {
  await zoho?.close();
  await t?.close();
});

describe('Zoho CRM beside iPerform', () => {
  it('brings Zoho leads in as leads, once', async () => {
    zoho.addLead({ Last_Name: 'Neha Kulkarni', Company: 'Kulkarni Exports', Email: 'neha@kulkarniexports.in' });
    zoho.addLead({ Last_Name: 'Arjun Pillai', Company: 'Pillai Spices', Email: 'arjun@pillaispices.in' });
    // No name: it cannot become a lead, so it waits for review.
    zoho.addLead({ Company: 'Nameless Traders', Email: 'hello@nameless.in' });
    const first = await sync();
    expect(first.counts.leadsCreated).toBe(2);
    expect(first.counts.customersForReview).toBe(1);
    expect(await leadsNamed('Arjun Pillai')).toHaveLength(1);
    const [lead] = await leadsNamed('Neha Kulkarni');
    expect(lead).toMatchObject({ source: 'erp', emails: ['neha@kulkarniexports.in'] });
    const erp = (await t.as(ADMIN, 'GET', `/api/v1/leads/${lead?.id}/erp`)).json();
    expect(erp.customers).toHaveLength(1);
    const again = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, { full: true });
    expect(again.statusCode).toBe(202);
    await t.runJobs();
    expect(await leadsNamed('Neha Kulkarni')).toHaveLength(1);
  });

  it('upserts a lead won in iPerform into Zoho CRM by its external id', async () => {
    const created = await t.as(SALES, 'POST', '/api/v1/leads', {
      name: 'Imran Qureshi',
      companyName: 'Qureshi Motors',
      emails: ['imran@qureshimotors.in'],
      expectedValue: 120000,
    });
    expect(created.statusCode, created.body).toBe(201);
    const won = await t.as(SALES, 'POST', `/api/v1/leads/${created.json().id}/stage`, { stage: 'won' });
    expect(won.statusCode, won.body).toBe(200);
    await t.runJobs();
    const inZoho = [...zoho.leads.map.values()].filter((l) => l.fields.Email === 'imran@qureshimotors.in');
    expect(inZoho).toHaveLength(1);
    expect(inZoho[0]?.fields).toMatchObject({ Last_Name: 'Imran Qureshi', Company: 'Qureshi Motors' });
    expect(inZoho[0]?.fields.iPerform_Lead_Id).toBeTruthy();
  });
});
