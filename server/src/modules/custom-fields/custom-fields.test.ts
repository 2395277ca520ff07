import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Custom lead fields: defined by admins, validated on every lead write. */

const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const SALES = 'sales1@demo.test';
let t: TestApp;
let demoCompanyId: string;

beforeAll(async () => {
  t = await createTestApp();
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

interface Field {
  key: string;
  label: string;
  type: string;
  options: string[];
  required: boolean;
  position: number;
  active: boolean;
}

const fields = async (query = ''): Promise<Field[]> => {
  const response = await t.as(SALES, 'GET', `/api/v1/custom-fields${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
};

/** Demo Co's custom fields, leads and audit rows, straight from the database. */
const state = () =>
  withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const rows = await sql`SELECT key, label, type, options, required, position, active, updated_at
      FROM custom_fields ORDER BY key`.execute(trx);
    const leads = await sql`SELECT count(*)::int AS n, max(updated_at) AS at FROM leads`.execute(trx);
    const audit = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(trx);
    return JSON.stringify({ rows: rows.rows, leads: leads.rows, audit: audit.rows });
  });

const create = async (body: Record<string, unknown>) => {
  const response = await t.as(ADMIN, 'POST', '/api/v1/custom-fields', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Field;
};

describe('defining custom fields', () => {
  it('adds fields of each type, deriving keys from labels; everyone who reads leads sees them; audited', async () => {
    expect(await fields()).toEqual([]);
    const budget = await create({ label: 'Budget Band', type: 'select', options: [' Low ', 'Mid', 'High'] });
    expect(budget).toMatchObject({
      key: 'budget_band',
      label: 'Budget Band',
      type: 'select',
      options: ['Low', 'Mid', 'High'],
      required: false,
      position: 0,
      active: true,
    });
    await create({ label: 'Interests', type: 'multi_select', options: ['Solar', 'Wind'] });
    await create({ label: 'Site Area (sq ft)', type: 'number' });
    await create({ label: 'Visit date', key: 'visit_on', type: 'date' });
    await create({ label: 'Has generator', type: 'boolean' });
    await create({ label: 'Referred by', type: 'user' });
    await create({ label: '2nd contact', type: 'text' });
    const all = await fields();
    expect(all.map((f) => f.key)).toEqual([
      'budget_band',
      'interests',
      'site_area_sq_ft',
      'visit_on',
      'has_generator',
      'referred_by',
      'field_2nd_contact',
    ]);
    expect(all.map((f) => f.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await t.as('guest@demo.test', 'GET', '/api/v1/custom-fields')).statusCode).toBe(200);
    const [entry] = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=custom_field')).json().data;
    expect(entry).toMatchObject({ action: 'custom_field.created' });
    expect(entry.changes.fieldKey).toEqual({ from: null, to: 'field_2nd_contact' });
  });

  it('refuses bad definitions naming the field, and changes nothing', async () => {
    const before = await state();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ label: 'Budget Band', type: 'text' }, 409, 'conflict', 'key'],
      [{ label: 'Other', key: 'interests', type: 'text' }, 409, 'conflict', 'key'],
      [{ label: 'Tier', type: 'select' }, 400, 'validation_failed', 'options'],
      [{ label: 'Tier', type: 'multi_select', options: [] }, 400, 'validation_failed', 'options'],
      [{ label: 'Tier', type: 'select', options: ['Gold', 'gold '] }, 400, 'validation_failed', 'options.1'],
      [{ label: 'Tier', type: 'select', options: ['Gold', '  '] }, 400, 'validation_failed', 'options.1'],
      [{ label: 'Tier', type: 'text', options: ['Gold'] }, 400, 'validation_failed', 'options'],
      [{ label: 'Tier', type: 'colour' }, 400, 'validation_failed', 'type'],
      [{ label: 'Tier' }, 400, 'validation_failed', 'type'],
      [{ label: '   ', type: 'text' }, 400, 'validation_failed', 'label'],
      [{ label: '***', type: 'text' }, 400, 'validation_failed', 'key'],
      [{ label: 'Tier', key: '9lives', type: 'text' }, 400, 'validation_failed', 'key'],
      [{ label: 'Tier', type: 'text', required: 'yes' }, 400, 'validation_failed', 'required'],
      [{ label: 'Tier', type: 'text', hint: 'x' }, 400, 'validation_failed', 'hint'],
    ];
    for (const [body, status, code, path] of cases) {
      expectProblem(await t.as(ADMIN, 'POST', '/api/v1/custom-fields', body), status, code, path);
    }
    expect(await state()).toBe(before);
  });
});

describe('lead values are checked against the definitions', () => {
  it('refuses a value outside a select field, naming customFields.<key>; stores a good one', async () => {
    const bad = await t.as(SALES, 'POST', '/api/v1/leads', {
      name: 'Suresh Pillai',
      customFields: { budget_band: 'Huge' },
    });
    expectProblem(bad, 400, 'validation_failed', 'customFields.budget_band');
    const unknown = await t.as(SALES, 'POST', '/api/v1/leads', { name: 'Suresh Pillai', customFields: { shoe: 9 } });
    expectProblem(unknown, 400, 'validation_failed', 'customFields.shoe');
    const good = await t.as(SALES, 'POST', '/api/v1/leads', {
      name: 'Suresh Pillai',
      customFields: { budget_band: 'High', interests: ['Solar'], site_area_sq_ft: 1200 },
    });
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json().customFields).toEqual({ budget_band: 'High', interests: ['Solar'], site_area_sq_ft: 1200 });
    const patch = await t.as(SALES, 'PATCH', `/api/v1/leads/${good.json().id}`, {
      version: 1,
      customFields: { interests: ['Solar', 'Hydro'] },
    });
    expectProblem(patch, 400, 'validation_failed', 'customFields.interests');
  });

  it('requires a required field when a lead is created', async () => {
    const made = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/visit_on', { required: true });
    expect(made.json().required).toBe(true);
    const before = await state();
    const missing = await t.as(SALES, 'POST', '/api/v1/leads', { name: 'Farah Sheikh' });
    expectProblem(missing, 400, 'validation_failed', 'customFields.visit_on');
    expect(await state()).toBe(before);
    const ok = await t.as(SALES, 'POST', '/api/v1/leads', {
      name: 'Farah Sheikh',
      customFields: { visit_on: '2026-12-01' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/visit_on', { required: false });
  });
});

describe('changing a custom field', () => {
  it('relabels, reorders and edits options; audited', async () => {
    const response = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/budget_band', {
      label: 'Budget',
      options: ['Low', 'Mid', 'High', 'Enterprise'],
      position: 9,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      key: 'budget_band',
      label: 'Budget',
      options: ['Low', 'Mid', 'High', 'Enterprise'],
      position: 9,
    });
    const [entry] = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=custom_field')).json().data;
    expect(entry.action).toBe('custom_field.updated');
    expect(entry.changes.label).toEqual({ from: 'Budget Band', to: 'Budget' });
  });

  it('changes the type only while no lead holds a value, and keeps options in use', async () => {
    const before = await state();
    const typed = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/budget_band', { type: 'text' });
    const problem = expectProblem(typed, 422, 'unprocessable', 'type');
    expect(problem.detail).toMatch(/^1 lead has a value/);
    const dropped = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/budget_band', { options: ['Low', 'Mid'] });
    expectProblem(dropped, 422, 'unprocessable', 'options');
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/budget_band', { options: [] }),
      400,
      'validation_failed',
      'options',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/has_generator', { options: ['Yes'] }),
      400,
      'validation_failed',
      'options',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/has_generator', { type: 'select' }),
      400,
      'validation_failed',
      'options',
    );
    expectProblem(await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/budget_band', {}), 400, 'validation_failed');
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/budget_band', { label: '' }),
      400,
      'validation_failed',
      'label',
    );
    expectProblem(await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/no_such', { label: 'X' }), 404, 'not_found');
    expect(await state()).toBe(before);

    const unused = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/has_generator', {
      type: 'select',
      options: ['Diesel', 'Gas'],
    });
    expect(unused.statusCode, unused.body).toBe(200);
    expect(unused.json()).toMatchObject({ type: 'select', options: ['Diesel', 'Gas'] });
    const back = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/has_generator', { type: 'boolean' });
    expect(back.json()).toMatchObject({ type: 'boolean', options: [] });
  });
});

describe('deactivating a custom field', () => {
  it('is refused while a stage requires the field', async () => {
    await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/won', { requiredFields: ['customFields.site_area_sq_ft'] });
    const before = await state();
    const refused = expectProblem(
      await t.as(ADMIN, 'DELETE', '/api/v1/custom-fields/site_area_sq_ft'),
      422,
      'unprocessable',
    );
    expect(refused.detail).toMatch(/Won requires this field/);
    expect(await state()).toBe(before);
    await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/won', { requiredFields: ['expectedValue'] });
  });

  it('takes the field out of lead writes, keeps it listed as inactive, and can bring it back', async () => {
    expect((await t.as(ADMIN, 'DELETE', '/api/v1/custom-fields/interests')).statusCode).toBe(204);
    expect((await fields('?active=true')).map((f) => f.key)).not.toContain('interests');
    expect((await fields('?active=false')).map((f) => f.key)).toEqual(['interests']);
    const refused = await t.as(SALES, 'POST', '/api/v1/leads', {
      name: 'Gopal Das',
      customFields: { interests: ['Wind'] },
    });
    expectProblem(refused, 400, 'validation_failed', 'customFields.interests');
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/custom-fields', { label: 'Interests', type: 'text' }),
      409,
      'conflict',
      'key',
    );
    const back = await t.as(ADMIN, 'PATCH', '/api/v1/custom-fields/interests', { active: true });
    expect(back.json().active).toBe(true);
  });
});

describe('who may define custom fields', () => {
  it('answers 403 to every role but ADMIN, and changes nothing', async () => {
    const before = await state();
    for (const who of ['manager1@demo.test', SALES, 'dev@demo.test']) {
      expectProblem(
        await t.as(who, 'POST', '/api/v1/custom-fields', { label: 'Nope', type: 'text' }),
        403,
        'forbidden',
      );
      expectProblem(await t.as(who, 'PATCH', '/api/v1/custom-fields/budget_band', { label: 'X' }), 403, 'forbidden');
      expectProblem(await t.as(who, 'DELETE', '/api/v1/custom-fields/budget_band'), 403, 'forbidden');
    }
    expect(await state()).toBe(before);
  });

  it("answers 404 to another company's admin for a Demo Co field, and changes nothing", async () => {
    const before = await state();
    expectProblem(await t.as(OTHER, 'PATCH', '/api/v1/custom-fields/budget_band', { label: 'Mine' }), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'DELETE', '/api/v1/custom-fields/budget_band'), 404, 'not_found');
    expect((await t.as(OTHER, 'GET', '/api/v1/custom-fields')).json().data).toEqual([]);
    expect(await state()).toBe(before);
  });
});
