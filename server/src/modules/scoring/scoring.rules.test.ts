import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { scoreReasonsFor } from './index.ts';
import { drain } from './scoring.fixtures.ts';

/**
 * Rule scores: fixtures whose scores, tiers and reasons follow from the rules by hand; the rules' API (CRUD, 400s
 * naming the field, 404 across tenants, 403 for a salesperson); a lead's score read by who may see it, without the
 * reasons from fields its role cannot see.
 */
let t: TestApp;
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const SALES = 'sales1@demo.test';
const ids: Record<string, string> = {};
const rules: Record<string, string> = {};
const DAY = 86_400_000;

async function lead(body: Record<string, unknown>) {
  const res = await t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function rule(key: string, body: Record<string, unknown>) {
  const res = await t.as(ADMIN, 'POST', '/api/v1/scoring/rules', body);
  expect(res.statusCode, res.body).toBe(201);
  rules[key] = res.json().id;
  return res.json();
}
async function rescore() {
  const res = await t.as(ADMIN, 'POST', '/api/v1/scoring/rescore');
  expect(res.statusCode, res.body).toBe(202);
  await drain(t);
}
const score = async (who: string, id: string) => {
  const res = await t.as(who, 'GET', `/api/v1/leads/${id}/score`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    score: number | null;
    scoredAt: string | null;
    tier: string | null;
    source: string | null;
    reasons: { label: string; points: number; field: string | null }[];
  };
};

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  t.clock.set(new Date('2031-03-02T06:00:00Z'));
  for (const [key, type, options] of [
    ['budget', 'number', undefined],
    ['segment', 'select', ['SMB', 'Enterprise']],
  ] as const) {
    const res = await t.as(ADMIN, 'POST', '/api/v1/custom-fields', { label: key, key, type, options });
    expect(res.statusCode, res.body).toBe(201);
  }
  const sales1 = await userId(t, SALES);
  const sales3 = await userId(t, 'sales3@demo.test');
  ids.a = await lead({
    name: 'Rule Lead A',
    source: 'web_form',
    city: 'Pune',
    ownerId: sales1,
    customFields: { budget: 200000, segment: 'Enterprise' },
  });
  ids.b = await lead({
    name: 'Rule Lead B',
    source: 'manual',
    city: 'mumbai',
    ownerId: sales1,
    customFields: { budget: 50000 },
  });
  ids.c = await lead({ name: 'Rule Lead C', source: 'web_form', ownerId: sales1, customFields: { budget: 150000 } });
  ids.hidden = await lead({ name: 'Rule Lead Elsewhere', source: 'web_form', ownerId: sales3 });
  const call = await t.as(ADMIN, 'POST', '/api/v1/activities', { leadId: ids.a, type: 'call' });
  expect(call.statusCode, call.body).toBe(201);

  await rule('source', {
    label: 'From the web form',
    kind: 'field',
    field: 'source',
    operator: 'equals',
    value: 'web_form',
    points: 30,
  });
  await rule('city', {
    label: 'In Pune or Mumbai',
    kind: 'field',
    field: 'city',
    operator: 'in',
    value: ['Pune', 'Mumbai'],
    points: 15,
  });
  await rule('budget', {
    label: 'Budget of a lakh or more',
    kind: 'field',
    field: 'customFields.budget',
    operator: 'gte',
    value: 100000,
    points: 40,
  });
  await rule('segment', {
    label: 'Enterprise',
    kind: 'field',
    field: 'customFields.segment',
    operator: 'equals',
    value: 'Enterprise',
    points: 10,
  });
  await rule('call', {
    label: 'Called this week',
    kind: 'behaviour',
    behaviour: 'call_logged',
    windowDays: 7,
    points: 20,
  });
  await rule('quiet', {
    label: 'Quiet for 10 days',
    kind: 'behaviour',
    behaviour: 'no_touch_days',
    windowDays: 10,
    points: -25,
  });
  await rule('off', {
    label: 'Switched off',
    kind: 'field',
    field: 'city',
    operator: 'is_set',
    points: 50,
    active: false,
  });
  await rescore();
}, 120_000);
afterAll(() => t.close());

describe('rule scores', () => {
  it('sums the matching active rules, clamps to 0..100, tiers by the settings, biggest reasons first', async () => {
    const a = await score(ADMIN, ids.a as string);
    // 40 + 30 + 20 + 15 + 10 = 115, clamped.
    expect(a).toMatchObject({ score: 100, tier: 'hot', source: 'rules' });
    expect(a.reasons.map((r) => [r.label, r.points])).toEqual([
      ['Budget of a lakh or more', 40],
      ['From the web form', 30],
      ['Called this week', 20],
      ['In Pune or Mumbai', 15],
      ['Enterprise', 10],
    ]);
    expect(a.reasons[0]?.field).toBe('customFields.budget');
    expect(a.reasons[2]?.field).toBeNull();
    // City matches whatever its case; the budget is below the bar.
    expect(await score(ADMIN, ids.b as string)).toMatchObject({
      score: 15,
      tier: 'cold',
      reasons: [{ label: 'In Pune or Mumbai', points: 15 }],
    });
    expect(await score(ADMIN, ids.c as string)).toMatchObject({ score: 70, tier: 'hot' });
  });

  it('counts behaviour in its window, and the days without touch', async () => {
    t.clock.advance(11 * DAY);
    await rescore();
    // The call is older than a week now, and nobody has touched the leads for 11 days.
    const a = await score(ADMIN, ids.a as string);
    // 40 + 30 + 15 + 10 - 25 = 70
    expect(a).toMatchObject({ score: 70, tier: 'hot' });
    expect(a.reasons.map((r) => r.points)).toEqual([40, 30, -25, 15, 10]);
    expect(await score(ADMIN, ids.c as string)).toMatchObject({ score: 45, tier: 'warm' });
    expect(await score(ADMIN, ids.b as string)).toMatchObject({ score: 0, tier: 'cold' });
  });

  it('freezes a lead’s score when it is won: the last score it had while open, never rescored', async () => {
    const id = await lead({ name: 'Rule Lead Closing', source: 'web_form', city: 'Closingville' });
    await rescore();
    const before = await score(ADMIN, id);
    expect(before.score).not.toBeNull();
    const won = await t.as(ADMIN, 'POST', `/api/v1/leads/${id}/stage`, {
      stage: 'won',
      fields: { expectedValue: 1000 },
    });
    expect(won.statusCode, won.body).toBe(200);
    const rule = await t.as(ADMIN, 'POST', '/api/v1/scoring/rules', {
      label: 'Closing bonus',
      kind: 'field',
      field: 'city',
      operator: 'equals',
      value: 'Closingville',
      points: 30,
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await rescore();
    const after = await score(ADMIN, id);
    expect(after.score).toBe(before.score);
    expect(after.scoredAt).toBe(before.scoredAt);
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/scoring/rules/${rule.json().id}`)).statusCode).toBe(204);
    await rescore();
  });

  it('re-tiers when the thresholds change, and refuses warmFrom at or above hotFrom naming it', async () => {
    const bad = await t.as(ADMIN, 'PUT', '/api/v1/scoring/settings', {
      hotFrom: 40,
      warmFrom: 40,
      horizonDays: 90,
      retrainDays: 7,
    });
    expectProblem(bad, 400, 'validation_failed', 'warmFrom');
    const ok = await t.as(ADMIN, 'PUT', '/api/v1/scoring/settings', {
      hotFrom: 45,
      warmFrom: 20,
      horizonDays: 120,
      retrainDays: 14,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await t.as(ADMIN, 'GET', '/api/v1/scoring/settings')).json()).toEqual({
      hotFrom: 45,
      warmFrom: 20,
      horizonDays: 120,
      retrainDays: 14,
    });
    await drain(t);
    expect(await score(ADMIN, ids.c as string)).toMatchObject({ score: 45, tier: 'hot' });
  });
});

describe('the rules API', () => {
  it('lists, changes and removes rules, rescoring the leads', async () => {
    const list = (await t.as(ADMIN, 'GET', '/api/v1/scoring/rules')).json().data as { id: string; position: number }[];
    expect(list.map((r) => r.id)).toEqual(Object.values(rules));
    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/scoring/rules/${rules.quiet}`, { points: -5, label: 'Quiet' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ points: -5, label: 'Quiet', behaviour: 'no_touch_days', windowDays: 10 });
    const removed = await t.as(ADMIN, 'DELETE', `/api/v1/scoring/rules/${rules.segment}`);
    expect(removed.statusCode).toBe(204);
    await drain(t);
    // 40 + 30 + 15 - 5 = 80
    expect(await score(ADMIN, ids.a as string)).toMatchObject({ score: 80 });
    const behaviours = (await t.as(ADMIN, 'GET', '/api/v1/scoring/behaviours'))
      .json()
      .data.map((b: { key: string }) => b.key);
    expect(behaviours).toEqual(
      expect.arrayContaining([
        'whatsapp_replied',
        'email_opened',
        'email_clicked',
        'call_logged',
        'meeting_held',
        'followup_done',
        'no_touch_days',
      ]),
    );
  });

  it('refuses a rule that cannot work, naming the field', async () => {
    const base = { label: 'Bad', kind: 'field', points: 10 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, field: 'nope', operator: 'equals', value: 'x' }, 'field'],
      [{ ...base, field: 'customFields.missing', operator: 'equals', value: 'x' }, 'field'],
      [{ ...base, field: 'source', operator: 'gte', value: 3 }, 'operator'],
      [{ ...base, field: 'customFields.budget', operator: 'gte', value: 'lots' }, 'value'],
      [{ ...base, field: 'customFields.segment', operator: 'equals', value: 'Huge' }, 'value'],
      [{ ...base, field: 'city', operator: 'in', value: [] }, 'value'],
      [{ ...base, field: 'city', operator: 'is_set', value: 'x' }, 'value'],
      [{ ...base, field: 'city', operator: 'equals', value: 'Pune', points: 0 }, 'points'],
      [{ ...base, kind: 'behaviour', behaviour: 'dancing' }, 'behaviour'],
      [{ ...base, kind: 'behaviour', behaviour: 'no_touch_days' }, 'windowDays'],
      [{ ...base, kind: 'behaviour', behaviour: 'call_logged', field: 'city' }, 'field'],
      [{ ...base, field: 'city', operator: 'equals', value: 'Pune', points: 101 }, 'points'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await t.as(ADMIN, 'POST', '/api/v1/scoring/rules', body), 400, 'validation_failed', path);
    }
    const patch = await t.as(ADMIN, 'PATCH', `/api/v1/scoring/rules/${rules.city}`, { operator: 'lte' });
    expectProblem(patch, 400, 'validation_failed', 'operator');
  });

  it('is another company’s 404, and a salesperson’s 403', async () => {
    expectProblem(await t.as(OTHER, 'PATCH', `/api/v1/scoring/rules/${rules.city}`, { points: 5 }), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'DELETE', `/api/v1/scoring/rules/${rules.city}`), 404, 'not_found');
    expect((await t.as(OTHER, 'GET', '/api/v1/scoring/rules')).json().data).toEqual([]);
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/leads/${ids.a}/score`), 404, 'not_found');
    for (const [method, url] of [
      ['GET', '/api/v1/scoring/rules'],
      ['GET', '/api/v1/scoring/settings'],
      ['GET', '/api/v1/scoring/models'],
      ['GET', '/api/v1/scoring/status'],
      ['POST', '/api/v1/scoring/rescore'],
      ['POST', '/api/v1/scoring/models'],
    ] as const) {
      expectProblem(await t.as(SALES, method, url), 403, 'forbidden');
    }
  });
});

describe('a lead’s score as its reader may see it', () => {
  it('is 404 for a lead the salesperson does not see, and its own lead’s score otherwise', async () => {
    expectProblem(await t.as(SALES, 'GET', `/api/v1/leads/${ids.hidden}/score`), 404, 'not_found');
    expect((await score(SALES, ids.a as string)).score).toBe(80);
  });

  it('leaves out the reasons from fields the role cannot see', async () => {
    for (const field of ['customFields.budget', 'city']) {
      const res = await t.as(ADMIN, 'PUT', '/api/v1/field-permissions', {
        role: 'SALESPERSON',
        field,
        access: 'hidden',
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const mine = await score(SALES, ids.a as string);
    expect(mine.reasons.map((r) => r.label)).toEqual(['From the web form', 'Quiet']);
    expect((await score(ADMIN, ids.a as string)).reasons.map((r) => r.label)).toEqual([
      'Budget of a lakh or more',
      'From the web form',
      'In Pune or Mumbai',
      'Quiet',
    ]);
    // The same filter serves lists and exports.
    const me = (await t.as(SALES, 'GET', '/api/v1/auth/me')).json();
    const actor = {
      userId: me.user.id,
      companyId: me.company.id,
      role: 'SALESPERSON' as const,
      name: me.user.name,
      email: SALES,
      managerId: me.user.managerId ?? null,
      sessionId: null,
      apiKeyId: null,
    };
    const map = await withTenant(t.dbs.app, me.company.id, (trx) => scoreReasonsFor(trx, actor, [ids.a as string]));
    expect(map.get(ids.a as string)).toEqual({
      score: 80,
      tier: 'hot',
      reasons: [
        { label: 'From the web form', points: 30 },
        { label: 'Quiet', points: -5 },
      ],
    });
  });
});
