import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { leadWithEmail } from './email.fixtures.ts';

let t: TestApp;
const SALES1 = 'sales1@demo.test';
const MANAGER = 'manager1@demo.test';
const html = '<p>Hello {{ lead.firstName }},</p><p>Thanks for your interest, {{ lead.companyName }}.</p>';

beforeAll(async () => {
  t = await createTestApp();
  const field = await t.as('admin@demo.test', 'POST', '/api/v1/custom-fields', {
    label: 'Plant size',
    key: 'plant_size',
    type: 'text',
  });
  expect(field.statusCode, field.body).toBe(201);
});
afterAll(() => t.close());

const create = (who: string, body: Record<string, unknown>) => t.as(who, 'POST', '/api/v1/email/templates', body);
const names = async (who: string) =>
  ((await t.as(who, 'GET', '/api/v1/email/templates')).json().data as { name: string }[]).map((x) => x.name);

describe('email templates', () => {
  it('personal ones belong to their creator: nobody else sees them, not even an admin', async () => {
    const created = await create(SALES1, { name: 'My follow-up', subject: 'Following up, {{ lead.firstName }}', html });
    expect(created.statusCode, created.body).toBe(201);
    const template = created.json();
    expect(template).toMatchObject({
      name: 'My follow-up',
      scope: 'personal',
      owner: { name: 'Rohan Gupta' },
      html,
      text: null,
      editable: true,
      createdBy: { name: 'Rohan Gupta' },
    });
    expect(await names(SALES1)).toContain('My follow-up');
    for (const who of ['sales2@demo.test', 'admin@demo.test', MANAGER]) {
      expect(await names(who)).not.toContain('My follow-up');
      expectProblem(await t.as(who, 'GET', `/api/v1/email/templates/${template.id}`), 404, 'not_found');
      expectProblem(
        await t.as(who, 'PATCH', `/api/v1/email/templates/${template.id}`, { name: 'Mine' }),
        404,
        'not_found',
      );
      expectProblem(await t.as(who, 'DELETE', `/api/v1/email/templates/${template.id}`), 404, 'not_found');
    }
    const renamed = await t.as(SALES1, 'PATCH', `/api/v1/email/templates/${template.id}`, {
      name: 'My first follow-up',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'My first follow-up', subject: template.subject });
    // Someone else may use the same name for their own.
    expect((await create('sales2@demo.test', { name: 'My first follow-up', subject: 'x', text: 'y' })).statusCode).toBe(
      201,
    );
    expectProblem(
      await create(SALES1, { name: 'my first FOLLOW-UP', subject: 'x', text: 'y' }),
      409,
      'conflict',
      'name',
    );

    expect((await t.as(SALES1, 'DELETE', `/api/v1/email/templates/${template.id}`)).statusCode).toBe(204);
    expectProblem(await t.as(SALES1, 'GET', `/api/v1/email/templates/${template.id}`), 404, 'not_found');
    const audit = (await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityId=${template.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'email_template.created',
      'email_template.deleted',
      'email_template.updated',
    ]);
  });

  it('company ones are kept by admins and managers and used by everyone', async () => {
    expectProblem(await create(SALES1, { name: 'Intro', scope: 'company', subject: 'Hi', html }), 403, 'forbidden');
    const created = await create(MANAGER, { name: 'Company intro', scope: 'company', subject: 'Welcome', html });
    expect(created.statusCode, created.body).toBe(201);
    const template = created.json();
    expect(template).toMatchObject({ scope: 'company', owner: null, editable: true });

    const seen = (await t.as(SALES1, 'GET', '/api/v1/email/templates?scope=company')).json().data;
    expect(seen).toContainEqual(expect.objectContaining({ id: template.id, editable: false }));
    expect(seen.every((x: { scope: string }) => x.scope === 'company')).toBe(true);
    expectProblem(
      await t.as(SALES1, 'PATCH', `/api/v1/email/templates/${template.id}`, { subject: 'x' }),
      403,
      'forbidden',
    );
    expectProblem(await t.as(SALES1, 'DELETE', `/api/v1/email/templates/${template.id}`), 403, 'forbidden');
    const edited = await t.as('admin@demo.test', 'PATCH', `/api/v1/email/templates/${template.id}`, {
      text: 'Plain {{ lead.name }}',
    });
    expect(edited.json()).toMatchObject({ text: 'Plain {{ lead.name }}', html });
    const found = (await t.as(SALES1, 'GET', '/api/v1/email/templates?q=INTRO')).json().data;
    expect(found.map((x: { name: string }) => x.name)).toEqual(['Company intro', 'Introduction']);

    for (const who of ['guest@demo.test', 'dev@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/email/templates'), 403, 'forbidden');
      expectProblem(await create(who, { name: 'x', subject: 'x', text: 'x' }), 403, 'forbidden');
    }
    expectProblem(await t.as('admin@other.test', 'GET', `/api/v1/email/templates/${template.id}`), 404, 'not_found');
  });

  it('refuse content that does not render, naming the part, and bad input', async () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ name: 'a', subject: 'Hi {{ lead.firstName', html }, 422, 'unprocessable', 'subject'],
      [{ name: 'a', subject: 'Hi', html: '<p>{{ lead.nickname }}</p>' }, 422, 'unprocessable', 'html'],
      [{ name: 'a', subject: 'Hi', html: '<p>{{ lead.name | shout }}</p>' }, 422, 'unprocessable', 'html'],
      [{ name: 'a', subject: 'Hi', html: '{% include "secrets.txt" %}' }, 422, 'unprocessable', 'html'],
      [{ name: 'a', subject: 'Hi', text: '{{ lead.customFields.missing }}' }, 422, 'unprocessable', 'text'],
      [{ name: 'a', subject: 'Hi', html: '{% for i in (1..100000000) %}xx{% endfor %}' }, 422, 'unprocessable', 'html'],
      [{ name: 'a', subject: 'Hi' }, 400, 'validation_failed', 'html'],
      [{ name: 'a', subject: 'Hi', html: null, text: null }, 400, 'validation_failed', 'html'],
      [{ subject: 'Hi', html }, 400, 'validation_failed', 'name'],
      [{ name: 'a', subject: '', html }, 400, 'validation_failed', 'subject'],
      [{ name: 'a', subject: 'Hi', html, scope: 'team' }, 400, 'validation_failed', 'scope'],
      [{ name: 'a', subject: 'Hi', html, ownerId: 'x' }, 400, 'validation_failed', 'ownerId'],
    ];
    for (const [body, status, code, path] of cases) {
      const problem = expectProblem(await create(SALES1, body), status, code, path);
      if (status === 422) expect(problem.errors?.[0]?.message).toMatch(/line:\d+|limit|include/);
    }
    expect(await names(SALES1)).not.toContain('a');
    const ok = await create(SALES1, {
      name: 'Custom',
      subject: '{{ lead.name | upcase }}',
      html: '<p>{{ lead.customFields.plant_size | default: "unknown" }} {{ owner.phone }} {{ sender.email }}</p>',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const variables = (await t.as(SALES1, 'GET', '/api/v1/email/variables'))
      .json()
      .data.map((v: { name: string }) => v.name);
    expect(variables).toEqual(
      expect.arrayContaining(['lead.firstName', 'owner.phone', 'lead.customFields.plant_size']),
    );
  });
});

describe('the demo company', () => {
  it('has company and personal templates that render, and a history of sent emails with opens', async () => {
    const mine = (await t.as(SALES1, 'GET', '/api/v1/email/templates')).json().data as { id: string; name: string }[];
    expect(mine.map((x) => x.name)).toEqual(
      expect.arrayContaining(['Introduction', 'Proposal follow-up', 'Quick check-in']),
    );
    expect(await names('sales2@demo.test')).not.toContain('Quick check-in');
    const sent = (await t.as('admin@demo.test', 'GET', '/api/v1/emails?status=sent&limit=200')).json().data as {
      leadId: string;
      opens: { count: number };
      clicks: { count: number };
      template: { id: string } | null;
    }[];
    expect(sent.length).toBeGreaterThanOrEqual(30);
    expect(sent.filter((m) => m.opens.count > 0).length).toBeGreaterThan(5);
    expect(sent.some((m) => m.clicks.count > 0)).toBe(true);
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/emails?status=failed')).json().data.length).toBeGreaterThan(
      0,
    );
    expect((await t.as('admin@demo.test', 'GET', '/api/v1/email/settings')).json().configured).toBe(false);
    // A seeded template renders with its lead as it would when sent.
    const intro = mine.find((x) => x.name === 'Introduction');
    const opened = sent.find((m) => m.opens.count > 0) as { leadId: string };
    const preview = await t.as('admin@demo.test', 'POST', '/api/v1/email/preview', {
      leadId: opened.leadId,
      templateId: intro?.id,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().subject).toMatch(/^Demo Co — following up on your enquiry, /);
    const timeline = (
      await t.as('admin@demo.test', 'GET', `/api/v1/leads/${opened.leadId}/timeline?kinds=email,email_event`)
    ).json().data as { kind: string }[];
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['email', 'email_event']));
  });
});

describe('preview with a real lead', () => {
  it('renders the variables, escapes lead data in HTML and derives the text', async () => {
    await t.as(SALES1, 'PUT', '/api/v1/email/signature', { phone: '+91 98220 12345', html: '<p>Rohan, Demo Co</p>' });
    const lead = await leadWithEmail(t, SALES1, {
      name: 'Anita <b>Sharma</b>',
      companyName: 'Shree & Sons "Traders"',
      customFields: { plant_size: '40 acres' },
    });
    const template = (
      await create(SALES1, {
        name: 'Preview me',
        subject: 'Quote for {{ lead.companyName }}',
        html: '<p>Dear {{ lead.firstName }},</p><p>{{ lead.customFields.plant_size }} at {{ lead.stage }}.</p><p><a href="https://demo-co.example/quote?id=1&amp;x=2">Your quote</a></p><p>{{ owner.name }} {{ owner.phone }}</p>',
      })
    ).json();
    const response = await t.as(SALES1, 'POST', '/api/v1/email/preview', { leadId: lead.id, templateId: template.id });
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json();
    expect(preview.subject).toBe('Quote for Shree & Sons "Traders"');
    expect(preview.html).toContain('<p>Dear Anita,</p>');
    expect(preview.html).toContain('40 acres at New.');
    expect(preview.html).toContain('Rohan Gupta +91 98220 12345');
    expect(preview.html).toContain('<p>Rohan, Demo Co</p>');
    expect(preview.to).toEqual(['anita.sharma@example.com']);
    expect(preview.text).toContain('Your quote (https://demo-co.example/quote?id=1&x=2)');
    expect(preview.text).toContain('-- \nRohan, Demo Co');

    const escaped = await t.as(SALES1, 'POST', '/api/v1/email/preview', {
      leadId: lead.id,
      subject: '{{ lead.name }}',
      html: '<h1>{{ lead.name }}</h1><p>{{ lead.companyName | raw }}</p>',
      signature: false,
    });
    expect(escaped.json().subject).toBe('Anita <b>Sharma</b>');
    expect(escaped.json().html).toBe(
      '<h1>Anita &lt;b&gt;Sharma&lt;/b&gt;</h1><p>Shree &amp; Sons &#34;Traders&#34;</p>',
    );

    // A field the sender's role may not read renders empty.
    const hide = await t.as('admin@demo.test', 'PUT', '/api/v1/field-permissions', {
      role: 'SALESPERSON',
      field: 'companyName',
      access: 'hidden',
    });
    expect(hide.statusCode, hide.body).toBe(200);
    const hidden = await t.as(SALES1, 'POST', '/api/v1/email/preview', {
      leadId: lead.id,
      subject: '[{{ lead.companyName }}]',
      text: 'x',
    });
    expect(hidden.json().subject).toBe('[]');
    await t.as('admin@demo.test', 'PUT', '/api/v1/field-permissions', {
      role: 'SALESPERSON',
      field: 'companyName',
      access: null,
    });

    expectProblem(
      await t.as(SALES1, 'POST', '/api/v1/email/preview', { leadId: lead.id, subject: '{{ lead.bogus }}', text: 'x' }),
      422,
      'unprocessable',
      'subject',
    );
    expectProblem(
      await t.as(SALES1, 'POST', '/api/v1/email/preview', { leadId: lead.id, html: '<p>x</p>' }),
      400,
      'validation_failed',
      'subject',
    );
    // The lead must be one the caller sees; another company's is not found at all.
    expectProblem(
      await t.as('sales2@demo.test', 'POST', '/api/v1/email/preview', { leadId: lead.id, templateId: template.id }),
      404,
      'not_found',
    );
    expectProblem(
      await t.as('admin@other.test', 'POST', '/api/v1/email/preview', { leadId: lead.id, subject: 'x', text: 'y' }),
      404,
      'not_found',
    );
    expectProblem(
      await t.as('guest@demo.test', 'POST', '/api/v1/email/preview', { leadId: lead.id, subject: 'x', text: 'y' }),
      403,
      'forbidden',
    );
  });
});
