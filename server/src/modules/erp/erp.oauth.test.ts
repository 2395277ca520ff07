import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeQuickbooks, startFakeQuickbooks } from '../../../test/fakes/erp-quickbooks.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

/**
 * OAuth connectors through the API against the QuickBooks Online fake: connecting (authorize URL, the signed
 * state, the code exchanged at the redirect, realmId kept), tokens sealed and refreshed, a revoked grant breaking
 * the connection and telling the admins, and webhooks verified by intuit-signature queueing a sync.
 */
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const VERIFIER = 'verifier-token-for-tests';

let t: TestApp;
let qbo: FakeQuickbooks;
let connectionId: string;
let companyId: string;

const connection = async () => (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
const customers = () => qbo.customers.ids().map((id) => qbo.customers.get(id) as Record<string, unknown>);

async function winLead(name: string) {
  const created = await t.as(SALES, 'POST', '/api/v1/leads', { name, companyName: `${name} LLC`, expectedValue: 900 });
  expect(created.statusCode, created.body).toBe(201);
  const won = await t.as(SALES, 'POST', `/api/v1/leads/${created.json().id}/stage`, { stage: 'won' });
  expect(won.statusCode, won.body).toBe(200);
  await t.runJobs();
  return created.json().id as string;
}

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000, erpMaxWaitSeconds: 1, publicUrl: 'https://crm.example.test' });
  qbo = await startFakeQuickbooks();
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});

afterAll(async () => {
  await qbo?.close();
  await t?.close();
});

describe('connecting QuickBooks', () => {
  it('starts pending, sends the admin to the authorize URL, and connects on the redirect', async () => {
    const res = await t.as(ADMIN, 'POST', '/api/v1/erp/connections', {
      connector: 'quickbooks',
      name: 'QuickBooks',
      settings: { baseUrl: qbo.url, tokenUrl: qbo.tokenUrl, authorizeUrl: 'https://appcenter.example.test/connect' },
      secrets: { clientId: 'fake-client-id', clientSecret: qbo.clientSecret, webhookVerifier: VERIFIER },
    });
    expect(res.statusCode, res.body).toBe(201);
    connectionId = res.json().id;
    expect(res.json()).toMatchObject({ status: 'pending', oauthConnected: false });
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/sync`, {}),
      409,
      'erp_not_connected',
    );

    const start = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/oauth`);
    const url = new URL(start.json().authorizeUrl);
    expect(url.origin + url.pathname).toBe('https://appcenter.example.test/connect');
    expect(url.searchParams.get('client_id')).toBe('fake-client-id');
    expect(url.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
    expect(url.searchParams.get('redirect_uri')).toBe('https://crm.example.test/api/v1/erp/oauth/callback');
    const state = url.searchParams.get('state') as string;

    const forged = await t.as(
      null,
      'GET',
      `/api/v1/erp/oauth/callback?code=abc&state=${companyId}.${connectionId}.forged`,
    );
    expectProblem(forged, 400, 'validation_failed', 'state');

    const back = await t.as(
      null,
      'GET',
      `/api/v1/erp/oauth/callback?code=auth-code-1&realmId=${qbo.realmId}&state=${state}`,
    );
    expect(back.statusCode, back.body).toBe(302);
    expect(back.headers.location).toBe(`/settings/erp/${connectionId}?oauth=connected`);
    const after = await connection();
    expect(after).toMatchObject({ status: 'connected', oauthConnected: true });
    expect(after.settings.realmId).toBe(qbo.realmId);
    expect(JSON.stringify(after)).not.toContain('fake-qbo-access');
    // The state is used once.
    const again = await t.as(null, 'GET', `/api/v1/erp/oauth/callback?code=auth-code-2&state=${state}`);
    expectProblem(again, 400, 'validation_failed', 'state');
    const check = await t.as(ADMIN, 'POST', `/api/v1/erp/connections/${connectionId}/check`);
    expect(check.json()).toMatchObject({ ok: true });
  });

  it('creates the customer of a won lead, refreshing an expired access token on the way', async () => {
    qbo.expireAccessToken();
    const leadId = await winLead('Harbor Supply');
    const made = customers().filter((c) => c.DisplayName === 'Harbor Supply');
    expect(made).toHaveLength(1);
    const erp = (await t.as(SALES, 'GET', `/api/v1/leads/${leadId}/erp`)).json();
    expect(erp.customers[0]).toMatchObject({ externalId: made[0]?.Id });
    expect((await connection()).status).toBe('connected');
  });
});

describe('QuickBooks webhooks', () => {
  const body = JSON.stringify({
    eventNotifications: [
      {
        realmId: '9341455130166501',
        dataChangeEvent: {
          entities: [{ name: 'Customer', id: '1', operation: 'Update', lastUpdated: '2026-12-07T10:00:00.000Z' }],
        },
      },
    ],
  });
  const post = (signature: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/erp/notify/${companyId}/${connectionId}`,
      headers: { 'content-type': 'application/json', 'intuit-signature': signature },
      payload: body,
    });

  it('refuses a notification whose signature does not match, and queues a sync for a signed one', async () => {
    expectProblem(await post('bm90IGEgc2lnbmF0dXJl'), 401, 'invalid_signature');
    const runsBefore = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/runs`)).json().data.length;
    const signed = createHmac('sha256', VERIFIER).update(body).digest('base64');
    const res = await post(signed);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: 1 });
    const runsAfter = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/runs`)).json().data.length;
    expect(runsAfter).toBe(runsBefore + 1);
    await t.runJobs();
    const [latest] = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/runs`)).json().data;
    expect(latest).toMatchObject({ kind: 'sync', trigger: 'notification', status: 'succeeded' });
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/api/v1/erp/notify/${companyId}/01a25000-0000-7000-8000-000000000000`,
      headers: { 'content-type': 'application/json', 'intuit-signature': signed },
      payload: body,
    });
    expectProblem(unknown, 401, 'invalid_signature');
  });
});

describe('a revoked grant', () => {
  it('breaks the connection when the grant is revoked, and tells every admin', async () => {
    qbo.revokeGrant();
    const leadId = await winLead('Revoked Co');
    const conn = await connection();
    expect(conn.status).toBe('broken');
    expect(conn.statusReason).toContain('invalid_grant');
    const errors = (await t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}/errors`)).json().data;
    expect(errors.find((e: { leadId: string }) => e.leadId === leadId)).toMatchObject({ kind: 'auth_revoked' });
    const inbox = (await t.as(ADMIN, 'GET', '/api/v1/notifications')).json().data;
    expect(inbox.map((n: { kind: string }) => n.kind)).toContain('erp_connection_broken');
    expectProblem(
      await t.as(SALES, 'POST', `/api/v1/leads/${leadId}/erp/push`, { connectionId }),
      409,
      'erp_not_connected',
    );
  });
});
