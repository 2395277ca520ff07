import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';

interface Entry {
  id: string;
  at: string;
  kind: string;
  actor: { id: string; name: string } | null;
  note?: { body: string };
  stage?: { from: string; to: string };
  assignment?: { reason: string; channel: string; owner: { id: string } | null; detail: string };
  change?: { action: string; changes: Record<string, { from: unknown; to: unknown }> };
  created?: { via: string; source?: string };
}

let t: TestApp;
let leadId: string;
let admin: string;

/**
 * The audit log stamps rows with the database's clock, the other tables with the app's; keeping the test clock
 * on the wall clock before each step keeps both in the order the steps happened.
 */
async function step<T>(work: () => Promise<T>): Promise<T> {
  t.clock.set(new Date());
  return work();
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await userId(t, 'admin@demo.test');
  const partners = (await t.as('admin@demo.test', 'GET', '/api/v1/partners')).json().data as { id: string }[];
  const partnerId = partners[0]?.id;
  leadId = (
    await step(() => t.as('admin@demo.test', 'POST', '/api/v1/leads', { name: 'Timeline Lead', expectedValue: 20000 }))
  ).json().id;
  await step(() => t.as('admin@demo.test', 'POST', `/api/v1/leads/${leadId}/notes`, { body: 'Met at the expo' }));
  const patch = (body: object) => step(() => t.as('admin@demo.test', 'PATCH', `/api/v1/leads/${leadId}`, body));
  expect((await patch({ version: 1, city: 'Pune', expectedValue: 30000 })).statusCode).toBe(200);
  expect((await patch({ version: 2, expectedValue: 40000 })).statusCode).toBe(200);
  const move = await step(() => t.as('admin@demo.test', 'POST', `/api/v1/leads/${leadId}/stage`, { stage: 'demo' }));
  expect(move.statusCode, move.body).toBe(200);
  const assign = await step(() => t.as('admin@demo.test', 'POST', `/api/v1/leads/${leadId}/assign`, { partnerId }));
  expect(assign.statusCode, assign.body).toBe(200);
});
afterAll(() => t.close());

async function timeline(email: string, query = ''): Promise<Entry[]> {
  const response = await t.as(email, 'GET', `/api/v1/leads/${leadId}/timeline${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

/** Which step of the set-up made an entry. */
function stepOf(e: Entry): number {
  if (e.kind === 'created') return 0;
  if (e.kind === 'assignment') return e.assignment?.reason === 'manual' ? 5 : 0;
  if (e.kind === 'note') return 1;
  if (e.kind === 'stage') return 4;
  const fields = Object.keys(e.change?.changes ?? {})
    .sort()
    .join(',');
  return { 'city,expectedValue': 2, expectedValue: 3, city: 2, partnerId: 5 }[fields] ?? -1;
}

function expectNewestFirst(entries: Entry[]) {
  const steps = entries.map(stepOf);
  expect(steps).not.toContain(-1);
  expect([...steps].sort((a, b) => b - a)).toEqual(steps);
  const times = entries.map((e) => e.at);
  expect([...times].sort().reverse()).toEqual(times);
}

describe('lead timeline', () => {
  it('merges creation, assignments, notes, field changes and stage moves, newest first', async () => {
    const entries = await timeline('admin@demo.test');
    expectNewestFirst(entries);
    expect(entries.map((e) => `${stepOf(e)}:${e.kind}`).sort()).toEqual(
      ['0:created', '0:assignment', '1:note', '2:change', '3:change', '4:stage', '5:change', '5:assignment'].sort(),
    );
    const byStep = (n: number, kind: string) => entries.find((e) => stepOf(e) === n && e.kind === kind);
    expect(byStep(0, 'created')).toMatchObject({
      id: leadId,
      actor: { id: admin, name: expect.any(String) },
      created: { via: 'ui', source: 'manual' },
    });
    expect(byStep(0, 'assignment')).toMatchObject({ actor: null, assignment: { reason: 'rule', channel: 'ui' } });
    expect(byStep(1, 'note')).toMatchObject({ actor: { id: admin }, note: { body: 'Met at the expo' } });
    expect(byStep(2, 'change')?.change).toEqual({
      action: 'lead.updated',
      changes: { city: { from: null, to: 'Pune' }, expectedValue: { from: 20000, to: 30000 } },
    });
    expect(byStep(4, 'stage')).toMatchObject({ actor: { id: admin }, stage: { from: 'new', to: 'demo' } });
    expect(byStep(5, 'assignment')?.assignment?.detail).toMatch(/partner/i);
    expect(byStep(5, 'change')?.change?.action).toBe('lead.assigned');
  });

  it('pages with a cursor without losing or repeating an entry', async () => {
    const all = await timeline('admin@demo.test');
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline${query}`)).json();
      expect(page.data.length).toBeLessThanOrEqual(3);
      paged.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it('filters by kind', async () => {
    const entries = await timeline('admin@demo.test', '?kinds=note,stage');
    expect(entries.map((e) => e.kind)).toEqual(['stage', 'note']);
    const bad = await t.as('admin@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline?kinds=note,gossip`);
    expectProblem(bad, 400, 'validation_failed', 'kinds');
    const cursor = await t.as('admin@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline?cursor=bogus`);
    expectProblem(cursor, 400, 'validation_failed', 'cursor');
  });

  it('never shows a partner the fields its role hides, nor who owns the lead', async () => {
    const entries = await timeline('partner@demo.test');
    expectNewestFirst(entries);
    expect(JSON.stringify(entries)).not.toContain('expectedValue');
    expect(entries.map((e) => e.kind)).not.toContain('assignment');
    // The change of city and value shows the city alone; the change of value alone is not shown at all.
    expect(entries.filter((e) => e.kind === 'change').map((e) => e.change?.changes)).toEqual([
      { partnerId: expect.any(Object) },
      { city: { from: null, to: 'Pune' } },
    ]);
    expect(entries.map((e) => e.kind)).toEqual(['change', 'stage', 'change', 'note', 'created']);
  });

  it("answers 404 for another company's user and for a lead outside the caller's reach", async () => {
    for (const who of ['admin@other.test', 'warrior1@demo.test']) {
      expectProblem(await t.as(who, 'GET', `/api/v1/leads/${leadId}/timeline`), 404, 'not_found');
    }
  });
});
