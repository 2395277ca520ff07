import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
const ids: Record<string, string> = {};

type Hit = { type: 'lead' | 'user'; id: string; title: string; subtitle: string | null };

async function search(who: string, q: string): Promise<Hit[]> {
  const response = await t.as(who, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

async function lead(who: string, body: Record<string, unknown>): Promise<string> {
  const response = await t.as(who, 'POST', '/api/v1/leads?onDuplicate=create', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

beforeAll(async () => {
  t = await createTestApp();
  const sales1 = await userId(t, 'sales1@demo.test');
  const sales2 = await userId(t, 'sales2@demo.test');
  ids.mine = await lead('admin@demo.test', { name: 'Quentavius Mine', companyName: 'Ostrovia Pumps', ownerId: sales1 });
  ids.theirs = await lead('admin@demo.test', { name: 'Quentavius Theirs', ownerId: sales2 });
  ids.other = await lead('admin@other.test', { name: 'Quentavius Elsewhere' });
  ids.sales1 = sales1;
});
afterAll(() => t.close());

describe('GET /search', () => {
  it('finds leads and users in one answer, each typed, typos in a company name included', async () => {
    const hits = await search('admin@demo.test', 'quentavius');
    expect(hits.filter((h) => h.type === 'lead').map((h) => h.id)).toEqual(
      expect.arrayContaining([ids.mine, ids.theirs]),
    );
    expect(hits.find((h) => h.id === ids.mine)).toEqual({
      type: 'lead',
      id: ids.mine,
      title: 'Quentavius Mine',
      subtitle: 'Ostrovia Pumps',
    });
    const users = (await search('admin@demo.test', 'sales1@demo')).filter((h) => h.type === 'user');
    expect(users.map((h) => h.id)).toContain(ids.sales1);
    expect((await search('admin@demo.test', 'ostrovia pumsp')).map((h) => h.id)).toContain(ids.mine);
  });

  it('finds only the leads the caller may see', async () => {
    const found = (await search('sales1@demo.test', 'quentavius')).map((h) => h.id);
    expect(found).toContain(ids.mine);
    expect(found).not.toContain(ids.theirs);
    // Users as GET /users scopes them: a salesperson sees itself, not its peers.
    const people = (await search('sales1@demo.test', 'sales')).filter((h) => h.type === 'user').map((h) => h.id);
    expect(people).toContain(ids.sales1);
    expect(people).not.toContain(await userId(t, 'sales2@demo.test'));
  });

  it("never finds another company's lead", async () => {
    expect((await search('admin@demo.test', 'quentavius elsewhere')).map((h) => h.id)).not.toContain(ids.other);
    expect((await search('admin@other.test', 'quentavius')).map((h) => h.id)).toEqual([ids.other]);
  });

  it('answers a guest with what it may read', async () => {
    const response = await t.as('guest@demo.test', 'GET', '/api/v1/search?q=quentavius');
    expect(response.statusCode, response.body).toBe(200);
    const leads = await t.as('guest@demo.test', 'GET', '/api/v1/leads?q=quentavius&limit=5');
    expect(
      response
        .json()
        .data.filter((h: Hit) => h.type === 'lead')
        .map((h: Hit) => h.id),
    ).toEqual(leads.json().data.map((l: { id: string }) => l.id));
  });

  it('refuses bad input, naming the field', async () => {
    expectProblem(
      await t.as('admin@demo.test', 'GET', `/api/v1/search?q=${'x'.repeat(101)}`),
      400,
      'validation_failed',
      'q',
    );
    expectProblem(await t.as('admin@demo.test', 'GET', '/api/v1/search'), 400, 'validation_failed', 'q');
    expectProblem(
      await t.as('admin@demo.test', 'GET', '/api/v1/search?q=a&limit=50'),
      400,
      'validation_failed',
      'limit',
    );
  });
});
