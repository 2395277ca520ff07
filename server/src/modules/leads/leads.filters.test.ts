import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** Fixture leads share a token in their names; every query adds q=<token> to leave the demo pipeline out. */
const TOKEN = 'fltfix';
let t: TestApp;
const ids: Record<string, string> = {};
const created: Record<string, string> = {};
const users: Record<string, string> = {};
let partnerId = '';

async function create(key: string, body: Record<string, unknown>) {
  const response = await t.as('admin@demo.test', 'POST', '/api/v1/leads', { name: `${TOKEN} ${key}`, ...body });
  if (response.statusCode !== 201) throw new Error(`${key}: ${response.statusCode} ${response.body}`);
  ids[key] = response.json().id;
  created[key] = response.json().createdAt;
  t.clock.advance(86_400_000);
}

/** The fixture keys the query finds, sorted. */
async function found(query: string, who = 'admin@demo.test'): Promise<string[]> {
  const response = await t.as(who, 'GET', `/api/v1/leads?limit=200&q=${TOKEN}&${query}`);
  expect(response.statusCode, `${query}: ${response.body}`).toBe(200);
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return response
    .json()
    .data.map((l: { id: string }) => byId[l.id] ?? l.id)
    .sort();
}

const field = async (body: Record<string, unknown>) => {
  const response = await t.as('admin@demo.test', 'POST', '/api/v1/custom-fields', body);
  if (response.statusCode !== 201) throw new Error(`custom field: ${response.statusCode} ${response.body}`);
};

beforeAll(async () => {
  t = await createTestApp();
  for (const name of ['admin', 'sales1', 'sales2', 'sales3', 'warrior1', 'cosales', 'partner']) {
    users[name] = await userId(t, `${name}@demo.test`);
  }
  const company = (await t.as('admin@demo.test', 'GET', '/api/v1/company')).json().id as string;
  partnerId = await withTenant(t.dbs.app, company, async (trx) => {
    const row = await trx
      .selectFrom('users')
      .select('partner_id')
      .where('id', '=', users.partner as string)
      .executeTakeFirst();
    return row?.partner_id as string;
  });
  await field({ key: 'industry', label: 'Industry', type: 'select', options: ['Retail', 'Pharma', 'IT'] });
  await field({ key: 'employees', label: 'Employees', type: 'number' });
  await field({ key: 'renewal', label: 'Renewal', type: 'date' });
  await field({ key: 'gst', label: 'GST registered', type: 'boolean' });
  await field({ key: 'interests', label: 'Interests', type: 'multi_select', options: ['Cloud', 'Mobile'] });
  await field({ key: 'remark', label: 'Remark', type: 'text' });

  await create('alpha', {
    ownerId: users.sales1,
    source: 'facebook',
    campaign: 'Diwali Offer',
    product: 'ERP Pro',
    city: 'Pune',
    state: 'Maharashtra',
    country: 'India',
    territory: 'West',
    tags: ['hot', 'export'],
    expectedValue: 1000,
    expectedCloseDate: '2026-12-01',
    warriorIds: [users.warrior1],
    coSalesIds: [users.cosales],
    customFields: {
      industry: 'Retail',
      employees: 50,
      renewal: '2027-01-15',
      gst: true,
      interests: ['Cloud', 'Mobile'],
      remark: 'Priority',
    },
  });
  await create('beta', {
    ownerId: users.sales2,
    source: 'web_form',
    campaign: 'Trade Fair, Mumbai',
    city: 'Mumbai',
    state: 'Maharashtra',
    country: 'India',
    territory: 'West',
    tags: ['warm'],
    expectedValue: 5000,
    expectedCloseDate: '2027-03-01',
    partnerId,
    customFields: { industry: 'Pharma', employees: 500, gst: false, interests: ['Mobile'] },
  });
  await create('gamma', {
    ownerId: null,
    source: 'manual',
    city: 'pune',
    territory: 'West',
    tags: ['hot'],
    stage: 'lost',
    lostReason: 'Price too high',
  });
  await create('delta', {
    ownerId: users.sales3,
    stage: 'won',
    expectedValue: 20000,
    currency: 'USD',
    city: 'Chennai',
    territory: 'South',
    tags: ['hot', 'warm'],
    customFields: { industry: 'IT', employees: 5 },
  });
});
afterAll(() => t.close());

describe('lead list filters', () => {
  it('filters by stage, owner (or none), source and currency, several values each', async () => {
    expect(await found('')).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(await found('stage=won,lost')).toEqual(['delta', 'gamma']);
    expect(await found(`ownerId=${users.sales1},none`)).toEqual(['alpha', 'gamma']);
    expect(await found('ownerId=none')).toEqual(['gamma']);
    expect(await found('source=facebook,web_form')).toEqual(['alpha', 'beta']);
    expect(await found('currency=usd')).toEqual(['delta']);
    expect(await found('stage=new&source=web_form')).toEqual(['beta']);
  });

  it('filters text fields ignoring case, repeating the parameter for any of several', async () => {
    expect(await found('city=PUNE')).toEqual(['alpha', 'gamma']);
    expect(await found('city=pune&city=Chennai')).toEqual(['alpha', 'delta', 'gamma']);
    expect(await found(`campaign=${encodeURIComponent('Trade Fair, Mumbai')}`)).toEqual(['beta']);
    expect(await found('product=erp%20pro')).toEqual(['alpha']);
    expect(await found('state=Maharashtra&territory=West')).toEqual(['alpha', 'beta']);
    expect(await found('country=india')).toEqual(['alpha', 'beta']);
    expect(await found('lostReason=price%20too%20high')).toEqual(['gamma']);
  });

  it('filters by tags, any of them or all of them', async () => {
    expect(await found('tags=export,warm')).toEqual(['alpha', 'beta', 'delta']);
    expect(await found('tags=hot,warm&tagsMatch=all')).toEqual(['delta']);
    expect(await found('tags=hot&tagsMatch=all')).toEqual(['alpha', 'delta', 'gamma']);
  });

  it('filters by partner, warrior, co-sales and creator', async () => {
    expect(await found(`partnerId=${partnerId}`)).toEqual(['beta']);
    expect(await found('partnerId=none')).toEqual(['alpha', 'delta', 'gamma']);
    expect(await found(`warriorId=${users.warrior1}`)).toEqual(['alpha']);
    expect(await found(`coSalesId=${users.cosales}`)).toEqual(['alpha']);
    expect(await found('coSalesId=none')).toEqual(['beta', 'delta', 'gamma']);
    expect(await found(`createdBy=${users.admin}`)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(await found(`createdBy=${users.sales1}`)).toEqual([]);
  });

  it('filters by date and value ranges, bounds included', async () => {
    const q = (s: string) => encodeURIComponent(s);
    expect(await found(`createdAt.min=${q(created.beta as string)}`)).toEqual(['beta', 'delta', 'gamma']);
    expect(await found(`createdAt.max=${q(created.beta as string)}`)).toEqual(['alpha', 'beta']);
    // A calendar day is read in the company's time zone and the max takes in the whole day.
    const day = new Date(new Date(created.gamma as string).getTime() + 5.5 * 3_600_000).toISOString().slice(0, 10);
    expect(await found(`createdAt.min=${day}&createdAt.max=${day}`)).toEqual(['gamma']);
    expect(await found(`updatedAt.min=${q(created.delta as string)}`)).toEqual(['delta']);
    expect(await found(`stageChangedAt.max=${q(created.alpha as string)}`)).toEqual(['alpha']);
    expect(await found(`lastTouchedAt.min=${q(created.gamma as string)}`)).toEqual(['delta', 'gamma']);
    expect(await found('expectedCloseDate.min=2026-12-01&expectedCloseDate.max=2027-02-28')).toEqual(['alpha']);
    expect(await found('expectedValue.min=1000&expectedValue.max=5000')).toEqual(['alpha', 'beta']);
    expect(await found('expectedValue.min=5000.5')).toEqual(['delta']);
  });

  it('filters by custom fields: values, options, ranges and yes/no', async () => {
    expect(await found('cf.industry=retail')).toEqual(['alpha']);
    expect(await found('cf.industry=Retail&cf.industry=Pharma')).toEqual(['alpha', 'beta']);
    expect(await found('cf.employees=50')).toEqual(['alpha']);
    expect(await found('cf.employees.min=10&cf.employees.max=500')).toEqual(['alpha', 'beta']);
    expect(await found('cf.renewal.max=2027-02-01')).toEqual(['alpha']);
    expect(await found('cf.renewal=2027-01-15')).toEqual(['alpha']);
    expect(await found('cf.gst=false')).toEqual(['beta']);
    expect(await found('cf.gst=true')).toEqual(['alpha']);
    expect(await found('cf.interests=mobile')).toEqual(['alpha', 'beta']);
    expect(await found('cf.interests=Cloud')).toEqual(['alpha']);
    expect(await found('cf.remark=PRIORITY')).toEqual(['alpha']);
    expect(await found(`cf.industry=IT&stage=won&ownerId=${users.sales3}`)).toEqual(['delta']);
  });

  it('answers 400 naming the parameter for an unknown filter or a bad value', async () => {
    const cases: [string, string][] = [
      ['budget=5', 'budget'],
      ['stage=nowhere', 'stage'],
      ['source=fax', 'source'],
      ['ownerId=abc', 'ownerId'],
      ['partnerId=none,xyz', 'partnerId'],
      ['currency=rupees', 'currency'],
      ['createdAt.min=yesterday', 'createdAt.min'],
      ['createdAt.max=2026-02-30', 'createdAt.max'],
      ['expectedCloseDate.min=2026-12-01T00:00:00Z', 'expectedCloseDate.min'],
      ['expectedValue.min=lots', 'expectedValue.min'],
      ['tagsMatch=some', 'tagsMatch'],
      ['cf.unknown=1', 'cf.unknown'],
      ['cf.industry=Steel', 'cf.industry'],
      ['cf.employees=many', 'cf.employees'],
      ['cf.gst=maybe', 'cf.gst'],
      ['cf.industry.min=1', 'cf.industry.min'],
      ['cf.renewal.max=soon', 'cf.renewal.max'],
      ['cf.Bad=1', 'cf.Bad'],
      ['sort=shoeSize', 'sort'],
      ['sort=constructor', 'sort'],
      ['toString=1', 'toString'],
      ['cf.constructor=1', 'cf.constructor'],
      ['sort=customFields.interests', 'sort'],
      ['sort=customFields.nothere', 'sort'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ];
    for (const [query, path] of cases) {
      expectProblem(await t.as('admin@demo.test', 'GET', `/api/v1/leads?${query}`), 400, 'validation_failed', path);
    }
    expectProblem(
      await t.as('admin@demo.test', 'GET', '/api/v1/leads/counts?cf.gst=maybe'),
      400,
      'validation_failed',
      'cf.gst',
    );
  });

  it('refuses filters and sorts on fields hidden from the role (a partner does not see values or owners)', async () => {
    for (const query of [
      'expectedValue.min=1',
      `ownerId=${users.sales2}`,
      'ownerId=none',
      `coSalesId=${users.cosales}`,
      'currency=INR',
    ]) {
      const path = query.split('=')[0] as string;
      expectProblem(await t.as('partner@demo.test', 'GET', `/api/v1/leads?${query}`), 400, 'validation_failed', path);
      expectProblem(
        await t.as('partner@demo.test', 'GET', `/api/v1/leads/counts?${query}`),
        400,
        'validation_failed',
        path,
      );
    }
    for (const sort of ['expectedValue', '-expectedValue', 'ownerName', 'currency']) {
      expectProblem(
        await t.as('partner@demo.test', 'GET', `/api/v1/leads?sort=${sort}`),
        400,
        'validation_failed',
        'sort',
      );
    }
    // What it may see, it may filter by.
    expect(await found('city=mumbai&cf.industry=Pharma', 'partner@demo.test')).toEqual(['beta']);
  });

  it('refuses a custom field an override hides from the role', async () => {
    const company = (await t.as('admin@demo.test', 'GET', '/api/v1/company')).json().id as string;
    await withTenant(t.dbs.app, company, (trx) =>
      sql`INSERT INTO field_permissions (company_id, role, field, access)
          VALUES (${company}, 'SALESPERSON', 'customFields.employees', 'hidden')`.execute(trx),
    );
    try {
      const list = (q: string) => t.as('sales1@demo.test', 'GET', `/api/v1/leads?${q}`);
      expectProblem(await list('cf.employees.min=1'), 400, 'validation_failed', 'cf.employees.min');
      expectProblem(await list('sort=-customFields.employees'), 400, 'validation_failed', 'sort');
      expect(await found('cf.industry=retail', 'sales1@demo.test')).toEqual(['alpha']);
    } finally {
      await withTenant(t.dbs.app, company, (trx) =>
        trx.deleteFrom('field_permissions').where('role', '=', 'SALESPERSON').execute(),
      );
    }
  });
});
