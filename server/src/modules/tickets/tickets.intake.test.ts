import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
let key: string;
let otherKey: string;

const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';

function submit(formKey: string, payload: string | Record<string, unknown>, ip = '203.0.113.7') {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/support-forms/${formKey}/submit`,
    payload,
    remoteAddress: ip,
    ...(typeof payload === 'string' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
  });
}

async function tickets(who: string, q: string) {
  const response = await t.as(who, 'GET', `/api/v1/tickets?q=${encodeURIComponent(q)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as Record<string, unknown>[];
}

const request = {
  name: 'Arjun Mehta',
  email: 'Arjun@Mehta.example',
  subject: 'Report export times out',
  message: 'The monthly export never finishes.',
};

beforeAll(async () => {
  t = await createTestApp();
  const on = await t.as(ADMIN, 'PUT', '/api/v1/tickets/support-form', { enabled: true });
  expect(on.statusCode, on.body).toBe(200);
  key = on.json().key;
  const other = await t.as(OTHER, 'PUT', '/api/v1/tickets/support-form', { enabled: true, thankYou: 'Merci!' });
  expect(other.statusCode, other.body).toBe(200);
  otherKey = other.json().key;
});
afterAll(() => t.close());

describe('public support form', () => {
  it('is turned on by whoever manages forms and gives a snippet and a hosted page', async () => {
    const denied = await t.as('sales1@demo.test', 'PUT', '/api/v1/tickets/support-form', { enabled: true });
    expect(denied.statusCode).toBe(403);
    const form = (await t.as(ADMIN, 'GET', '/api/v1/tickets/support-form')).json();
    expect(form).toMatchObject({ enabled: true, key });
    expect(form.pageUrl).toMatch(new RegExp(`/support/${key}$`));
    expect(form.submitUrl).toMatch(new RegExp(`/api/v1/support-forms/${key}/submit$`));
    expect(form.embedHtml).toContain(`action="${form.submitUrl}"`);
    expect(form.embedHtml).toContain('name="website"');
    for (const field of ['name', 'email', 'subject', 'message', 'reference']) {
      expect(form.embedHtml).toContain(`name="${field}"`);
    }
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/support-forms/${key}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ companyName: expect.any(String), submitUrl: form.submitUrl });
  });

  it('opens a ticket: priority normal, requester the submitter, no lead when none has that email; audited', async () => {
    const response = await submit(key, request);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const { reference, message } = response.json();
    expect(reference).toMatch(/^T-\d+$/);
    expect(message).toMatch(/Thank you/);
    const [ticket] = await tickets(ADMIN, reference);
    expect(ticket).toMatchObject({
      reference,
      subject: 'Report export times out',
      description: 'The monthly export never finishes.',
      requesterName: 'Arjun Mehta',
      requesterEmail: 'arjun@mehta.example',
      leadId: null,
      priority: 'normal',
      status: 'new',
      channel: 'support_form',
    });
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=ticket&entityId=${ticket?.id}`);
    expect(audit.statusCode, audit.body).toBe(200);
    expect((audit.json().data as { action: string }[]).map((a) => a.action)).toContain('ticket.created');
  });

  it('attaches the ticket to the existing lead with the submitter’s email (form-encoded too)', async () => {
    const leads = (await t.as(ADMIN, 'GET', '/api/v1/leads?limit=100')).json().data as {
      id: string;
      emails: string[];
    }[];
    const lead = leads.find((l) => l.emails.length > 0);
    if (!lead) throw new Error('the demo seed has a lead with an email');
    const body = new URLSearchParams({
      name: 'Existing Customer',
      email: String(lead.emails[0]).toUpperCase(),
      subject: 'Need a second licence',
      message: 'For our new office',
    }).toString();
    const response = await submit(key, body);
    expect(response.statusCode, response.body).toBe(202);
    const [ticket] = await tickets(ADMIN, response.json().reference);
    expect(ticket).toMatchObject({ leadId: lead.id, requesterEmail: lead.emails[0] });
  });

  it('with the reference of one of the submitter’s tickets, the message joins that ticket', async () => {
    const first = (await submit(key, { ...request, subject: 'Printer queue stuck' })).json().reference;
    const again = await submit(key, { ...request, subject: 'Still stuck', message: 'Any news?', reference: first });
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json().reference).toBe(first);
    const [ticket] = await tickets(ADMIN, first);
    const thread = (await t.as(ADMIN, 'GET', `/api/v1/tickets/${ticket?.id}/messages`)).json().data;
    expect(thread).toEqual([
      expect.objectContaining({ author: null, from: { name: 'Arjun Mehta', email: 'arjun@mehta.example' } }),
    ]);
    const stranger = await submit(key, { ...request, email: 'someone@else.example', reference: first });
    expectProblem(stranger, 400, 'validation_failed', 'reference');
  });

  it('a filled honeypot gets an accepted-looking answer and nothing is created', async () => {
    const response = await submit(key, { ...request, subject: 'Buy cheap watches', website: 'http://spam.example' });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json().message).toMatch(/Thank you/);
    expect(await tickets(ADMIN, 'Buy cheap watches')).toHaveLength(0);
  });

  it('refuses bad input with a problem naming the field', async () => {
    const bad = await submit(key, { ...request, email: 'not-an-email' });
    expectProblem(bad, 400, 'validation_failed', 'email');
    const missing = await submit(key, { ...request, message: '  ' });
    expectProblem(missing, 400, 'validation_failed', 'message');
    const reference = await submit(key, { ...request, reference: 'yesterday' });
    expectProblem(reference, 400, 'validation_failed', 'reference');
  });

  it('limits submissions per address and form: the 11th in a minute is 429', async () => {
    const ip = '198.51.100.23';
    for (let i = 0; i < 10; i++) {
      const response = await submit(key, { ...request, email: 'bad' }, ip);
      expect(response.statusCode).toBe(400);
    }
    const refused = await submit(key, request, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // Another company's form is counted apart.
    expect(
      (await submit(otherKey, { ...request, email: 'client@other.example', subject: 'Other form' }, ip)).statusCode,
    ).toBe(202);
  });

  it('a company’s key opens tickets in that company only; a form turned off answers 404', async () => {
    const response = await submit(otherKey, {
      ...request,
      email: 'client@other.example',
      subject: 'Question for the other company',
    });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json().message).toBe('Merci!');
    expect(await tickets(OTHER, 'Question for the other company')).toHaveLength(1);
    expect(await tickets(ADMIN, 'Question for the other company')).toHaveLength(0);
    expect(await tickets(OTHER, 'Report export times out')).toHaveLength(0);

    // A reference of company A's ticket (B has tickets of that number, not of this requester) joins nothing in B.
    const [mine] = await tickets(ADMIN, 'Report export times out');
    const cross = await submit(otherKey, { ...request, reference: String(mine?.reference) });
    expectProblem(cross, 400, 'validation_failed', 'reference');

    const off = await t.as(OTHER, 'PUT', '/api/v1/tickets/support-form', { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, key: otherKey });
    expect((await submit(otherKey, request)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/support-forms/${otherKey}` })).statusCode).toBe(404);
    const unknown = await submit('00000000-0000-4000-8000-000000000000', request);
    expect(unknown.statusCode).toBe(404);
  });
});
