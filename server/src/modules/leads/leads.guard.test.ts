import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';

/** Tenant isolation, role permissions, field permissions and bad input on the lead routes. */
let t: TestApp;
let lead: { id: string; version: number };

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.as('admin@demo.test', 'POST', '/api/v1/leads', {
    name: 'Guarded Lead',
    ownerId: await userId(t, 'sales1@demo.test'),
    expectedValue: 40000,
    notes: 'Asked for a discount',
  });
  lead = response.json();
});
afterAll(() => t.close());

const idRoutes = (id: string): [string, string, unknown?][] => [
  ['GET', `/api/v1/leads/${id}`],
  ['PATCH', `/api/v1/leads/${id}`, { version: 1, city: 'Pune' }],
  ['POST', `/api/v1/leads/${id}/stage`, { stage: 'demo' }],
  ['GET', `/api/v1/leads/${id}/stage-history`],
  ['POST', `/api/v1/leads/${id}/assign`, { ownerId: null }],
  ['GET', `/api/v1/leads/${id}/assignment`],
];

async function unchanged() {
  const now = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead.id}`)).json();
  expect(now.version).toBe(lead.version);
  return now;
}

describe('lead routes', () => {
  it("answer 404 to another company's admin on every id route, and change nothing", async () => {
    for (const [method, url, body] of idRoutes(lead.id)) {
      expectProblem(await t.as('admin@other.test', method, url, body), 404, 'not_found');
    }
    await unchanged();
  });

  it('answer 403 to roles without the permission', async () => {
    expectProblem(await t.as('guest@demo.test', 'POST', '/api/v1/leads', { name: 'X' }), 403, 'forbidden');
    expectProblem(
      await t.as('guest@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, { version: 1, city: 'Goa' }),
      403,
      'forbidden',
    );
    expectProblem(await t.as('success@demo.test', 'POST', '/api/v1/leads', { name: 'X' }), 403, 'forbidden');
    expectProblem(
      await t.as('warrior1@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { ownerId: null }),
      403,
      'forbidden',
    );
    await unchanged();
  });

  it('reject bad input naming the field, and create or change nothing', async () => {
    const before = (await t.as('admin@demo.test', 'GET', '/api/v1/leads?limit=200')).json().data.length;
    const cases: [unknown, number, string, string][] = [
      [{}, 400, 'validation_failed', 'name'],
      [{ name: '   ' }, 400, 'validation_failed', 'name'],
      [{ name: 'A', phones: ['12345'] }, 400, 'validation_failed', 'phones.0'],
      [{ name: 'A', emails: ['not-an-email'] }, 400, 'validation_failed', 'emails.0'],
      [{ name: 'A', expectedValue: -5 }, 400, 'validation_failed', 'expectedValue'],
      [{ name: 'A', source: 'fax' }, 400, 'validation_failed', 'source'],
      [{ name: 'A', stage: 'nowhere' }, 400, 'validation_failed', 'stage'],
      [{ name: 'A', budget: 5 }, 400, 'validation_failed', 'budget'],
      [{ name: 'A', customFields: { nope: 1 } }, 400, 'validation_failed', 'customFields.nope'],
      [{ name: 'A', stage: 'won' }, 422, 'stage_requirements', 'expectedValue'],
      [{ name: 'A', ownerId: await userId(t, 'warrior1@demo.test') }, 422, 'unprocessable', 'ownerId'],
    ];
    for (const [body, status, code, path] of cases) {
      expectProblem(await t.as('admin@demo.test', 'POST', '/api/v1/leads', body), status, code, path);
    }
    const after = (await t.as('admin@demo.test', 'GET', '/api/v1/leads?limit=200')).json().data.length;
    expect(after).toBe(before);

    const patch = (body: unknown) => t.as('admin@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, body);
    expectProblem(await patch({ city: 'Pune' }), 428, 'precondition_required', 'version');
    expectProblem(await patch({ version: 1, phones: ['abc'] }), 400, 'validation_failed', 'phones.0');
    expectProblem(await patch({ version: 1, name: '' }), 400, 'validation_failed', 'name');
    expectProblem(await patch({ version: 1, stage: 'won' }), 400, 'validation_failed', 'stage');
    expectProblem(
      await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'moon' }),
      400,
      'validation_failed',
      'stage',
    );
    expectProblem(
      await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'lost' }),
      422,
      'stage_requirements',
      'fields.lostReason',
    );
    expectProblem(
      await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, {}),
      400,
      'validation_failed',
      'ownerId',
    );
    expectProblem(
      await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { coSalesIds: ['not-a-uuid'] }),
      400,
      'validation_failed',
      'coSalesIds.0',
    );
    await unchanged();
  });

  it('accept If-Match as the version, and answer 409 to a stale one', async () => {
    const first = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.id}`,
      headers: { authorization: `Bearer ${await t.token('admin@demo.test')}`, 'if-match': `"${lead.version}"` },
      payload: { city: 'Nashik' },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers.etag).toBe(`"${lead.version + 1}"`);
    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.id}`,
      headers: { authorization: `Bearer ${await t.token('admin@demo.test')}`, 'if-match': `"${lead.version}"` },
      payload: { city: 'Thane' },
    });
    const problem = expectProblem(stale, 409, 'version_conflict');
    expect(problem).toMatchObject({ currentVersion: lead.version + 1 });
    lead = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead.id}`)).json();
    expect(lead).toMatchObject({ city: 'Nashik' });
  });
});

describe('assignment reach', () => {
  it('lets a salesperson put only its own warriors on a lead', async () => {
    const warrior1 = await userId(t, 'warrior1@demo.test');
    const warrior3 = await userId(t, 'warrior3@demo.test');
    const ok = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { warriorIds: [warrior1] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().warriorIds).toEqual([warrior1]);
    expect(ok.json().warriors).toEqual([{ id: warrior1, name: 'Aditya Kulkarni' }]);
    expectProblem(
      await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { warriorIds: [warrior3] }),
      403,
      'forbidden',
      'warriorIds.0',
    );
    expectProblem(
      await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, {
        ownerId: await userId(t, 'sales2@demo.test'),
      }),
      403,
      'forbidden',
      'ownerId',
    );
  });

  it('keeps a manager inside its subtree, and records the why of a manual reassignment', async () => {
    const sales3 = await userId(t, 'sales3@demo.test');
    const sales2 = await userId(t, 'sales2@demo.test');
    expectProblem(
      await t.as('manager1@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { ownerId: sales3 }),
      403,
      'forbidden',
      'ownerId',
    );
    const moved = await t.as('manager1@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { ownerId: sales2 });
    expect(moved.statusCode, moved.body).toBe(200);
    const why = (await t.as('manager1@demo.test', 'GET', `/api/v1/leads/${lead.id}/assignment`)).json();
    expect(why.current).toMatchObject({ reason: 'manual', ownerId: sales2, ownerName: 'Sneha Patil' });
    expect(why.current.detail).toContain('Vikram Mehta');
    expect(why.history.length).toBeGreaterThanOrEqual(2);
    // The lead left sales1's reach (its warrior came off with the old owner): it is now invisible to it.
    expect(moved.json().warriorIds).toEqual([]);
    expectProblem(await t.as('sales1@demo.test', 'GET', `/api/v1/leads/${lead.id}`), 404, 'not_found');
  });
});

describe('field permissions', () => {
  it('hide the value, notes and owner from a partner, and refuse its writes to them', async () => {
    const partnerUser = await userId(t, 'partner@demo.test');
    const company = (await t.as('admin@demo.test', 'GET', '/api/v1/company')).json().id as string;
    const partnerId = newId();
    await withTenant(t.dbs.app, company, async (trx) => {
      await trx.insertInto('partners').values({ company_id: company, id: partnerId, name: 'Guard Partners' }).execute();
      await sql`UPDATE users SET partner_id = ${partnerId} WHERE id = ${partnerUser}`.execute(trx);
    });
    const handed = await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, { partnerId });
    expect(handed.statusCode, handed.body).toBe(200);
    const seen = await t.as('partner@demo.test', 'GET', `/api/v1/leads/${lead.id}`);
    expect(seen.statusCode, seen.body).toBe(200);
    const body = seen.json();
    const hiddenFields = ['expectedValue', 'currency', 'notes', 'ownerId', 'ownerName', 'warriorIds', 'coSalesIds'];
    for (const hidden of [...hiddenFields, 'warriors', 'coSales']) {
      expect(body, hidden).not.toHaveProperty(hidden);
    }
    expect(body.editable).not.toContain('expectedValue');
    expect(body.partnerName).toBe('Guard Partners');
    const listed = (await t.as('partner@demo.test', 'GET', '/api/v1/leads')).json().data;
    expect(listed.map((l: { id: string }) => l.id)).toEqual([lead.id]);
    expect(listed[0]).not.toHaveProperty('expectedValue');

    const denied = await t.as('partner@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, {
      version: body.version,
      expectedValue: 1,
      city: 'Panaji',
    });
    expectProblem(denied, 403, 'field_forbidden', 'expectedValue');
    const still = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead.id}`)).json();
    expect(still).toMatchObject({ expectedValue: 40000, version: body.version });
    expect(still.city).not.toBe('Panaji');
    const allowed = await t.as('partner@demo.test', 'PATCH', `/api/v1/leads/${lead.id}`, {
      version: body.version,
      city: 'Panaji',
    });
    expect(allowed.statusCode, allowed.body).toBe(200);
  });

  it('show a guest every field read-only', async () => {
    const seen = (await t.as('guest@demo.test', 'GET', `/api/v1/leads/${lead.id}`)).json();
    expect(seen).toHaveProperty('expectedValue');
    expect(seen.editable).toEqual([]);
  });
});
