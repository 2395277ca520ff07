import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

/**
 * The integrations home through the API: every connection of the company in one list, without credentials;
 * pause and resume where a kind has it, audited; who may read and manage; and nothing of another company.
 */
let t: TestApp;
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const INTEGRATION = 'integration@demo.test';
const OTHER = 'admin@other.test';
const URL = '/api/v1/integrations';

type Connection = {
  kind: string;
  id: string;
  name: string;
  status: string;
  lastSuccessAt: string | null;
  lastError: { message: string; at: string | null } | null;
  today: Record<string, number>;
  pausable: boolean;
};

let endpoint: { id: string; secret: string };
let page: { id: string };
let form: { id: string };

async function created(who: string, method: string, url: string, body: unknown) {
  const response = await t.as(who, method, url, body);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

async function list(who = ADMIN): Promise<Connection[]> {
  const response = await t.as(who, 'GET', URL);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

beforeAll(async () => {
  t = await createTestApp({ webhooksAllowPrivate: true });
  endpoint = await created(ADMIN, 'POST', '/api/v1/webhooks/endpoints', {
    url: 'https://example.com/integrations-hook',
    description: 'CRM mirror',
    eventTypes: ['lead.created'],
  });
  page = await created(ADMIN, 'POST', '/api/v1/facebook/pages', {
    pageId: '138124712925158',
    pageName: 'Integrations page',
    accessToken: 'EAAJintegrationsToken',
    appSecret: 'integrations-app-secret',
  });
  form = await created(ADMIN, 'POST', '/api/v1/forms', {
    name: 'Integrations form',
    fields: [{ name: 'full_name', label: 'Name', type: 'text', required: true, mapsTo: 'name' }],
  });
  await created(ADMIN, 'PUT', '/api/v1/email/settings', {
    host: '127.0.0.1',
    port: 2525,
    security: 'none',
    fromName: 'Demo Co',
    fromAddress: 'sales@demo-co.example',
    password: 'smtp-password-never-shown',
  });
  const submitted = await t.app.inject({
    method: 'POST',
    url: `/api/v1/forms/${form.id}/submit`,
    payload: { full_name: 'Integrations Visitor' },
  });
  expect(submitted.statusCode, submitted.body).toBe(200);
});
afterAll(() => t?.close());

describe('the integrations home', () => {
  it('lists web forms, email, WhatsApp, webhook endpoints and Facebook pages, without credentials', async () => {
    const response = await t.as(ADMIN, 'GET', URL);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.timezone).toBeTruthy();
    const data = body.data as Connection[];
    const find = (kind: string, id?: string) => data.find((c) => c.kind === kind && (!id || c.id === id));
    expect(find('webhook', endpoint.id)).toMatchObject({
      name: 'CRM mirror',
      status: 'connected',
      pausable: true,
      today: { delivered: 0, failed: 0 },
    });
    expect(find('facebook_page', page.id)).toMatchObject({
      status: 'connected',
      pausable: false,
      today: { leadsReceived: 0, leadsCreated: 0 },
    });
    expect(find('facebook_page', page.id)?.name).toContain('Integrations page');
    const webForm = find('web_form', form.id);
    expect(webForm).toMatchObject({ name: 'Integrations form', status: 'connected', pausable: true });
    expect(webForm?.today.leadsCreated).toBeGreaterThanOrEqual(1);
    expect(webForm?.lastSuccessAt).not.toBeNull();
    expect(find('email')).toMatchObject({ status: 'connected', pausable: false, today: { emailsSent: 0 } });
    expect(find('email')?.name).toContain('127.0.0.1');
    expect(find('whatsapp')).toMatchObject({ status: 'not_configured', pausable: false });
    for (const secret of [endpoint.secret, 'EAAJintegrationsToken', 'integrations-app-secret', 'smtp-password']) {
      expect(response.body).not.toContain(secret);
    }
  });

  it('marks broken connections with their last error, and keeps an older email failure as history', async () => {
    const at = '2026-12-01T10:00:00.000Z';
    await sql`UPDATE facebook_pages SET status = 'broken', last_error = 'Error validating access token', last_error_at = ${at}
      WHERE id = ${page.id}`.execute(t.dbs.owner);
    await sql`UPDATE webhook_endpoints SET failing_since = ${at}, last_failure_at = ${at} WHERE id = ${endpoint.id}`.execute(
      t.dbs.owner,
    );
    try {
      const data = await list();
      expect(data.find((c) => c.id === page.id)).toMatchObject({
        status: 'broken',
        lastError: { message: 'Error validating access token', at },
      });
      expect(data.find((c) => c.id === endpoint.id)).toMatchObject({ status: 'broken', lastError: { at } });
      // The demo's failed email predates the SMTP settings saved above: shown, but the server is not broken.
      expect(data.find((c) => c.kind === 'email')).toMatchObject({
        status: 'connected',
        lastError: { message: expect.stringContaining('Could not reach the server') },
      });
    } finally {
      await sql`UPDATE facebook_pages SET status = 'connected' WHERE id = ${page.id}`.execute(t.dbs.owner);
      await sql`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ${endpoint.id}`.execute(t.dbs.owner);
    }
  });

  it('pauses and resumes a webhook endpoint, audited', async () => {
    const paused = await t.as(ADMIN, 'POST', `${URL}/webhook/${endpoint.id}/pause`);
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ kind: 'webhook', id: endpoint.id, status: 'paused' });
    expect((await list()).find((c) => c.id === endpoint.id)?.status).toBe('paused');
    const endpointNow = await t.as(ADMIN, 'GET', `/api/v1/webhooks/endpoints/${endpoint.id}`);
    expect(endpointNow.json()).toMatchObject({ enabled: false });

    const resumed = await t.as(ADMIN, 'POST', `${URL}/webhook/${endpoint.id}/resume`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'connected' });

    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=webhook_endpoint&entityId=${endpoint.id}`);
    expect(audit.statusCode, audit.body).toBe(200);
    const changes = (audit.json().data as { action: string; changes: Record<string, { to: unknown }> | null }[])
      .filter((e) => e.action === 'webhook_endpoint.updated')
      .map((e) => e.changes?.enabled?.to);
    expect(changes.sort()).toEqual([false, true]);
    expect(audit.body).not.toContain(endpoint.secret);
  });

  it('pauses and resumes a web form: its submit URL answers 404 while paused', async () => {
    const paused = await t.as(ADMIN, 'POST', `${URL}/web_form/${form.id}/pause`);
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ status: 'paused' });
    const submit = () =>
      t.app.inject({ method: 'POST', url: `/api/v1/forms/${form.id}/submit`, payload: { full_name: 'While paused' } });
    expect((await submit()).statusCode).toBe(404);
    const resumed = await t.as(ADMIN, 'POST', `${URL}/web_form/${form.id}/resume`);
    expect(resumed.json()).toMatchObject({ status: 'connected' });
    expect((await submit()).statusCode).toBe(200);
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=web_form&entityId=${form.id}`);
    expect(audit.json().data.filter((e: { action: string }) => e.action === 'form.updated')).toHaveLength(2);
  });

  it('refuses a kind that cannot pause, or an unknown one, naming kind, with nothing changed', async () => {
    for (const kind of ['facebook_page', 'email', 'whatsapp', 'printer']) {
      expectProblem(await t.as(ADMIN, 'POST', `${URL}/${kind}/${page.id}/pause`), 400, 'validation_failed', 'kind');
    }
    expectProblem(await t.as(ADMIN, 'POST', `${URL}/webhook/not-an-id/pause`), 400, 'validation_failed', 'id');
    expect((await list()).find((c) => c.id === page.id)?.status).toBe('connected');
  });

  it('lets an integration user read but not pause; a salesperson neither', async () => {
    expect((await list(INTEGRATION)).some((c) => c.id === endpoint.id)).toBe(true);
    expectProblem(await t.as(INTEGRATION, 'POST', `${URL}/webhook/${endpoint.id}/pause`), 403, 'forbidden');
    expectProblem(await t.as(SALES, 'GET', URL), 403, 'forbidden');
    expectProblem(await t.as(SALES, 'POST', `${URL}/webhook/${endpoint.id}/pause`), 403, 'forbidden');
    expect((await list()).find((c) => c.id === endpoint.id)?.status).toBe('connected');
  });

  it('shows another company none of Demo Co’s connections, and 404 when it tries to pause one', async () => {
    const theirs = await list(OTHER);
    const ours = new Set([endpoint.id, page.id, form.id]);
    expect(theirs.filter((c) => ours.has(c.id))).toEqual([]);
    expect(theirs.find((c) => c.kind === 'email')?.status).toBe('not_configured');
    expectProblem(await t.as(OTHER, 'POST', `${URL}/webhook/${endpoint.id}/pause`), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'POST', `${URL}/web_form/${form.id}/pause`), 404, 'not_found');
    expect((await list()).find((c) => c.id === endpoint.id)?.status).toBe('connected');
    expect((await list()).find((c) => c.id === form.id)?.status).toBe('connected');
  });
});
