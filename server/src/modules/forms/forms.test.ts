import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const contactForm = {
  name: 'Contact us',
  fields: [
    { name: 'full_name', label: 'Your <b>name</b>', type: 'text', mapsTo: 'name' },
    { name: 'work_email', label: 'Work email', type: 'email', required: true, mapsTo: 'email' },
    { name: 'mobile', label: 'Mobile', type: 'phone', mapsTo: 'phone' },
    { name: 'interest', label: 'Interested in', type: 'select', options: ['CRM', 'ERP'], mapsTo: 'product' },
    { name: 'message', label: 'Message', type: 'textarea', mapsTo: 'notes' },
  ],
  campaign: 'Spring 2026',
  thankYou: 'Thanks, we will call you.',
};

async function formCount(): Promise<number> {
  return (await t.as('admin@demo.test', 'GET', '/api/v1/forms?limit=200')).json().data.length;
}

describe('web forms', () => {
  it('creates a form with its submit URL and a snippet to embed', async () => {
    const created = await t.as('admin@demo.test', 'POST', '/api/v1/forms', contactForm);
    expect(created.statusCode, created.body).toBe(201);
    const form = created.json();
    expect(form).toMatchObject({
      name: 'Contact us',
      source: 'web_form',
      campaign: 'Spring 2026',
      thankYou: 'Thanks, we will call you.',
      active: true,
      createdBy: await userId(t, 'admin@demo.test'),
    });
    // The field that fills the lead's name is always required.
    expect(form.fields[0]).toEqual({
      name: 'full_name',
      label: 'Your <b>name</b>',
      type: 'text',
      required: true,
      mapsTo: 'name',
    });
    expect(form.fields[1].required).toBe(true);
    expect(form.fields[2].required).toBe(false);
    expect(form.submitUrl).toMatch(new RegExp(`^http://localhost(:\\d+)?/api/v1/forms/${form.id}/submit$`));

    const html: string = form.embedHtml;
    expect(html).toContain(`action="${form.submitUrl}"`);
    expect(html).toContain('name="website"');
    expect(html).toMatch(/position:absolute;left:-10000px/);
    for (const field of contactForm.fields) expect(html).toContain(`name="${field.name}"`);
    expect(html).toContain('type="email"');
    expect(html).toContain('type="tel"');
    expect(html).toContain('<option value="ERP">ERP</option>');
    expect(html).toContain('Your &lt;b&gt;name&lt;/b&gt;');
    expect(html).not.toContain('<b>name</b>');
    expect(html).toContain(`var url = ${JSON.stringify(form.submitUrl)}`);

    const list = (await t.as('admin@demo.test', 'GET', '/api/v1/forms')).json();
    expect(list.data.map((f: { id: string }) => f.id)).toContain(form.id);
    const one = await t.as('admin@demo.test', 'GET', `/api/v1/forms/${form.id}`);
    expect(one.json()).toEqual(form);
  });

  it('changes and deactivates a form, and keeps the changes in the audit log', async () => {
    const form = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', contactForm)).json();
    const patched = await t.as('admin@demo.test', 'PATCH', `/api/v1/forms/${form.id}`, {
      name: 'Call me back',
      fields: [{ name: 'who', label: 'Name', type: 'text', mapsTo: 'name' }],
      campaign: null,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Call me back', campaign: null, thankYou: contactForm.thankYou });
    expect(patched.json().fields).toHaveLength(1);
    expect(patched.json().embedHtml).not.toContain('name="work_email"');

    const removed = await t.as('admin@demo.test', 'DELETE', `/api/v1/forms/${form.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/forms/${form.id}`)).json().active).toBe(false);
    const back = await t.as('admin@demo.test', 'PATCH', `/api/v1/forms/${form.id}`, { active: true });
    expect(back.json().active).toBe(true);

    const audit = (await t.as('admin@demo.test', 'GET', `/api/v1/audit?entityId=${form.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'form.updated',
      'form.deactivated',
      'form.updated',
      'form.created',
    ]);
  });

  it('refuses bad forms with a 400 naming the field, and creates nothing', async () => {
    const before = await formCount();
    const field = (over: Record<string, unknown>) => ({
      name: 'n',
      label: 'Name',
      type: 'text',
      mapsTo: 'name',
      ...over,
    });
    const cases: [unknown[], string][] = [
      [[field({ mapsTo: 'city' })], 'fields'],
      [[field({}), field({ mapsTo: 'city' })], 'fields.1.name'],
      [[field({}), field({ name: 'c', mapsTo: 'name' })], 'fields.1.mapsTo'],
      [[field({}), field({ name: 'website', mapsTo: 'city' })], 'fields.1.name'],
      [[field({}), field({ name: 'pick', type: 'select', mapsTo: 'product' })], 'fields.1.options'],
      [[field({}), field({ name: 'mail', mapsTo: 'email' })], 'fields.1.type'],
      [[field({}), field({ name: 'size', mapsTo: 'customFields.no_such_field' })], 'fields.1.mapsTo'],
      [[field({ mapsTo: 'ownerId' })], 'fields.0.mapsTo'],
      [[field({ name: 'Bad Name' })], 'fields.0.name'],
      [[field({ type: 'date' })], 'fields.0.type'],
      [[], 'fields'],
    ];
    for (const [fields, path] of cases) {
      const response = await t.as('admin@demo.test', 'POST', '/api/v1/forms', { name: 'Bad', fields });
      expectProblem(response, 400, 'validation_failed', path);
    }
    expectProblem(
      await t.as('admin@demo.test', 'POST', '/api/v1/forms', { name: 'Bad', fields: [field({})], colour: 'red' }),
      400,
      'validation_failed',
      'colour',
    );
    expect(await formCount()).toBe(before);

    const form = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', contactForm)).json();
    const bad = await t.as('admin@demo.test', 'PATCH', `/api/v1/forms/${form.id}`, {
      name: 'Renamed',
      fields: [field({ mapsTo: 'city' })],
    });
    expectProblem(bad, 400, 'validation_failed', 'fields');
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/forms/${form.id}`)).json()).toEqual(form);
  });

  it('needs forms:manage', async () => {
    const form = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', contactForm)).json();
    for (const who of ['manager1@demo.test', 'sales1@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/forms'), 403, 'forbidden');
      expectProblem(await t.as(who, 'POST', '/api/v1/forms', contactForm), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', `/api/v1/forms/${form.id}`), 403, 'forbidden');
      expectProblem(await t.as(who, 'PATCH', `/api/v1/forms/${form.id}`, { name: 'x' }), 403, 'forbidden');
      expectProblem(await t.as(who, 'DELETE', `/api/v1/forms/${form.id}`), 403, 'forbidden');
    }
  });

  it("answers 404 for another company's form", async () => {
    const form = (await t.as('admin@demo.test', 'POST', '/api/v1/forms', contactForm)).json();
    expectProblem(await t.as('admin@other.test', 'GET', `/api/v1/forms/${form.id}`), 404, 'not_found');
    expectProblem(await t.as('admin@other.test', 'PATCH', `/api/v1/forms/${form.id}`, { name: 'x' }), 404, 'not_found');
    expectProblem(await t.as('admin@other.test', 'DELETE', `/api/v1/forms/${form.id}`), 404, 'not_found');
    const theirs = (await t.as('admin@other.test', 'GET', '/api/v1/forms')).json().data;
    expect(theirs.map((f: { id: string }) => f.id)).not.toContain(form.id);
    expect((await t.as('admin@demo.test', 'GET', `/api/v1/forms/${form.id}`)).json().active).toBe(true);
  });
});

describe('the submit URL', () => {
  it('is built from PUBLIC_URL when it is set', async () => {
    const other = await createTestApp({ publicUrl: 'https://crm.example.com/' });
    try {
      const form = (await other.as('admin@demo.test', 'POST', '/api/v1/forms', contactForm)).json();
      expect(form.submitUrl).toBe(`https://crm.example.com/api/v1/forms/${form.id}/submit`);
    } finally {
      await other.close();
    }
  });
});
