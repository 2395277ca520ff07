import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { ADMIN, created, freshEmail, freshName, freshPhone } from './duplicates.fixtures.ts';

let t: TestApp;
let sales1: string;

type Member = { lead: { id: string }; matchedOn: string[] };
type Group = { id: string; confidence: number; matchedOn: string[]; origin: string; members: Member[] };

beforeAll(async () => {
  t = await createTestApp();
  sales1 = await userId(t, 'sales1@demo.test');
});
afterAll(() => t.close());

async function groupOf(a: string, b: string): Promise<Group | undefined> {
  const response = await t.as(ADMIN, 'GET', `/api/v1/duplicates/groups?limit=200&leadId=${a}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().data as Group[]).find((g) => g.members.some((m) => m.lead.id === b));
}

async function scan(): Promise<void> {
  const started = await t.as(ADMIN, 'POST', '/api/v1/duplicates/scan');
  expect(started.statusCode, started.body).toBe(202);
  for (let i = 0; i < 20; i++) if ((await t.runJobs()).claimed === 0) return;
}

/** Two leads created regardless of each other (nothing flagged), to be found by the next scan. */
async function pair(first: Record<string, unknown>, second: Record<string, unknown>) {
  const a = await created(t, ADMIN, { ownerId: sales1, ...first }, '?onDuplicate=create');
  const b = await created(t, ADMIN, { ownerId: sales1, ...second }, '?onDuplicate=create');
  return { a, b };
}

describe('how sure a duplicate group is, from what matched', () => {
  it('ranks same e-mail and name high, a shared phone medium and a similar name low', async () => {
    const email = freshEmail();
    const sameName = freshName();
    const byEmailAndName = await pair({ name: sameName, emails: [email] }, { name: sameName, emails: [email] });
    const phone = freshPhone();
    const byPhone = await pair({ name: freshName(), phones: [phone] }, { name: freshName(), phones: [phone] });
    const byName = await pair({ name: 'Corvidae Umbrellington' }, { name: 'Corvidae Umbrelington' });
    await scan();

    const high = await groupOf(byEmailAndName.a, byEmailAndName.b);
    expect(high?.matchedOn).toEqual(['email', 'name']);
    expect(high?.confidence).toBe(0.9);
    expect(high?.members.every((m) => m.matchedOn.join() === 'email,name')).toBe(true);

    const medium = await groupOf(byPhone.a, byPhone.b);
    expect(medium?.matchedOn).toEqual(['phone']);
    expect(medium?.confidence).toBe(0.6);

    const low = await groupOf(byName.a, byName.b);
    expect(low?.matchedOn).toEqual(['name']);
    expect(low?.confidence).toBeGreaterThan(0.3);
    expect(low?.confidence).toBeLessThan(0.5);
  });

  it('flags a new lead sharing only a phone as a medium match, not a certain one', async () => {
    const phone = freshPhone();
    const first = await created(t, ADMIN, { name: freshName(), phones: [phone], ownerId: sales1 });
    const response = await t.as(ADMIN, 'POST', '/api/v1/leads', { name: freshName(), phones: [phone] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().duplicates).toEqual([
      expect.objectContaining({ id: first, matchedOn: ['phone'], score: 1, confidence: 0.6 }),
    ]);
    for (let i = 0; i < 5; i++) if ((await t.runJobs()).claimed === 0) break;
    const group = await groupOf(first, response.json().id);
    expect(group).toMatchObject({ origin: 'create', matchedOn: ['phone'], confidence: 0.6 });
  });

  it('answers the duplicate check with each match its confidence', async () => {
    const email = freshEmail();
    const name = freshName();
    const id = await created(t, ADMIN, { name, emails: [email], ownerId: sales1 });
    const check = await t.as(ADMIN, 'POST', '/api/v1/leads/duplicate-check', { name, emails: [email] });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().data).toEqual([{ id, name, matchedOn: ['email', 'name'], score: 1, confidence: 0.9 }]);
  });
});
