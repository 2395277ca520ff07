import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { ADMIN, addRule, clearRules, newLead, salesIds } from './assignment.fixtures.ts';

let t: TestApp;
let sales: [string, string, string, string];
beforeAll(async () => {
  t = await createTestApp();
  sales = await salesIds(t);
});
afterAll(() => t.close());
beforeEach(() => clearRules(t));

const preview = (body: Record<string, unknown>, who = ADMIN) =>
  t.as(who, 'POST', '/api/v1/assignment-rules/test', body);

/** Everything a real assignment would write: leads, their why, rotation state, notifications, jobs, audit. */
async function footprint() {
  const companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id as string;
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<Record<string, number | string>>`
      SELECT (SELECT count(*) FROM leads)::int AS leads,
             (SELECT count(*) FROM lead_assignments)::int AS assignments,
             (SELECT count(*) FROM notifications)::int AS notifications,
             (SELECT count(*) FROM jobs)::int AS jobs,
             (SELECT count(*) FROM audit_log)::int AS audit,
             (SELECT string_agg(state::text, ',' ORDER BY id) FROM assignment_rules) AS state`.execute(trx);
    return rows[0];
  });
}

describe('testing rules on a sample lead', () => {
  it('shows what the rule list would decide, with every condition, and writes nothing', async () => {
    const vip = await addRule(t, {
      name: 'VIP',
      strategy: 'round_robin',
      userIds: [sales[0], sales[1]],
      conditions: [{ field: 'tags', op: 'contains', value: 'vip' }],
      slaMinutes: 30,
    });
    await addRule(t, { name: 'Everyone', isDefault: true, strategy: 'user', userIds: [sales[2]] });
    const before = await footprint();

    for (let i = 0; i < 2; i++) {
      const response = await preview({ lead: { name: 'Sample', tags: ['VIP-gold'] } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        evaluated: [
          {
            ruleId: vip.id,
            ruleName: 'VIP',
            isDefault: false,
            matched: true,
            conditions: [{ index: 0, matched: true }],
          },
          expect.objectContaining({ ruleName: 'Everyone', isDefault: true, matched: true }),
        ],
        decision: expect.objectContaining({
          ownerId: sales[0],
          ownerName: 'Rohan Gupta',
          reason: 'rule',
          ruleId: vip.id,
          slaMinutes: 30,
          candidates: [
            { userId: sales[0], name: 'Rohan Gupta', chosen: true, skipped: null },
            { userId: sales[1], name: 'Sneha Patil', chosen: false, skipped: 'eligible; not next in rotation' },
          ],
        }),
      });
    }
    const plain = (await preview({ lead: { tags: ['cold'] } })).json();
    expect(plain.evaluated.map((e: { matched: boolean }) => e.matched)).toEqual([false, true]);
    expect(plain.decision).toMatchObject({ ownerId: sales[2], ruleName: 'Everyone' });

    expect(await footprint()).toEqual(before);
    // The rotation did not move: the first real lead still goes to the first in line.
    expect((await newLead(t, { tags: ['vip'] })).ownerId).toBe(sales[0]);
  });

  it('tests a draft rule: ranges of dates, negation, territory', async () => {
    const draft = {
      name: 'South deals',
      strategy: 'user',
      userIds: [sales[3]],
      conditions: [
        { field: 'expectedCloseDate', op: 'range', min: '2030-01-01', max: '2030-12-31' },
        { field: 'companyName', op: 'is_empty', not: true },
        { op: 'territory', values: ['Karnataka', 'Kerala'] },
      ],
    };
    const hit = await preview({
      rule: draft,
      lead: { expectedCloseDate: '2030-06-01', companyName: 'Acme', state: 'karnataka' },
    });
    expect(hit.statusCode, hit.body).toBe(200);
    expect(hit.json().evaluated[0]).toMatchObject({ ruleId: null, matched: true });
    expect(hit.json().decision).toMatchObject({ ownerId: sales[3], ownerName: 'Kavya Reddy', reason: 'rule' });

    const miss = (await preview({ rule: draft, lead: { expectedCloseDate: '2031-01-02', city: 'Kochi' } })).json();
    expect(miss.evaluated[0].conditions.map((c: { matched: boolean }) => c.matched)).toEqual([false, false, false]);
    expect(miss.decision).toEqual({
      ownerId: null,
      ownerName: null,
      reason: 'unassigned',
      ruleId: null,
      ruleName: 'South deals',
      strategy: 'user',
      slaMinutes: null,
      candidates: [],
      detail: 'The lead does not meet the conditions of rule "South deals"',
    });
  });

  it('refuses a bad preview with the field named, and is for admins only', async () => {
    const rule = await addRule(t, { name: 'Saved', strategy: 'user', userIds: [sales[0]] });
    const draft = { name: 'Draft', strategy: 'user', userIds: [sales[0]] };
    expectProblem(
      await preview({ rule: { ...draft, userIds: [] }, lead: {} }),
      400,
      'validation_failed',
      'rule.userIds',
    );
    expectProblem(
      await preview({ rule: { ...draft, conditions: [{ field: 'nope', op: 'is_empty' }] }, lead: {} }),
      400,
      'validation_failed',
      'rule.conditions.0.field',
    );
    expectProblem(await preview({ rule: draft, ruleId: rule.id, lead: {} }), 400, 'validation_failed', 'ruleId');
    expectProblem(await preview({ lead: { shoeSize: 9 } }), 400, 'validation_failed', 'lead.shoeSize');
    expectProblem(await preview({}), 400, 'validation_failed', 'lead');
    expectProblem(await preview({ ruleId: rule.id, lead: {} }, 'manager1@demo.test'), 403, 'forbidden');
  });
});
