import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { backfillCompanyWords } from '../../db/migrations/0013_lead_company_words.ts';

let t: TestApp;
const ids: Record<string, string> = {};

async function create(key: string, body: Record<string, unknown>) {
  const response = await t.as('admin@demo.test', 'POST', '/api/v1/leads', body);
  if (response.statusCode !== 201) throw new Error(`${key}: ${response.statusCode} ${response.body}`);
  ids[key] = response.json().id;
}

async function search(q: string, who = 'admin@demo.test'): Promise<string[]> {
  const response = await t.as(who, 'GET', `/api/v1/leads?limit=200&q=${encodeURIComponent(q)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data.map((l: { id: string }) => l.id);
}

beforeAll(async () => {
  t = await createTestApp();
  const sales1 = await userId(t, 'sales1@demo.test');
  await create('ananya', {
    name: 'Ananya Iyer',
    companyName: 'Lotus Textiles',
    emails: ['ananya.iyer@lotus-textiles.in'],
    phones: ['98765 43210'],
    ownerId: sales1,
  });
  await create('rohit', {
    name: 'Rohit Kumar',
    companyName: 'Keystone Motors',
    emails: ['rohit@keystone.in'],
    phones: ['+91 91234 56780'],
    ownerId: sales1,
  });
  await create('underscore', { name: 'Percent_Sign Traders', ownerId: sales1 });
  await create('lookalike', { name: 'PercentXSign Traders', ownerId: sales1 });
  await create('kalyani', { name: 'Meera Joshi', companyName: 'Kalyani Precision', ownerId: sales1 });
  await create('bluewave', { name: 'Farhan Qureshi', companyName: 'Bluewave Logistics', ownerId: sales1 });
});
afterAll(() => t.close());

describe('lead search', () => {
  it('finds a lead by part of a word of its name or company, in any case', async () => {
    for (const q of ['anany', 'IYE', 'ananya iyer', 'iyer ananya', 'lotus text', 'otus extil']) {
      const found = await search(q);
      expect(found, q).toContain(ids.ananya);
      expect(found, q).not.toContain(ids.rohit);
    }
  });

  it('tolerates typos when the exact words find nothing', async () => {
    for (const q of ['anaya iyr', 'ananya iyerr', 'rohti kumar']) {
      const found = await search(q);
      expect(found, q).toContain(q.startsWith('roh') ? ids.rohit : ids.ananya);
    }
    expect(await search('anaya iyr')).not.toContain(ids.rohit);
    // Exact matches exist: no near misses are mixed in.
    expect(await search('ananya')).not.toContain(ids.rohit);
  });

  it('tolerates typos in company names too', async () => {
    for (const [q, key] of [
      ['Kalyani Precison', 'kalyani'],
      ['kalyni precision', 'kalyani'],
      ['Bluewave Logistix', 'bluewave'],
      ['blue wave', 'bluewave'],
      ['meera kalyani precison', 'kalyani'],
    ] as const) {
      const found = await search(q);
      expect(found, q).toContain(ids[key]);
      expect(found, q).not.toContain(key === 'kalyani' ? ids.bluewave : ids.kalyani);
    }
    // A company edited later is found by its new name's typos.
    await create('renamed', { name: 'Ilse Brandvold', companyName: 'Northwind Pumps' });
    const edited = await t.as('admin@demo.test', 'PATCH', `/api/v1/leads/${ids.renamed}`, {
      companyName: 'Quorvane Hydraulics',
      version: 1,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await search('quorvane hydralics')).toEqual([ids.renamed]);
  });

  it('knows the company names of leads from before the dictionary held them (the backfill)', async () => {
    await sql`DELETE FROM lead_company_words`.execute(t.dbs.owner);
    await t.dbs.owner.transaction().execute((trx) => backfillCompanyWords(trx));
    expect(await search('Bluewave Logistix')).toContain(ids.bluewave);
  });

  it('finds a lead by its phone number written in any format', async () => {
    for (const q of [
      '98765 43210',
      '+91-98765-43210',
      '09876543210',
      '+919876543210',
      '9876543210',
      '(987) 654-3210',
    ]) {
      const found = await search(q);
      expect(found, q).toContain(ids.ananya);
      expect(found, q).not.toContain(ids.rohit);
    }
    expect(await search('43210')).toContain(ids.ananya);
    expect(await search('91234 56780')).toEqual(expect.arrayContaining([ids.rohit]));
  });

  it('finds a lead by its email, whole or in part', async () => {
    expect(await search('ananya.iyer@lotus-textiles.in')).toContain(ids.ananya);
    expect(await search('lotus-textiles.in')).toContain(ids.ananya);
    expect(await search('rohit@keystone')).toEqual([ids.rohit]);
  });

  it('reads _ and % as themselves, and finds nothing for words no lead has', async () => {
    expect(await search('percent_sign')).toEqual([ids.underscore]);
    expect(await search('percentxsign')).toEqual([ids.lookalike]);
    const none = await t.as('admin@demo.test', 'GET', '/api/v1/leads?q=zzqqxxvv');
    expect(none.json()).toEqual({ data: [], nextCursor: null });
  });

  it('tolerates typos in a name given by a later edit, and counts the near misses like the list', async () => {
    const renamed = await t.as('admin@demo.test', 'PATCH', `/api/v1/leads/${ids.rohit}`, {
      version: 1,
      name: 'Zubeida Qureshi',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await search('zubeda qureshy')).toEqual([ids.rohit]);
    const counts = await t.as('admin@demo.test', 'GET', '/api/v1/leads/counts?q=zubeda%20qureshy');
    expect(counts.json().data.find((c: { stage: string }) => c.stage === 'new')).toMatchObject({ count: 1 });
    const back = await t.as('admin@demo.test', 'PATCH', `/api/v1/leads/${ids.rohit}`, {
      version: 2,
      name: 'Rohit Kumar',
    });
    expect(back.statusCode, back.body).toBe(200);
  });

  it('finds only leads the caller may see', async () => {
    expect(await search('ananya iyer', 'sales1@demo.test')).toContain(ids.ananya);
    expect(await search('ananya iyer', 'sales2@demo.test')).not.toContain(ids.ananya);
    expect(await search('98765 43210', 'sales3@demo.test')).not.toContain(ids.ananya);
    expect(await search('ananya iyer', 'admin@other.test')).toEqual([]);
  });

  it('does not match fields hidden from the caller’s role', async () => {
    const company = (await t.as('admin@demo.test', 'GET', '/api/v1/company')).json().id as string;
    await withTenant(t.dbs.app, company, (trx) =>
      trx
        .insertInto('field_permissions')
        .values(
          ['emails', 'phones', 'companyName'].map((field) => ({
            company_id: company,
            role: 'SALESPERSON' as const,
            field,
            access: 'hidden',
          })),
        )
        .execute(),
    );
    try {
      expect(await search('lotus-textiles', 'sales1@demo.test')).toEqual([]);
      expect(await search('98765 43210', 'sales1@demo.test')).toEqual([]);
      expect(await search('keystone', 'sales1@demo.test')).toEqual([]);
      expect(await search('ananya', 'sales1@demo.test')).toContain(ids.ananya);
      expect(await search('lotus-textiles', 'manager1@demo.test')).toContain(ids.ananya);
    } finally {
      await withTenant(t.dbs.app, company, (trx) =>
        trx.deleteFrom('field_permissions').where('role', '=', 'SALESPERSON').execute(),
      );
    }
  });

  it('refuses a search longer than 200 characters, naming q', async () => {
    const response = await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${'a'.repeat(201)}`);
    expectProblem(response, 400, 'validation_failed', 'q');
  });
});
