import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

let t: TestApp;
const users: Record<string, string> = {};
beforeAll(async () => {
  t = await createTestApp();
  for (const name of ['sales1', 'sales2', 'sales3', 'warrior1', 'cosales']) {
    users[name] = await userId(t, `${name}@demo.test`);
  }
});
afterAll(() => t.close());

interface Tally {
  stage: string;
  count: number;
  value?: number;
}

/** Every lead the user sees, read page by page through the list, counted per stage: the live truth. */
async function listed(email: string, query = ''): Promise<Map<string, { count: number; value: number }>> {
  const tally = new Map<string, { count: number; value: number }>();
  let cursor: string | null = null;
  do {
    const page = `/api/v1/leads?limit=200${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await t.as(email, 'GET', page);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { data: { stage: string; expectedValue?: number | null }[]; nextCursor: string | null };
    for (const lead of body.data) {
      const entry = tally.get(lead.stage) ?? { count: 0, value: 0 };
      entry.count += 1;
      entry.value += lead.expectedValue ?? 0;
      tally.set(lead.stage, entry);
    }
    cursor = body.nextCursor;
  } while (cursor);
  return tally;
}

/** The board's counts agree with the list, stage by stage, for each of these users and filters. */
async function expectExact(emails: string[], query = '') {
  for (const email of emails) {
    const res = await t.as(email, 'GET', `/api/v1/leads/counts${query ? `?${query.slice(1)}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const live = await listed(email, query);
    for (const row of res.json().data as Tally[]) {
      const truth = live.get(row.stage) ?? { count: 0, value: 0 };
      expect({ email, query, stage: row.stage, count: row.count }).toEqual({
        email,
        query,
        stage: row.stage,
        count: truth.count,
      });
      expect(row.value).toBeCloseTo(truth.value, 2);
    }
  }
}

const everyone = ['admin@demo.test', 'manager1@demo.test', 'sales1@demo.test', 'sales2@demo.test'];

describe('stage counts', () => {
  it('stay exact across create, stage moves, value changes and reassignment', async () => {
    await expectExact(everyone);
    const created = [];
    for (const [i, value] of [120000, 45000, undefined, 9000].entries()) {
      const res = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
        name: `Totals Lead ${i}`,
        ...(value === undefined ? {} : { expectedValue: value }),
      });
      expect(res.statusCode, res.body).toBe(201);
      created.push(res.json() as { id: string });
    }
    const [a, b, c, d] = created as [{ id: string }, { id: string }, { id: string }, { id: string }];
    await expectExact(everyone);

    const moved = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${a.id}/stage`, { stage: 'proposal' });
    expect(moved.statusCode, moved.body).toBe(200);
    const won = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${b.id}/stage`, { stage: 'won' });
    expect(won.statusCode, won.body).toBe(200);
    await expectExact(everyone);

    const valued = await t.as('sales1@demo.test', 'PATCH', `/api/v1/leads/${c.id}`, {
      version: 1,
      expectedValue: 77000,
    });
    expect(valued.statusCode, valued.body).toBe(200);
    const cleared = await t.as('sales1@demo.test', 'PATCH', `/api/v1/leads/${d.id}`, {
      version: 1,
      expectedValue: null,
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    // A change of neither stage, owner nor value leaves the totals as they were.
    const renamed = await t.as('sales1@demo.test', 'PATCH', `/api/v1/leads/${a.id}`, { version: 2, city: 'Pune' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    await expectExact(everyone);

    // To another salesperson (outside manager1's team), to nobody, and shared with sales1 as co-sales.
    for (const [lead, body] of [
      [a, { ownerId: users.sales3 }],
      [c, { ownerId: null }],
      [d, { ownerId: users.sales2, coSalesIds: [users.sales1] }],
    ] as const) {
      const res = await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.id}/assign`, body);
      expect(res.statusCode, res.body).toBe(200);
    }
    await expectExact([...everyone, 'sales3@demo.test']);
    await expectExact(everyone, `&stage=new,won&ownerId=${users.sales1},${users.sales2},none`);
  });

  it('count a salesperson its warriors’ leads owned by others once, and filter by owner', async () => {
    const lead = await t.as('sales2@demo.test', 'POST', '/api/v1/leads', { name: 'Warrior Shared', expectedValue: 5 });
    expect(lead.statusCode, lead.body).toBe(201);
    const warriors = await t.as('admin@demo.test', 'POST', `/api/v1/leads/${lead.json().id}/assign`, {
      warriorIds: [users.warrior1],
      coSalesIds: [users.sales1],
    });
    expect(warriors.statusCode, warriors.body).toBe(200);
    await expectExact(['sales1@demo.test', 'sales2@demo.test']);
    await expectExact(['sales1@demo.test'], `&ownerId=${users.sales2}`);
    await expectExact(['sales1@demo.test'], '&stage=new');
  });

  it('leave the value out for a role that may not see it', async () => {
    const hide = await t.as('admin@demo.test', 'PUT', '/api/v1/field-permissions', {
      role: 'MANAGER',
      field: 'expectedValue',
      access: 'hidden',
    });
    expect(hide.statusCode, hide.body).toBe(200);
    const counts = (await t.as('manager1@demo.test', 'GET', '/api/v1/leads/counts')).json().data as Tally[];
    expect(counts.length).toBeGreaterThan(0);
    for (const row of counts) expect(row).not.toHaveProperty('value');
    const admin = (await t.as('admin@demo.test', 'GET', '/api/v1/leads/counts')).json().data as Tally[];
    expect(admin.some((row) => (row.value ?? 0) > 0)).toBe(true);
  });

  it('count only the caller company’s leads, and refuse an unknown stage', async () => {
    await expectExact(['admin@other.test']);
    expectProblem(
      await t.as('admin@demo.test', 'GET', '/api/v1/leads/counts?stage=nope'),
      400,
      'validation_failed',
      'stage',
    );
  });
});
