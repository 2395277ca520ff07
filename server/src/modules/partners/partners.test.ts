import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Partner organisations, and the leads handed to them. */

const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const PARTNER = 'partner@demo.test';
let t: TestApp;
let demoCompanyId: string;
let sunrise: string;

interface Partner {
  id: string;
  name: string;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  territories: string[];
  active: boolean;
}

beforeAll(async () => {
  t = await createTestApp();
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

/** Demo Co's partners and audit rows, straight from the database. */
const state = () =>
  withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const rows = await sql`SELECT * FROM partners ORDER BY id`.execute(trx);
    const audit = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(trx);
    return JSON.stringify({ rows: rows.rows, audit: audit.rows });
  });

const create = async (body: Record<string, unknown>, who = ADMIN) => {
  const response = await t.as(who, 'POST', '/api/v1/partners', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Partner;
};

describe('the demo partner', () => {
  it('is Sunrise Channel Partners, covering Maharashtra and Goa', async () => {
    const response = await t.as(ADMIN, 'GET', '/api/v1/partners');
    expect(response.statusCode, response.body).toBe(200);
    const [first] = response.json().data as Partner[];
    expect(first).toMatchObject({
      name: 'Sunrise Channel Partners',
      contactPhone: '+919822012345',
      territories: ['Maharashtra', 'Goa'],
      active: true,
    });
    sunrise = first?.id as string;
  });
});

describe('managing partners', () => {
  it('adds a partner with its contact normalised: email lower-cased, phone to E.164, territories distinct', async () => {
    const partner = await create({
      name: '  Deccan Solar Dealers ',
      contactName: ' Manoj Kulkarni ',
      contactEmail: 'Manoj@DeccanSolar.example',
      contactPhone: '098220 54321',
      territories: [' Karnataka', 'Goa', 'goa'],
    });
    expect(partner).toMatchObject({
      name: 'Deccan Solar Dealers',
      contactName: 'Manoj Kulkarni',
      contactEmail: 'manoj@deccansolar.example',
      contactPhone: '+919822054321',
      territories: ['Karnataka', 'Goa'],
      active: true,
    });
    expect((await t.as(ADMIN, 'GET', `/api/v1/partners/${partner.id}`)).json()).toEqual(
      expect.objectContaining({ id: partner.id, name: 'Deccan Solar Dealers' }),
    );
    const [entry] = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${partner.id}`)).json().data;
    expect(entry).toMatchObject({ action: 'partner.created', entityType: 'partner' });
    // Another company reads phone numbers with its own country.
    const us = await create({ name: 'Hudson Resellers', contactPhone: '(415) 555-2671' }, OTHER);
    expect(us.contactPhone).toBe('+14155552671');
  });

  it('changes and deactivates a partner; clears a contact with null; audited', async () => {
    const partner = await create({ name: 'Vidarbha Agencies', contactPhone: '9822012399' });
    const response = await t.as(ADMIN, 'PATCH', `/api/v1/partners/${partner.id}`, {
      name: 'Vidarbha Agencies Pvt Ltd',
      contactPhone: null,
      active: false,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Vidarbha Agencies Pvt Ltd', contactPhone: null, active: false });
    const [entry] = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${partner.id}`)).json().data;
    expect(entry.action).toBe('partner.updated');
    expect(entry.changes).toEqual({
      name: { from: 'Vidarbha Agencies', to: 'Vidarbha Agencies Pvt Ltd' },
      contactPhone: { from: '+919822012399', to: null },
      active: { from: true, to: false },
    });
    const active = (await t.as(ADMIN, 'GET', '/api/v1/partners?active=true')).json().data as Partner[];
    expect(active.map((p) => p.name)).not.toContain('Vidarbha Agencies Pvt Ltd');
  });

  it('lists by name with a search and keyset pages', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = (await t.as('manager1@demo.test', 'GET', `/api/v1/partners?limit=1${query}`)).json();
      expect(page.data.length).toBeLessThanOrEqual(1);
      all.push(...page.data.map((p: Partner) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toEqual(['Deccan Solar Dealers', 'Sunrise Channel Partners', 'Vidarbha Agencies Pvt Ltd']);
    const found = (await t.as(ADMIN, 'GET', '/api/v1/partners?q=karnat')).json().data as Partner[];
    expect(found.map((p) => p.name)).toEqual(['Deccan Solar Dealers']);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const before = await state();
    const creates: [Record<string, unknown>, number, string, string][] = [
      [{ name: 'sunrise channel partners' }, 409, 'conflict', 'name'],
      [{ name: '   ' }, 400, 'validation_failed', 'name'],
      [{}, 400, 'validation_failed', 'name'],
      [{ name: 'Fine', contactPhone: '12345' }, 400, 'validation_failed', 'contactPhone'],
      [{ name: 'Fine', contactEmail: 'not-an-email' }, 400, 'validation_failed', 'contactEmail'],
      [{ name: 'Fine', territories: ['Goa', ' '] }, 400, 'validation_failed', 'territories.1'],
      [{ name: 'Fine', territories: 'Goa' }, 400, 'validation_failed', 'territories'],
      [{ name: 'Fine', active: 'yes' }, 400, 'validation_failed', 'active'],
      [{ name: 'Fine', website: 'x' }, 400, 'validation_failed', 'website'],
    ];
    for (const [body, status, code, path] of creates) {
      expectProblem(await t.as(ADMIN, 'POST', '/api/v1/partners', body), status, code, path);
    }
    const deccan = (await t.as(ADMIN, 'GET', '/api/v1/partners?q=deccan')).json().data[0].id;
    const patches: [Record<string, unknown>, number, string, string | undefined][] = [
      [{ name: 'Sunrise Channel Partners' }, 409, 'conflict', 'name'],
      [{ contactPhone: 'call me' }, 400, 'validation_failed', 'contactPhone'],
      [{ name: '' }, 400, 'validation_failed', 'name'],
      [{}, 400, 'validation_failed', undefined],
    ];
    for (const [body, status, code, path] of patches) {
      expectProblem(await t.as(ADMIN, 'PATCH', `/api/v1/partners/${deccan}`, body), status, code, path);
    }
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/partners/01900000-0000-7000-8000-000000000000', { name: 'X' }),
      404,
      'not_found',
    );
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/partners/not-a-uuid'), 400, 'validation_failed', 'id');
    expect(await state()).toBe(before);
  });
});

describe('who may see and manage partners', () => {
  it('lets managers and salespeople read; only admins manage; partner users have no access', async () => {
    expect((await t.as('sales1@demo.test', 'GET', `/api/v1/partners/${sunrise}`)).statusCode).toBe(200);
    const before = await state();
    for (const who of ['manager1@demo.test', 'sales1@demo.test']) {
      expectProblem(await t.as(who, 'POST', '/api/v1/partners', { name: 'Nope' }), 403, 'forbidden');
      expectProblem(await t.as(who, 'PATCH', `/api/v1/partners/${sunrise}`, { name: 'Nope' }), 403, 'forbidden');
    }
    for (const who of [PARTNER, 'warrior1@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/partners'), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', `/api/v1/partners/${sunrise}`), 403, 'forbidden');
    }
    expect(await state()).toBe(before);
  });

  it("answers 404 to another company's admin for a Demo Co partner, and changes nothing", async () => {
    const before = await state();
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/partners/${sunrise}`), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'PATCH', `/api/v1/partners/${sunrise}`, { name: 'Mine' }), 404, 'not_found');
    const theirs = (await t.as(OTHER, 'GET', '/api/v1/partners')).json().data as Partner[];
    expect(theirs.map((p) => p.name)).toEqual(['Hudson Resellers']);
    expect(await state()).toBe(before);
  });
});

describe('handing a lead to a partner', () => {
  it('lets the partner user see and work it, and takes it away again', async () => {
    const created = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Rekha Naik', city: 'Margao' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expectProblem(await t.as(PARTNER, 'GET', `/api/v1/leads/${id}`), 404, 'not_found');

    const handed = await t.as(ADMIN, 'POST', `/api/v1/leads/${id}/assign`, { partnerId: sunrise });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json()).toMatchObject({ partnerId: sunrise, partnerName: 'Sunrise Channel Partners' });
    const list = (await t.as(PARTNER, 'GET', '/api/v1/leads?limit=200')).json().data as { id: string }[];
    expect(list.map((l) => l.id)).toContain(id);
    const seen = await t.as(PARTNER, 'GET', `/api/v1/leads/${id}`);
    expect(seen.statusCode, seen.body).toBe(200);
    const worked = await t.as(PARTNER, 'PATCH', `/api/v1/leads/${id}`, {
      version: seen.json().version,
      city: 'Panaji',
    });
    expect(worked.statusCode, worked.body).toBe(200);
    expect(worked.json().city).toBe('Panaji');

    const back = await t.as(ADMIN, 'POST', `/api/v1/leads/${id}/assign`, { partnerId: null });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().partnerId).toBeNull();
    expectProblem(await t.as(PARTNER, 'GET', `/api/v1/leads/${id}`), 404, 'not_found');
    expectProblem(
      await t.as(PARTNER, 'PATCH', `/api/v1/leads/${id}`, { version: back.json().version, city: 'Vasco' }),
      404,
      'not_found',
    );
    const after = (await t.as(PARTNER, 'GET', '/api/v1/leads?limit=200')).json().data as { id: string }[];
    expect(after.map((l) => l.id)).not.toContain(id);
  });

  it('refuses handing a lead to an inactive partner', async () => {
    const lead = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Omkar Sawant' })).json();
    const inactive = (await t.as(ADMIN, 'GET', '/api/v1/partners?active=false')).json().data[0].id;
    expectProblem(
      await t.as(ADMIN, 'POST', `/api/v1/leads/${lead.id}/assign`, { partnerId: inactive }),
      422,
      'unprocessable',
      'partnerId',
    );
  });
});
