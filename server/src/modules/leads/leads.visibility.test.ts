import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';

/**
 * The visibility matrix: a fixture of leads across the hierarchy, and for each role exactly the leads it sees,
 * through list, search and get. Fixture names share a token so the demo pipeline's leads stay out of the way.
 */
const TOKEN = 'vizfix';
let t: TestApp;
const ids: Record<string, string> = {};

async function create(who: string, key: string, body: Record<string, unknown>) {
  const response = await t.as(who, 'POST', '/api/v1/leads', { name: `${TOKEN} ${key}`, ...body });
  if (response.statusCode !== 201) throw new Error(`${key}: ${response.statusCode} ${response.body}`);
  ids[key] = response.json().id;
}

beforeAll(async () => {
  t = await createTestApp();
  const u = async (name: string) => userId(t, `${name}@demo.test`);
  const [sales1, sales2, sales3, sales4, warrior1, warrior3, cosales] = await Promise.all(
    ['sales1', 'sales2', 'sales3', 'sales4', 'warrior1', 'warrior3', 'cosales'].map(u),
  );
  const partnerUser = await u('partner');
  const company = (await t.as('admin@demo.test', 'GET', '/api/v1/company')).json().id as string;
  const partnerId = newId();
  await withTenant(t.dbs.app, company, async (trx) => {
    await trx
      .insertInto('partners')
      .values({ company_id: company, id: partnerId, name: 'Visibility Partners' })
      .execute();
    await sql`UPDATE users SET partner_id = ${partnerId} WHERE id = ${partnerUser}`.execute(trx);
  });
  await create('admin@demo.test', 'own1', { ownerId: sales1 });
  await create('admin@demo.test', 'warrior1', { ownerId: sales1, warriorIds: [warrior1] });
  await create('admin@demo.test', 'warrior3', { ownerId: sales2, warriorIds: [warrior3] });
  await create('admin@demo.test', 'cosales', { ownerId: sales3, coSalesIds: [cosales] });
  await create('admin@demo.test', 'sales1co', { ownerId: sales3, coSalesIds: [sales1] });
  await create('admin@demo.test', 'partner', { ownerId: sales4, partnerId });
  await create('admin@demo.test', 'unowned', { ownerId: null });
  await create('admin@demo.test', 'won', { ownerId: sales2, stage: 'won', expectedValue: 90000 });
  await create('integration@demo.test', 'integration', { ownerId: sales4 });
});
afterAll(() => t.close());

const all = ['own1', 'warrior1', 'warrior3', 'cosales', 'sales1co', 'partner', 'unowned', 'won', 'integration'];
const expected: Record<string, string[]> = {
  admin: all,
  dev: all,
  guest: all,
  manager1: ['own1', 'warrior1', 'warrior3', 'won'],
  manager2: ['cosales', 'sales1co', 'partner', 'integration'],
  sales1: ['own1', 'warrior1', 'sales1co'],
  sales2: ['warrior3', 'won'],
  sales3: ['cosales', 'sales1co'],
  warrior1: ['warrior1'],
  warrior2: [],
  warrior3: ['warrior3'],
  cosales: ['cosales'],
  success: ['won'],
  partner: ['partner'],
  integration: ['integration'],
};

async function listed(who: string, query: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await t.as(who, 'GET', `/api/v1/leads?${query}&limit=200${suffix}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    found.push(...page.data.map((l: { id: string }) => l.id));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

const keysOf = (leadIds: string[]) =>
  Object.entries(ids)
    .filter(([, id]) => leadIds.includes(id))
    .map(([key]) => key)
    .sort();

describe('lead visibility', () => {
  for (const [who, keys] of Object.entries(expected)) {
    it(`${who} sees exactly its leads in the list, in search and by id`, async () => {
      const email = `${who}@demo.test`;
      const searched = await listed(email, `q=${TOKEN}`);
      expect(keysOf(searched)).toEqual([...keys].sort());
      expect(new Set(searched).size).toBe(searched.length);

      const everything = await listed(email, 'q=');
      expect(keysOf(everything)).toEqual([...keys].sort());

      for (const key of all) {
        const response = await t.as(email, 'GET', `/api/v1/leads/${ids[key]}`);
        expect(response.statusCode, `${who} GET ${key}`).toBe(keys.includes(key) ? 200 : 404);
      }
    });
  }

  it("limits an integration's API key to the leads it brought in, unless the key has leads:read-all", async () => {
    const plain = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'Tally sync' });
    const wide = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'Reporting export' });
    // Only an admin grants the scope (see api-keys.test.ts).
    const granted = await t.as('admin@demo.test', 'PATCH', `/api/v1/api-keys/${wide.json().id}`, {
      scopes: ['leads:read-all'],
    });
    expect(granted.json().scopes).toEqual(['leads:read-all']);
    expect(keysOf(await listed(plain.json().key, `q=${TOKEN}`))).toEqual(['integration']);
    expect(keysOf(await listed(wide.json().key, `q=${TOKEN}`))).toEqual([...all].sort());
    const bad = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'x', scopes: ['root'] });
    expect(bad.statusCode).toBe(400);
  });

  it('lets a salesperson find its warriors’ leads even when a warrior is added later', async () => {
    const warrior2 = await userId(t, 'warrior2@demo.test');
    const assign = await t.as('admin@demo.test', 'POST', `/api/v1/leads/${ids.warrior3}/assign`, {
      warriorIds: [warrior2],
    });
    expect(assign.statusCode, assign.body).toBe(200);
    expect(keysOf(await listed('sales1@demo.test', `q=${TOKEN}`))).toEqual([
      'own1',
      'sales1co',
      'warrior1',
      'warrior3',
    ]);
    expect(keysOf(await listed('warrior3@demo.test', `q=${TOKEN}`))).toEqual([]);
  });
});
