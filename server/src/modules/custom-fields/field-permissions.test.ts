import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Field permissions: which role sees and changes which lead field, enforced on every read and write. */

const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const PARTNER = 'partner@demo.test';
let t: TestApp;
let demoCompanyId: string;
let leadId: string;

interface Entry {
  role: string;
  field: string;
  label: string;
  access: string;
  isDefault: boolean;
  defaultAccess: string;
}

beforeAll(async () => {
  t = await createTestApp();
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const field = await t.as(ADMIN, 'POST', '/api/v1/custom-fields', {
    label: 'Roof type',
    type: 'select',
    options: ['Flat', 'Sloped'],
  });
  expect(field.statusCode, field.body).toBe(201);
  const lead = await t.as(SALES, 'POST', '/api/v1/leads', {
    name: 'Anil Deshmukh',
    city: 'Pune',
    expectedValue: 90000,
    notes: 'Wants a quote before Diwali',
    customFields: { roof_type: 'Flat' },
  });
  expect(lead.statusCode, lead.body).toBe(201);
  leadId = lead.json().id;
  const sunrise = (await t.as(ADMIN, 'GET', '/api/v1/partners?q=sunrise')).json().data[0].id;
  const handed = await t.as(ADMIN, 'POST', `/api/v1/leads/${leadId}/assign`, { partnerId: sunrise });
  expect(handed.statusCode, handed.body).toBe(200);
});
afterAll(() => t.close());

const permissions = async (): Promise<Entry[]> => {
  const response = await t.as(ADMIN, 'GET', '/api/v1/field-permissions');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
};
const entry = async (role: string, field: string) =>
  (await permissions()).find((e) => e.role === role && e.field === field);
const put = (body: Record<string, unknown>) => t.as(ADMIN, 'PUT', '/api/v1/field-permissions', body);
const lead = async (who: string) => {
  const response = await t.as(who, 'GET', `/api/v1/leads/${leadId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
const listed = async (who: string) => {
  const response = await t.as(who, 'GET', '/api/v1/leads?limit=200');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data.find((l: { id: string }) => l.id === leadId);
};
const myFields = async (who: string) => {
  const response = await t.as(who, 'GET', '/api/v1/leads/fields');
  expect(response.statusCode, response.body).toBe(200);
  return Object.fromEntries(response.json().data.map((f: { field: string; access: string }) => [f.field, f.access]));
};

/** The lead row, the overrides and the audit count, straight from the database. */
const state = () =>
  withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const leads = await sql`SELECT city, notes, version, updated_at FROM leads WHERE id = ${leadId}`.execute(trx);
    const overrides = await sql`SELECT role, field, access FROM field_permissions ORDER BY role, field`.execute(trx);
    const audit = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(trx);
    return JSON.stringify({ leads: leads.rows, overrides: overrides.rows, audit: audit.rows });
  });

describe('GET /field-permissions', () => {
  it("lists every role's access to every lead field and custom field, with the defaults", async () => {
    const data = await permissions();
    expect(data).toHaveLength(10 * 22);
    expect(data.find((e) => e.role === 'PARTNER' && e.field === 'expectedValue')).toEqual({
      role: 'PARTNER',
      field: 'expectedValue',
      label: 'Expected value',
      access: 'hidden',
      isDefault: true,
      defaultAccess: 'hidden',
    });
    expect(await entry('SALESPERSON', 'customFields.roof_type')).toMatchObject({
      label: 'Roof type',
      access: 'write',
      isDefault: true,
    });
    expect(await entry('GUEST', 'city')).toMatchObject({ access: 'read' });
    expect(await entry('ADMIN', 'ownerId')).toMatchObject({ access: 'read' });
  });

  it('is for admins only', async () => {
    for (const who of ['manager1@demo.test', SALES, PARTNER]) {
      expectProblem(await t.as(who, 'GET', '/api/v1/field-permissions'), 403, 'forbidden');
      expectProblem(
        await t.as(who, 'PUT', '/api/v1/field-permissions', { role: 'GUEST', field: 'city', access: 'hidden' }),
        403,
        'forbidden',
      );
    }
  });
});

describe('the defaults', () => {
  it('hide the value, currency, notes and the inside team from a partner', async () => {
    for (const seen of [await lead(PARTNER), await listed(PARTNER)]) {
      expect(seen).toMatchObject({ id: leadId, name: 'Anil Deshmukh', city: 'Pune' });
      for (const field of ['expectedValue', 'currency', 'notes', 'ownerId', 'ownerName', 'warriorIds', 'coSalesIds']) {
        expect(seen, field).not.toHaveProperty(field);
      }
    }
    expect(await lead(SALES)).toMatchObject({ expectedValue: 90000, notes: 'Wants a quote before Diwali' });
    const mine = await myFields(PARTNER);
    expect(mine).toMatchObject({
      name: 'write',
      city: 'write',
      expectedValue: 'hidden',
      notes: 'hidden',
      source: 'read',
    });
    expect(mine['customFields.roof_type']).toBe('write');
    const guest = await myFields('guest@demo.test');
    expect(Object.values(guest).every((a) => a === 'read')).toBe(true);
  });

  it("refuse a partner's change to a field it cannot write, changing nothing", async () => {
    const before = await state();
    const version = (await lead(PARTNER)).version;
    const denied = await t.as(PARTNER, 'PATCH', `/api/v1/leads/${leadId}`, { version, notes: 'peeked' });
    expectProblem(denied, 403, 'field_forbidden', 'notes');
    expect(await state()).toBe(before);
  });
});

describe('a changed permission', () => {
  it('hides a field from reads and refuses writes to it', async () => {
    const set = await put({ role: 'SALESPERSON', field: 'city', access: 'hidden' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({
      role: 'SALESPERSON',
      field: 'city',
      label: 'City',
      access: 'hidden',
      isDefault: false,
      defaultAccess: 'write',
    });
    expect(await lead(SALES)).not.toHaveProperty('city');
    expect(await listed(SALES)).not.toHaveProperty('city');
    expect((await myFields(SALES)).city).toBe('hidden');
    expect(await lead('manager1@demo.test')).toMatchObject({ city: 'Pune' });

    const before = await state();
    const version = (await lead(SALES)).version;
    const denied = await t.as(SALES, 'PATCH', `/api/v1/leads/${leadId}`, { version, city: 'Nashik', tags: ['x'] });
    expectProblem(denied, 403, 'field_forbidden', 'city');
    expect(await state()).toBe(before);

    const [audit] = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=field_permission')).json().data;
    expect(audit).toMatchObject({ action: 'field_permission.changed' });
    expect(audit.changes).toEqual({ 'SALESPERSON.city': { from: null, to: 'hidden' } });
  });

  it('read shows the field but still refuses writes; null goes back to the default', async () => {
    await put({ role: 'SALESPERSON', field: 'city', access: 'read' });
    expect(await lead(SALES)).toMatchObject({ city: 'Pune' });
    const version = (await lead(SALES)).version;
    expectProblem(
      await t.as(SALES, 'PATCH', `/api/v1/leads/${leadId}`, { version, city: 'Nashik' }),
      403,
      'field_forbidden',
      'city',
    );
    const reset = await put({ role: 'SALESPERSON', field: 'city', access: null });
    expect(reset.json()).toMatchObject({ access: 'write', isDefault: true });
    const ok = await t.as(SALES, 'PATCH', `/api/v1/leads/${leadId}`, { version, city: 'Nashik' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().city).toBe('Nashik');
  });

  it('works per custom field, and can show a partner what it hides by default', async () => {
    await put({ role: 'SALESPERSON', field: 'customFields.roof_type', access: 'hidden' });
    expect((await lead(SALES)).customFields).toEqual({});
    expect((await listed(SALES)).customFields).toEqual({});
    const version = (await lead(SALES)).version;
    expectProblem(
      await t.as(SALES, 'PATCH', `/api/v1/leads/${leadId}`, { version, customFields: { roof_type: 'Sloped' } }),
      403,
      'field_forbidden',
      'customFields.roof_type',
    );
    await put({ role: 'PARTNER', field: 'expectedValue', access: 'read' });
    expect(await lead(PARTNER)).toMatchObject({ expectedValue: 90000 });
    expect(await entry('PARTNER', 'expectedValue')).toMatchObject({ access: 'read', isDefault: false });
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const before = await state();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ role: 'GUEST', field: 'shoeSize', access: 'read' }, 400, 'validation_failed', 'field'],
      [{ role: 'GUEST', field: 'customFields.nope', access: 'read' }, 400, 'validation_failed', 'field'],
      [{ role: 'GUEST', field: 'name', access: 'hidden' }, 400, 'validation_failed', 'field'],
      [{ role: 'KING', field: 'city', access: 'read' }, 400, 'validation_failed', 'role'],
      [{ role: 'GUEST', field: 'city', access: 'all' }, 400, 'validation_failed', 'access'],
      [{ role: 'GUEST', field: 'city' }, 400, 'validation_failed', 'access'],
      [{ role: 'GUEST', field: 'city', access: 'read', why: 'x' }, 400, 'validation_failed', 'why'],
      [{ role: 'ADMIN', field: 'notes', access: 'read' }, 422, 'unprocessable', 'access'],
      [{ role: 'ADMIN', field: 'customFields.roof_type', access: 'hidden' }, 422, 'unprocessable', 'access'],
      [{ role: 'MANAGER', field: 'ownerId', access: 'write' }, 422, 'unprocessable', 'access'],
    ];
    for (const [body, status, code, path] of cases) {
      expectProblem(await put(body), status, code, path);
    }
    expect(await state()).toBe(before);
  });
});

describe('tenancy', () => {
  it("keeps one company's overrides from another", async () => {
    const other = await t.as('admin@other.test', 'GET', '/api/v1/field-permissions');
    const data = other.json().data as Entry[];
    expect(data).toHaveLength(10 * 21);
    expect(data.every((e) => e.isDefault)).toBe(true);
  });
});
