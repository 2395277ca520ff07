import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { ADMIN, addRule, clearRules, newLead, newSalesperson, whyOf } from './assignment.fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => clearRules(t));

const owners = async (n: number, body: Record<string, unknown> = {}) => {
  const result: (string | null)[] = [];
  for (let i = 0; i < n; i++) result.push((await newLead(t, { name: `Lead ${i}`, ...body })).ownerId);
  return result;
};

describe('assignment strategies', () => {
  it('gives every lead to the named user of a user rule, and says so', async () => {
    const rep = await newSalesperson(t, 'Tara Singh');
    const rule = await addRule(t, { name: 'All to Tara', strategy: 'user', userIds: [rep] });
    const lead = await newLead(t);
    expect(lead.ownerId).toBe(rep);
    const { current } = await whyOf(t, lead.id);
    expect(current).toMatchObject({ reason: 'rule', ruleId: rule.id, ruleName: 'All to Tara', strategy: 'user' });
    expect(current.candidates).toEqual([{ userId: rep, name: 'Tara Singh', chosen: true, skipped: null }]);
    expect(current.detail).toContain('Tara Singh');
  });

  it('rotates a round robin in order, and fairly when leads arrive at once', async () => {
    const [a, b, c] = [
      await newSalesperson(t, 'RR A'),
      await newSalesperson(t, 'RR B'),
      await newSalesperson(t, 'RR C'),
    ];
    await addRule(t, { name: 'Rotation', strategy: 'round_robin', userIds: [a, b, c] });
    expect(await owners(4)).toEqual([a, b, c, a]);
    const { current } = await whyOf(t, (await newLead(t)).id);
    expect(current.candidates.map((x) => [x.userId, x.chosen, x.skipped])).toEqual([
      [b, true, null],
      [c, false, 'eligible; not next in rotation'],
      [a, false, 'eligible; not next in rotation'],
    ]);

    const together = await Promise.all(Array.from({ length: 6 }, (_, i) => newLead(t, { name: `Burst ${i}` })));
    const counts = new Map<string | null, number>();
    for (const lead of together) counts.set(lead.ownerId, (counts.get(lead.ownerId) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ [a]: 2, [b]: 2, [c]: 2 });
  });

  it('gives a least-loaded lead to whoever owns the fewest open leads; won and lost leads do not count', async () => {
    const [a, b] = [await newSalesperson(t, 'LL A'), await newSalesperson(t, 'LL B')];
    const held = [];
    for (let i = 0; i < 2; i++) held.push(await newLead(t, { name: `Held ${i}`, ownerId: a }));
    await addRule(t, { name: 'Balance', strategy: 'least_loaded', userIds: [a, b] });
    const first = await newLead(t);
    expect(first.ownerId).toBe(b);
    const { current } = await whyOf(t, first.id);
    expect(current.candidates).toEqual([
      { userId: a, name: 'LL A', chosen: false, skipped: 'eligible; has 2 open leads' },
      { userId: b, name: 'LL B', chosen: true, skipped: null },
    ]);
    expect(current.detail).toContain('0 open leads');
    expect((await newLead(t)).ownerId).toBe(b);
    // 2 and 2: the tie goes to the first listed.
    expect((await newLead(t)).ownerId).toBe(a);
    const won = await t.as(ADMIN, 'POST', `/api/v1/leads/${held[0]?.id}/stage`, {
      stage: 'won',
      fields: { expectedValue: 1000 },
    });
    expect(won.statusCode, won.body).toBe(200);
    // a: 2 open (3 minus the won one), b: 2 -> a again by list order; then b.
    expect(await owners(2)).toEqual([a, b]);
  });

  it('splits a weighted rule by its weights, evenly spread', async () => {
    const [a, b] = [await newSalesperson(t, 'W A'), await newSalesperson(t, 'W B')];
    await addRule(t, { name: 'Three to one', strategy: 'weighted', userIds: [a, b], weights: [3, 1] });
    expect(await owners(8)).toEqual([a, a, b, a, a, a, b, a]);
  });

  it('uses the first rule that matches, in the order set, and the default when none does', async () => {
    const [pune, big, rest] = [
      await newSalesperson(t, 'Pune Rep'),
      await newSalesperson(t, 'Big Deal Rep'),
      await newSalesperson(t, 'Anyone Rep'),
    ];
    const byCity = await addRule(t, {
      name: 'Pune',
      strategy: 'user',
      userIds: [pune],
      conditions: [{ field: 'city', op: 'in', values: ['Pune', 'Pimpri'] }],
    });
    const byValue = await addRule(t, {
      name: 'Big deals',
      strategy: 'user',
      userIds: [big],
      conditions: [{ field: 'expectedValue', op: 'range', min: 100000 }],
    });
    await addRule(t, { name: 'Everyone else', isDefault: true, strategy: 'user', userIds: [rest] });
    const both = { city: 'pune', expectedValue: 250000 };
    expect((await newLead(t, both)).ownerId).toBe(pune);
    expect((await newLead(t, { city: 'Delhi', expectedValue: 250000 })).ownerId).toBe(big);
    const other = await newLead(t, { city: 'Mumbai', expectedValue: 5000 });
    expect(other.ownerId).toBe(rest);
    expect((await whyOf(t, other.id)).current.detail).toMatch(/^No rule matched; the default rule "Everyone else"/);

    const reorder = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules/reorder', { ids: [byValue.id, byCity.id] });
    expect(reorder.statusCode, reorder.body).toBe(200);
    expect(reorder.json().data.map((r: { name: string }) => r.name)).toEqual(['Big deals', 'Pune', 'Everyone else']);
    expect((await newLead(t, both)).ownerId).toBe(big);
  });

  it('matches a custom field', async () => {
    const field = await t.as(ADMIN, 'POST', '/api/v1/custom-fields', {
      label: 'Industry',
      key: 'industry',
      type: 'select',
      options: ['Textiles', 'Pharma'],
    });
    expect(field.statusCode, field.body).toBe(201);
    const rep = await newSalesperson(t, 'Textile Rep');
    await addRule(t, {
      name: 'Textiles desk',
      strategy: 'user',
      userIds: [rep],
      conditions: [{ field: 'customFields.industry', op: 'equals', value: 'textiles' }],
    });
    expect((await newLead(t, { customFields: { industry: 'Textiles' } })).ownerId).toBe(rep);
    const pharma = await newLead(t, { customFields: { industry: 'Pharma' } });
    expect(pharma.ownerId).toBeNull();
    const { current } = await whyOf(t, pharma.id);
    expect(current).toMatchObject({ reason: 'unassigned', ownerId: null });
    expect(current.detail).toBe('No assignment rule matched and there is no default rule: the lead is unassigned');
  });

  it('leaves the rules out when a salesperson enters its own lead or the creator names an owner', async () => {
    const rep = await newSalesperson(t, 'Rule Rep');
    await addRule(t, { name: 'Everything', strategy: 'user', userIds: [rep] });
    const own = await newLead(t, {}, 'sales1@demo.test');
    expect(own.ownerId).not.toBe(rep);
    expect((await whyOf(t, own.id)).current.reason).toBe('manual');
  });
});
