import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { drain, fixture, resultRows, runToEnd, uploaded } from './imports.fixtures.ts';

let t: TestApp;
const admin = 'admin@demo.test';
const sales = 'sales1@demo.test';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('suggested mappings', () => {
  it('maps a Salesforce Lead export by its API names and reads its row', async () => {
    const imp = await uploaded(t, admin, 'Lead.csv', fixture('salesforce_lead_export.csv'));
    expect(imp.suggestedMapping.columns).toEqual({
      FirstName: 'firstName',
      LastName: 'lastName',
      Company: 'companyName',
      City: 'city',
      State: 'state',
      Country: 'country',
      Phone: 'phone',
      MobilePhone: 'phone',
      Email: 'email',
      Description: 'notes',
      LeadSource: 'source',
      Status: 'stage',
      CreatedDate: 'createdAt',
    });
    expect(imp.suggestedMapping.values).toEqual({ stage: { New: 'new' } });
    const dry = (await t.as(admin, 'POST', `/api/v1/imports/${imp.id}/dry-run`, {})).json();
    expect(dry).toMatchObject({ create: 1, fail: 0 });
    const done = await runToEnd(t, admin, imp.id);
    const rows = await resultRows(t, admin, imp.id);
    expect(done.counts.created).toBe(1);
    // Its created date is the export's (2026-06-09 18:17:31, on the company's clock: Asia/Kolkata).
    expect((await t.as(admin, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json()).toMatchObject({
      name: 'Rishab R',
      companyName: 'X Foods',
      stage: 'new',
      createdAt: '2026-06-09T12:47:31.000Z',
      stageChangedAt: '2026-06-09T12:47:31.000Z',
    });
  });

  it('maps the headers of HubSpot, Zoho and a Salesforce org with custom fields', async () => {
    const hubspot = await uploaded(
      t,
      admin,
      'hubspot.csv',
      `${fixture('hubspot_contacts_header.csv')}\n${'x,'.repeat(5)}x\n`,
    );
    expect(hubspot.suggestedMapping.columns).toMatchObject({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      'Company Name': 'companyName',
      Email: 'email',
      'Work email': 'email',
      'Phone Number': 'phone',
      'Mobile Phone Number': 'phone',
      'WhatsApp Phone Number': 'phone',
      City: 'city',
      'State/Region': 'state',
      'Country/Region': 'country',
      'Lead Status': 'stage',
      'Original Source': 'source',
      'Contact owner': 'owner',
      'Close Date': 'expectedCloseDate',
      'Create Date': 'createdAt',
      Message: 'notes',
    });
    const single = Object.values(hubspot.suggestedMapping.columns).filter((f) => f === 'stage' || f === 'source');
    expect(single).toHaveLength(2);

    const zoho = await uploaded(t, admin, 'Leads_001.csv', `${fixture('zoho_leads_header.csv')}\nx\n`);
    expect(zoho.suggestedMapping.columns).toEqual({
      'Lead Source': 'source',
      'Lead Status': 'stage',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Company: 'companyName',
      Email: 'email',
      Phone: 'phone',
      Mobile: 'phone',
      City: 'city',
      State: 'state',
      Country: 'country',
      Description: 'notes',
      'Ad Campaign Name': 'campaign',
      'Created Time': 'createdAt',
    });

    const field = await t.as(admin, 'POST', '/api/v1/custom-fields', { label: 'Brand', type: 'text' });
    expect(field.statusCode, field.body).toBe(201);
    const salesforce = await uploaded(t, admin, 'Lead.csv', `${fixture('salesforce_lead_header.csv')}\nx\n`);
    expect(salesforce.suggestedMapping.columns).toMatchObject({
      Brand__c: 'customFields.brand',
      Product__c: 'product',
      CurrencyIsoCode: 'currency',
      Region__c: 'territory',
    });
    expect(salesforce.suggestedMapping.columns).not.toHaveProperty('OwnerId');
  });
});

describe('mappings', () => {
  it('checks a mapping against the file and the caller', async () => {
    const imp = await uploaded(t, sales, 'm.csv', 'Name,Email,Owner,Extra\nAsha,asha@example.in,,\n');
    const put = (mapping: unknown) => t.as(sales, 'PUT', `/api/v1/imports/${imp.id}/mapping`, { mapping });
    expectProblem(await put({ columns: { Nope: 'name' } }), 400, 'validation_failed', 'mapping.columns.Nope');
    expectProblem(await put({ columns: { Name: 'fullName' } }), 400, 'validation_failed', 'mapping.columns.Name');
    expectProblem(
      await put({ columns: { Name: 'customFields.nope' } }),
      400,
      'validation_failed',
      'mapping.columns.Name',
    );
    expectProblem(
      await put({ columns: { Name: 'name', Email: 'city', Extra: 'city' } }),
      400,
      'validation_failed',
      'mapping.columns.Extra',
    );
    expectProblem(
      await put({ columns: { Name: 'name' }, values: { stage: { Hot: 'nope' } } }),
      400,
      'validation_failed',
      'mapping.values.stage.Hot',
    );
    expectProblem(await t.as(sales, 'PUT', `/api/v1/imports/${imp.id}/mapping`, {}), 400, 'validation_failed');

    const denied = await t.as(admin, 'PUT', '/api/v1/field-permissions', {
      role: 'SALESPERSON',
      field: 'city',
      access: 'read',
    });
    expect(denied.statusCode, denied.body).toBe(200);
    expectProblem(
      await put({ columns: { Name: 'name', Extra: 'city' } }),
      403,
      'field_forbidden',
      'mapping.columns.Extra',
    );
    await t.as(admin, 'PUT', '/api/v1/field-permissions', { role: 'SALESPERSON', field: 'city', access: null });

    const ok = await put({ columns: { Name: 'name', Email: 'email', Owner: 'owner' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().mapping).toEqual({ columns: { Name: 'name', Email: 'email', Owner: 'owner' } });
  });

  it('saves mappings, reuses one by id on another file, and lets its creator or an admin delete it', async () => {
    const mapping = {
      columns: { Full: 'name', Mail: 'email', Where: 'city', Status: 'stage' },
      constants: { source: 'referral', tags: 'expo-2026' },
      values: { stage: { Hot: 'demo' } },
    };
    const saved = await t.as(sales, 'POST', '/api/v1/imports/mappings', { name: 'Expo sheet', mapping });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ name: 'Expo sheet', mapping });
    expectProblem(
      await t.as(admin, 'POST', '/api/v1/imports/mappings', { name: 'expo SHEET', mapping }),
      409,
      'conflict',
      'name',
    );
    expectProblem(
      await t.as(sales, 'POST', '/api/v1/imports/mappings', { name: 'x', mapping: { columns: { a: 'bogus' } } }),
      400,
      'validation_failed',
    );
    const list = (await t.as('manager1@demo.test', 'GET', '/api/v1/imports/mappings')).json().data;
    expect(list.map((m: { name: string }) => m.name)).toContain('Expo sheet');

    const imp = await uploaded(
      t,
      sales,
      'expo.csv',
      'Full,Mail,Where,Status\nMeena Shah,meena@example.in,Surat,Hot\n',
      {
        mappingId: saved.json().id,
      },
    );
    expect(imp).toMatchObject({ mappingId: saved.json().id, mapping });
    const done = await runToEnd(t, sales, imp.id);
    expect(done.counts.created).toBe(1);
    const rows = await resultRows(t, sales, imp.id);
    expect((await t.as(sales, 'GET', `/api/v1/leads/${rows[1]?.[2]}`)).json()).toMatchObject({
      name: 'Meena Shah',
      city: 'Surat',
      stage: 'demo',
      source: 'referral',
      tags: ['expo-2026'],
    });

    const viaSaveAs = await uploaded(t, admin, 'again.csv', 'Full,Mail\nA B,ab@example.in\n');
    const set = await t.as(admin, 'PUT', `/api/v1/imports/${viaSaveAs.id}/mapping`, {
      mapping: { columns: { Full: 'name', Mail: 'email' } },
      saveAs: 'Two columns',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().mappingId).toBeTruthy();

    expectProblem(
      await t.as('manager1@demo.test', 'DELETE', `/api/v1/imports/mappings/${saved.json().id}`),
      403,
      'forbidden',
    );
    expect((await t.as(sales, 'DELETE', `/api/v1/imports/mappings/${saved.json().id}`)).statusCode).toBe(204);
    expect((await t.as(admin, 'DELETE', `/api/v1/imports/mappings/${set.json().mappingId}`)).statusCode).toBe(204);
    expectProblem(await t.as(admin, 'DELETE', `/api/v1/imports/mappings/${saved.json().id}`), 404, 'not_found');
    expect((await t.as(sales, 'GET', `/api/v1/imports/${imp.id}`)).json()).toMatchObject({ mappingId: null, mapping });
  });

  it('reads dates in the locale order (or as told), numbers with separators, yes/no and picklists into custom fields', async () => {
    const fields = [
      { label: 'Renewal', type: 'date' },
      { label: 'Seats', type: 'number' },
      { label: 'GST registered', type: 'boolean' },
      { label: 'Segment', type: 'select', options: ['SMB', 'Enterprise'] },
    ];
    for (const field of fields)
      expect((await t.as(admin, 'POST', '/api/v1/custom-fields', field)).statusCode).toBe(201);
    const csv = 'Name,Renewal,Seats,GST,Segment,Close\nAsha,05/03/2027,"1,250",Yes,enterprise,2027-01-09\n';
    const columns = {
      Name: 'name',
      Renewal: 'customFields.renewal',
      Seats: 'customFields.seats',
      GST: 'customFields.gst_registered',
      Segment: 'customFields.segment',
      Close: 'expectedCloseDate',
    };
    const indian = await uploaded(t, admin, 'in.csv', csv);
    await runToEnd(t, admin, indian.id, { mapping: { columns }, onDuplicate: 'create' });
    const us = await uploaded(t, admin, 'us.csv', csv);
    await runToEnd(t, admin, us.id, { mapping: { columns, dateFormat: 'mdy' }, onDuplicate: 'create' });
    const lead = async (id: string) =>
      (await t.as(admin, 'GET', `/api/v1/leads/${(await resultRows(t, admin, id))[1]?.[2]}`)).json();
    expect(await lead(indian.id)).toMatchObject({
      expectedCloseDate: '2027-01-09',
      customFields: { renewal: '2027-03-05', seats: 1250, gst_registered: true, segment: 'Enterprise' },
    });
    expect((await lead(us.id)).customFields.renewal).toBe('2027-05-03');
  });
});

describe('duplicates on import', () => {
  it('skips or merges into the lead a row repeats, and undo puts the merged fields back', async () => {
    const existing = (
      await t.as(admin, 'POST', '/api/v1/leads?onDuplicate=create', {
        name: 'Farah Sheikh',
        emails: ['farah@example.in'],
        city: null,
      })
    ).json();
    const csv = 'Name,Email,City,Phone,Tags\nFarah S.,FARAH@example.in,Nashik,+91 98220 77777,vip\n';
    const skipped = await uploaded(t, admin, 'dup.csv', csv);
    const skip = await runToEnd(t, admin, skipped.id, { onDuplicate: 'skip' });
    expect(skip.counts).toMatchObject({ created: 0, skipped: 1 });
    expect((await resultRows(t, admin, skipped.id))[1]?.[3]).toBe('Duplicate of lead "Farah Sheikh" (email)');

    const merged = await uploaded(t, admin, 'dup.csv', csv);
    const merge = await runToEnd(t, admin, merged.id, { onDuplicate: 'merge' });
    expect(merge.counts).toMatchObject({ created: 0, updated: 1 });
    const after = (await t.as(admin, 'GET', `/api/v1/leads/${existing.id}`)).json();
    expect(after).toMatchObject({ name: 'Farah Sheikh', city: 'Nashik', phones: ['+919822077777'], tags: ['vip'] });
    expect(after.version).toBe(existing.version + 1);

    const undo = await t.as(admin, 'POST', `/api/v1/imports/${merged.id}/undo`);
    expect(undo.statusCode, undo.body).toBe(202);
    await drain(t);
    expect((await t.as(admin, 'GET', `/api/v1/imports/${merged.id}`)).json()).toMatchObject({
      status: 'undone',
      undone: { trashed: 0, reverted: 1 },
    });
    expect((await t.as(admin, 'GET', `/api/v1/leads/${existing.id}`)).json()).toMatchObject({
      city: null,
      phones: [],
      tags: [],
      emails: ['farah@example.in'],
    });
  });

  it("follows the company's warn policy: creates the row, says what it matches, and puts it in the review queue", async () => {
    const put = await t.as(admin, 'PUT', '/api/v1/duplicates/settings', { policies: { import: 'warn' } });
    expect(put.statusCode, put.body).toBe(200);
    const existing = (
      await t.as(admin, 'POST', '/api/v1/leads?onDuplicate=create', { name: 'Gita Menon', phones: ['+91 98220 66666'] })
    ).json();
    const imp = await uploaded(t, admin, 'warn.csv', 'Name,Phone\nGita M,098220 66666\n');
    const done = await runToEnd(t, admin, imp.id);
    expect(done.counts).toMatchObject({ created: 1 });
    const row = (await resultRows(t, admin, imp.id))[1];
    expect(row?.[3]).toBe('Possible duplicate of lead "Gita Menon" (phone)');
    const groups = (await t.as(admin, 'GET', `/api/v1/duplicates/groups?leadId=${row?.[2]}`)).json().data;
    expect(groups).toHaveLength(1);
    expect(groups[0].members.map((m: { lead: { id: string } }) => m.lead.id)).toEqual(
      expect.arrayContaining([existing.id, row?.[2]]),
    );
    await t.as(admin, 'PUT', '/api/v1/duplicates/settings', { policies: { import: 'block' } });
  });

  it('lets only a role with duplicates:override create what the company blocks', async () => {
    const imp = await uploaded(t, sales, 'o.csv', 'Name\nA\n');
    expectProblem(
      await t.as(sales, 'POST', `/api/v1/imports/${imp.id}/run`, { onDuplicate: 'create' }),
      403,
      'forbidden',
      'onDuplicate',
    );
    expectProblem(
      await t.as(sales, 'POST', `/api/v1/imports/${imp.id}/dry-run`, { onDuplicate: 'create' }),
      403,
      'forbidden',
      'onDuplicate',
    );
    expect((await t.as(sales, 'GET', `/api/v1/imports/${imp.id}`)).json().status).toBe('uploaded');
  });
});
