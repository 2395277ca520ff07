import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

/** Fixture leads share a token in their names; every query adds q=<token> to leave the demo pipeline out. */
const TOKEN = 'srtfix';
let t: TestApp;

interface Fixture {
  id: string;
  name: string;
  companyName: string | null;
  stage: string;
  expectedValue: number | null;
  expectedCloseDate: string | null;
  createdAt: string;
  updatedAt: string;
  customFields: { size?: number };
}
let leads: Fixture[] = [];

// Values repeat and some are missing: ties and NULLs on every page boundary.
const values = [
  null,
  100,
  100,
  200,
  null,
  300,
  100,
  200,
  null,
  100,
  300,
  200,
  100,
  null,
  100,
  200,
  300,
  100,
  null,
  200,
  100,
  100,
  200,
];
const stages = ['new', 'demo', 'won', 'lost', 'new', 'proposal', 'demo'];

beforeAll(async () => {
  t = await createTestApp();
  const field = await t.as('admin@demo.test', 'POST', '/api/v1/custom-fields', {
    key: 'size',
    label: 'Size',
    type: 'number',
  });
  expect(field.statusCode, field.body).toBe(201);
  const owner = await userId(t, 'sales1@demo.test');
  for (const [i, value] of values.entries()) {
    const stage = stages[i % stages.length] as string;
    const body = {
      // Names tie too, in another case: the sort ignores case.
      name: `${TOKEN} ${['Asha', 'bala', 'Chitra', 'asha', 'Dev'][i % 5]}`,
      companyName: i % 4 === 0 ? null : `Co ${i % 3}`,
      ownerId: owner,
      expectedValue: stage === 'won' ? (value ?? 50) : value,
      expectedCloseDate: i % 3 === 0 ? null : `2027-0${(i % 3) + 1}-01`,
      stage,
      ...(stage === 'lost' ? { lostReason: 'No budget' } : {}),
      customFields: i % 2 === 0 ? { size: i % 4 } : {},
    };
    const response = await t.as('admin@demo.test', 'POST', '/api/v1/leads', body);
    expect(response.statusCode, response.body).toBe(201);
    // Groups of leads share a timestamp: the default sort meets ties.
    if (i % 5 === 4) t.clock.advance(60_000);
  }
  leads = (await t.as('admin@demo.test', 'GET', `/api/v1/leads?limit=200&q=${TOKEN}`)).json().data;
  expect(leads).toHaveLength(values.length);
});
afterAll(() => t.close());

/** Every page, following nextCursor: the ids in the order they came. */
async function pages(query: string, limit: number, who = 'admin@demo.test'): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const url = `/api/v1/leads?q=${TOKEN}&limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await t.as(who, 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.data.length).toBeLessThanOrEqual(limit);
    seen.push(...body.data.map((l: { id: string }) => l.id));
    cursor = body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('too many pages');
}

type Key = string | number | null;
/** The order the API promises: by the key (missing values last either way), then by id in the same direction. */
function expected(key: (l: Fixture) => Key, desc: boolean): string[] {
  return [...leads]
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
      } else if (x !== y) {
        return (x < y ? -1 : 1) * (desc ? -1 : 1);
      }
      return (a.id < b.id ? -1 : 1) * (desc ? -1 : 1);
    })
    .map((l) => l.id);
}

const pipeline = ['new', 'demo', 'proposal', 'trial', 'won', 'lost'];

describe('lead list sort and pagination', () => {
  const cases: [string, (l: Fixture) => Key, boolean][] = [
    ['', (l) => l.updatedAt, true],
    ['sort=-updatedAt', (l) => l.updatedAt, true],
    ['sort=updatedAt', (l) => l.updatedAt, false],
    ['sort=createdAt', (l) => l.createdAt, false],
    ['sort=name', (l) => l.name.toLowerCase(), false],
    ['sort=-name', (l) => l.name.toLowerCase(), true],
    ['sort=expectedValue', (l) => l.expectedValue, false],
    ['sort=-expectedValue', (l) => l.expectedValue, true],
    ['sort=expectedCloseDate', (l) => l.expectedCloseDate, false],
    ['sort=-companyName', (l) => l.companyName?.toLowerCase() ?? null, true],
    ['sort=customFields.size', (l) => l.customFields.size ?? null, false],
    ['sort=-customFields.size', (l) => l.customFields.size ?? null, true],
  ];
  for (const [query, key, desc] of cases) {
    it(`pages through ${query || 'the default sort'} with no duplicates and no gaps, ties and empty values included`, async () => {
      const want = expected(key, desc);
      for (const limit of [1, 4, 7, 200]) {
        expect(await pages(query, limit), `limit ${limit}`).toEqual(want);
      }
    });
  }

  it('sorts by stage in pipeline order, most recently changed first within a stage', async () => {
    const order = (desc: boolean) =>
      [...leads]
        .sort((a, b) => {
          const s = (pipeline.indexOf(a.stage) - pipeline.indexOf(b.stage)) * (desc ? -1 : 1);
          if (s !== 0) return s;
          if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
          return a.id < b.id ? 1 : -1;
        })
        .map((l) => l.id);
    expect(await pages('sort=stage', 3)).toEqual(order(false));
    expect(await pages('sort=-stage', 5)).toEqual(order(true));
  });

  it('refuses a cursor of another sort, or one it never issued', async () => {
    const first = (await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${TOKEN}&limit=2&sort=name`)).json();
    expect(first.nextCursor).toBeTruthy();
    for (const query of ['sort=-name', 'sort=expectedValue', '']) {
      const response = await t.as(
        'admin@demo.test',
        'GET',
        `/api/v1/leads?q=${TOKEN}&limit=2&${query}&cursor=${first.nextCursor}`,
      );
      expectProblem(response, 400, 'validation_failed', 'cursor');
    }
    const noSearch = await t.as('admin@demo.test', 'GET', `/api/v1/leads?limit=2&sort=name&cursor=${first.nextCursor}`);
    expectProblem(noSearch, 400, 'validation_failed', 'cursor');
    const forged = Buffer.from(JSON.stringify(['name', 'exact', 9, 'x', first.data[0].id])).toString('base64url');
    expectProblem(
      await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${TOKEN}&sort=name&cursor=${forged}`),
      400,
      'validation_failed',
      'cursor',
    );
  });
});

describe('stage counts', () => {
  const tally = (subset: Fixture[]) =>
    pipeline.map((stage) => {
      const inStage = subset.filter((l) => l.stage === stage);
      return { stage, count: inStage.length, value: inStage.reduce((sum, l) => sum + (l.expectedValue ?? 0), 0) };
    });

  it('counts the leads and sums their value per stage, every stage in pipeline order', async () => {
    const response = await t.as('admin@demo.test', 'GET', `/api/v1/leads/counts?q=${TOKEN}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().data).toEqual(tally(leads));
  });

  it('takes the same filters as the list', async () => {
    const response = await t.as(
      'admin@demo.test',
      'GET',
      `/api/v1/leads/counts?q=${TOKEN}&expectedValue.min=200&stage=new,won`,
    );
    const subset = leads.filter((l) => (l.expectedValue ?? 0) >= 200 && ['new', 'won'].includes(l.stage));
    expect(response.json().data).toEqual(tally(subset));
    const list = (
      await t.as('admin@demo.test', 'GET', `/api/v1/leads?q=${TOKEN}&expectedValue.min=200&stage=new,won&limit=200`)
    ).json();
    expect(list.data).toHaveLength(subset.length);
  });

  it('counts only what the caller sees, and leaves the value out for a role that may not see values', async () => {
    const mine = (await t.as('sales1@demo.test', 'GET', `/api/v1/leads/counts?q=${TOKEN}`)).json().data;
    expect(mine).toEqual(tally(leads));
    const theirs = (await t.as('sales2@demo.test', 'GET', `/api/v1/leads/counts?q=${TOKEN}`)).json().data;
    expect(theirs).toEqual(tally([]));
    const partner = await t.as('partner@demo.test', 'GET', '/api/v1/leads/counts');
    expect(partner.statusCode, partner.body).toBe(200);
    for (const entry of partner.json().data) expect(Object.keys(entry).sort()).toEqual(['count', 'stage']);
    const other = (await t.as('admin@other.test', 'GET', `/api/v1/leads/counts?q=${TOKEN}`)).json().data;
    expect(other.every((e: { count: number }) => e.count === 0)).toBe(true);
  });
});
