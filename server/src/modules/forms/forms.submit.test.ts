import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
let formId: string;
let sales2: string;

const expoForm = {
  name: 'Diwali Expo stall',
  fields: [
    { name: 'full_name', label: 'Your name', type: 'text', mapsTo: 'name' },
    { name: 'work_email', label: 'Work email', type: 'email', required: true, mapsTo: 'email' },
    { name: 'mobile', label: 'Mobile', type: 'phone', mapsTo: 'phone' },
    { name: 'interest', label: 'Interested in', type: 'select', options: ['CRM', 'ERP'], mapsTo: 'product' },
    { name: 'budget', label: 'Budget', type: 'number', mapsTo: 'customFields.budget' },
    { name: 'message', label: 'Message', type: 'textarea', mapsTo: 'notes' },
  ],
  campaign: 'Diwali Expo',
  thankYou: 'Thanks! See you at the stall.',
};

beforeAll(async () => {
  t = await createTestApp();
  sales2 = await userId(t, 'sales2@demo.test');
  const field = await t.as('admin@demo.test', 'POST', '/api/v1/custom-fields', {
    label: 'Budget',
    key: 'budget',
    type: 'number',
  });
  expect(field.statusCode, field.body).toBe(201);
  const rule = await t.as('admin@demo.test', 'POST', '/api/v1/assignment-rules', {
    name: 'Expo leads',
    conditions: [{ field: 'campaign', op: 'equals', value: 'Diwali Expo' }],
    strategy: 'user',
    userIds: [sales2],
  });
  expect(rule.statusCode, rule.body).toBe(201);
  const form = await t.as('admin@demo.test', 'POST', '/api/v1/forms', expoForm);
  expect(form.statusCode, form.body).toBe(201);
  formId = form.json().id;
});
afterAll(() => t.close());

function submit(id: string, payload: string | Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: `/api/v1/forms/${id}/submit`, payload, headers });
}

async function leadNamed(name: string) {
  const found = (await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${encodeURIComponent(name)}`)).json().data;
  return found as Record<string, unknown>[];
}

describe('public form submission', () => {
  it('creates the lead as the form, routed by the assignment rules', async () => {
    const response = await submit(
      formId,
      {
        full_name: 'Farah Siddiqui',
        work_email: ' Farah@Siddiqui.IN ',
        mobile: '98330 12345',
        interest: 'ERP',
        budget: 250000,
        message: 'Call after 5',
        utm_source: 'flyer',
      },
      { origin: 'https://shop.example.org' },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ message: 'Thanks! See you at the stall.' });
    expect(response.headers['access-control-allow-origin']).toBe('*');

    const [lead] = await leadNamed('Farah Siddiqui');
    expect(lead).toMatchObject({
      name: 'Farah Siddiqui',
      emails: ['farah@siddiqui.in'],
      phones: ['+919833012345'],
      product: 'ERP',
      notes: 'Call after 5',
      customFields: { budget: 250000 },
      source: 'web_form',
      campaign: 'Diwali Expo',
      createdVia: 'web_form',
      createdBy: await userId(t, 'admin@demo.test'),
      ownerId: sales2,
    });
    const why = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead?.id}/assignment`)).json();
    expect(why.current).toMatchObject({ channel: 'web_form', reason: 'rule', ruleName: 'Expo leads', ownerId: sales2 });
  });

  it('takes a form-encoded body, as a page without JavaScript posts it', async () => {
    const response = await submit(formId, 'full_name=Gopal+Rao&work_email=gopal%40rao.in&budget=1200&website=', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.statusCode, response.body).toBe(200);
    const [lead] = await leadNamed('Gopal Rao');
    expect(lead).toMatchObject({ emails: ['gopal@rao.in'], customFields: { budget: 1200 }, ownerId: sales2 });
  });

  it('refuses bad values with a 400 naming the form field, and creates nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ full_name: 'Rejectme One' }, 'work_email'],
      [{ full_name: 'Rejectme Two', work_email: 'not-mail' }, 'work_email'],
      [{ full_name: 'Rejectme Three', work_email: 'b3@x.in', interest: 'Payroll' }, 'interest'],
      [{ full_name: 'Rejectme Four', work_email: 'b4@x.in', budget: 'lots' }, 'budget'],
      [{ full_name: 'Rejectme Five', work_email: 'b5@x.in', mobile: '12' }, 'mobile'],
      [{ full_name: 'x'.repeat(201), work_email: 'b6@x.in' }, 'full_name'],
      [{ full_name: '   ', work_email: 'b7@x.in' }, 'full_name'],
    ];
    for (const [payload, path] of cases) {
      const problem = expectProblem(await submit(formId, payload), 400, 'validation_failed', path);
      const label = expoForm.fields.find((f) => f.name === path)?.label;
      expect(problem.detail).toContain(`${label}:`);
    }
    expect(await leadNamed('Rejectme ')).toHaveLength(0);
  });

  it('answers a filled honeypot with the thank-you and creates nothing', async () => {
    const response = await submit(formId, { full_name: 'Spam Bot', work_email: 'bot@spam.io', website: 'http://x' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: 'Thanks! See you at the stall.' });
    expect(await leadNamed('Spam Bot')).toHaveLength(0);
  });

  it('answers 404 for an unknown or inactive form', async () => {
    const unknown = await submit('01900000-0000-7000-8000-000000000000', { full_name: 'Nobody' });
    expectProblem(unknown, 404, 'not_found');
    expect(unknown.headers['access-control-allow-origin']).toBe('*');
    const form = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', { ...expoForm, name: 'Closing soon' })).json();
    expect((await t.as('admin@demo.test', 'DELETE', `/api/v1/forms/${form.id}`)).statusCode).toBe(204);
    expectProblem(await submit(form.id, { full_name: 'Too Late', work_email: 'late@x.in' }), 404, 'not_found');
    expect(await leadNamed('Too Late')).toHaveLength(0);
  });

  it('limits each address to 10 submissions a minute per form', async () => {
    const form = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', { ...expoForm, name: 'Busy form' })).json();
    const other = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', { ...expoForm, name: 'Quiet form' })).json();
    const trap = { full_name: 'Flood', work_email: 'f@x.in', website: 'filled' };
    for (let i = 0; i < 10; i++) expect((await submit(form.id, trap)).statusCode).toBe(200);
    const limited = await submit(form.id, trap);
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another form from the same address is counted on its own.
    expect((await submit(other.id, trap)).statusCode).toBe(200);
    t.clock.advance(61_000);
    expect((await submit(form.id, trap)).statusCode).toBe(200);
  });

  it('answers the CORS preflight of a page on another site', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: `/api/v1/forms/${formId}/submit`,
      headers: {
        origin: 'https://shop.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('accepts form-encoded bodies only on the submit route', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: {
        authorization: `Bearer ${await t.token('admin@demo.test')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'name=Sneaky',
    });
    expectProblem(response, 415, 'unsupported_media_type');
  });
});
