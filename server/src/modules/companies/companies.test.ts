import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { demoLogins as allDemoLogins } from '../../composition/demo-seed.ts';
import { withTenant } from '../../db/client.ts';

/** GET and PATCH /company: who may read and change the company, what settings are valid, and the audit. */

let t: TestApp;
let demoCompanyId: string;
let otherCompanyId: string;
let adminId: string;
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';

const demoLogins = allDemoLogins.filter((email) => email.endsWith('@demo.test'));

interface Company {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  locale: string;
  phoneCountry: string;
  fiscalYearStartMonth: number;
}

const demoCo = {
  name: 'Demo Co',
  slug: 'demo',
  timezone: 'Asia/Kolkata',
  currency: 'INR',
  locale: 'en-IN',
  phoneCountry: 'IN',
  fiscalYearStartMonth: 1,
};
const otherCo = {
  name: 'Other Co',
  slug: 'other',
  timezone: 'America/New_York',
  currency: 'USD',
  locale: 'en-US',
  phoneCountry: 'US',
  fiscalYearStartMonth: 1,
};

/** The company row and its audit rows, straight from the database. */
async function state(companyId: string): Promise<string> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const company = await sql`SELECT * FROM companies`.execute(trx);
    const audit = await sql`SELECT id FROM audit_log ORDER BY id`.execute(trx);
    return JSON.stringify({ company: company.rows, audit: audit.rows });
  });
}

async function company(who = ADMIN): Promise<Company> {
  const response = await t.as(who, 'GET', '/api/v1/company');
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Company;
}

beforeAll(async () => {
  t = await createTestApp();
  adminId = await userId(t, ADMIN);
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  otherCompanyId = (await t.as(OTHER, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

describe('GET /company', () => {
  it('answers the caller’s own company, with its settings, to every demo login', async () => {
    for (const who of demoLogins) {
      const got = await company(who);
      expect(got, who).toEqual({ id: demoCompanyId, ...demoCo });
    }
    expect(await company(OTHER)).toEqual({ id: otherCompanyId, ...otherCo });
    expect(demoCompanyId).not.toBe(otherCompanyId);
  });

  it('needs a token', async () => {
    expectProblem(await t.as(null, 'GET', '/api/v1/company'), 401, 'unauthenticated');
  });
});

describe('PATCH /company', () => {
  it('is ADMIN only: a MANAGER (and every other role) gets 403 and nothing changes', async () => {
    const before = await state(demoCompanyId);
    expectProblem(
      await t.as('manager1@demo.test', 'PATCH', '/api/v1/company', { name: 'Manager Co' }),
      403,
      'forbidden',
    );
    for (const who of demoLogins.filter((w) => w !== ADMIN)) {
      expectProblem(await t.as(who, 'PATCH', '/api/v1/company', { timezone: 'UTC' }), 403, 'forbidden');
    }
    expectProblem(await t.as(null, 'PATCH', '/api/v1/company', { timezone: 'UTC' }), 401, 'unauthenticated');
    expect(await state(demoCompanyId)).toBe(before);
  });

  it('refuses invalid settings with 400 validation_failed naming the field; nothing changes', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ timezone: 'Asia/Nowhere' }, 'timezone'],
      [{ timezone: '+05:30' }, 'timezone'],
      [{ timezone: '' }, 'timezone'],
      [{ timezone: 'A'.repeat(65) }, 'timezone'],
      [{ currency: 'XXXX' }, 'currency'],
      [{ currency: 'inr' }, 'currency'],
      [{ currency: 'ABC' }, 'currency'],
      [{ currency: 42 }, 'currency'],
      [{ phoneCountry: 'ZZ' }, 'phoneCountry'],
      [{ phoneCountry: 'AA' }, 'phoneCountry'],
      [{ phoneCountry: 'EU' }, 'phoneCountry'],
      [{ phoneCountry: 'in' }, 'phoneCountry'],
      [{ phoneCountry: 'IND' }, 'phoneCountry'],
      [{ locale: 'not a locale!' }, 'locale'],
      [{ locale: 'x' }, 'locale'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'N'.repeat(201) }, 'name'],
      [{ name: null }, 'name'],
      [{ slug: 'taken-over' }, 'slug'],
      [{ id: '0190c3a4-5b6c-7d8e-9f00-112233445566' }, 'id'],
      // A valid field does not carry an invalid one through.
      [{ name: 'Valid Name', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ currency: 'EUR', phoneCountry: 'ZZ' }, 'phoneCountry'],
    ];
    const before = await state(demoCompanyId);
    for (const [body, path] of cases) {
      expectProblem(await t.as(ADMIN, 'PATCH', '/api/v1/company', body), 400, 'validation_failed', path);
    }
    expectProblem(await t.as(ADMIN, 'PATCH', '/api/v1/company', {}), 400, 'validation_failed');
    expect(await state(demoCompanyId)).toBe(before);
    expect(await company()).toEqual({ id: demoCompanyId, ...demoCo });
  });

  it('applies a valid change, answers it, and audits it as company.updated with only the changed fields', async () => {
    const change = {
      name: '  Demo Co India  ',
      timezone: 'Europe/London',
      currency: 'EUR',
      locale: 'en-GB',
      phoneCountry: 'GB',
      fiscalYearStartMonth: 4,
    };
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/company',
      headers: { authorization: `Bearer ${await t.token(ADMIN)}`, 'x-request-id': 'req-company-1' },
      payload: change,
    });
    expect(response.statusCode, response.body).toBe(200);
    const expected = { id: demoCompanyId, slug: 'demo', ...change, name: 'Demo Co India' };
    expect(response.json()).toEqual(expected);
    expect(await company()).toEqual(expected);
    expect(await company('warrior1@demo.test')).toEqual(expected);
    // The identity carries the settings every page needs; the fiscal year is read where reports need it.
    const { fiscalYearStartMonth: _fiscal, ...identity } = expected;
    expect((await t.as('sales1@demo.test', 'GET', '/api/v1/auth/me')).json().company).toEqual(identity);

    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=company&entityId=${demoCompanyId}`);
    expect(audit.statusCode).toBe(200);
    const [entry, ...rest] = audit.json().data;
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      action: 'company.updated',
      entityType: 'company',
      entityId: demoCompanyId,
      actorUserId: adminId,
      actorName: 'Priya Raman',
      requestId: 'req-company-1',
    });
    expect(entry.changes).toEqual({
      name: { from: 'Demo Co', to: 'Demo Co India' },
      timezone: { from: 'Asia/Kolkata', to: 'Europe/London' },
      currency: { from: 'INR', to: 'EUR' },
      locale: { from: 'en-IN', to: 'en-GB' },
      phoneCountry: { from: 'IN', to: 'GB' },
      fiscalYearStartMonth: { from: 1, to: 4 },
    });

    // One field at a time: the audit names only that field.
    const one = await t.as(ADMIN, 'PATCH', '/api/v1/company', { currency: 'INR' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ ...expected, currency: 'INR' });
    const latest = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=company')).json().data;
    expect(latest).toHaveLength(2);
    expect(latest[0].changes).toEqual({ currency: { from: 'EUR', to: 'INR' } });

    // Other Co is untouched.
    expect(await company(OTHER)).toEqual({ id: otherCompanyId, ...otherCo });
  });

  it('accepts other real values: UTC, legacy zone names, any ISO currency and region', async () => {
    for (const body of [
      { timezone: 'UTC' },
      { timezone: 'America/Argentina/Buenos_Aires' },
      { currency: 'JPY' },
      { locale: 'hi-IN' },
      { locale: 'zh-Hant-TW' },
      { phoneCountry: 'AE' },
    ]) {
      const response = await t.as(ADMIN, 'PATCH', '/api/v1/company', body);
      expect(response.statusCode, `${JSON.stringify(body)}: ${response.body}`).toBe(200);
      expect(response.json()).toMatchObject(body);
    }
    const reset = await t.as(ADMIN, 'PATCH', '/api/v1/company', { ...demoCo, slug: undefined });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toEqual({ id: demoCompanyId, ...demoCo });
  });

  it("one company's admin changes only its own company", async () => {
    const demoBefore = await state(demoCompanyId);
    const response = await t.as(OTHER, 'PATCH', '/api/v1/company', { name: 'Other Co LLC', phoneCountry: 'CA' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ ...otherCo, id: otherCompanyId, name: 'Other Co LLC', phoneCountry: 'CA' });
    expect(await state(demoCompanyId)).toBe(demoBefore);
    expect(await company()).toEqual({ id: demoCompanyId, ...demoCo });
    const otherAudit = (await t.as(OTHER, 'GET', '/api/v1/audit')).json().data as { entityId: string }[];
    expect(otherAudit.map((e) => e.entityId)).toEqual([otherCompanyId]);
    const demoAudit = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=company')).json().data as {
      entityId: string;
    }[];
    expect(demoAudit.every((e) => e.entityId === demoCompanyId)).toBe(true);
  });
});
