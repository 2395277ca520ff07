import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { ADMIN, addRule, clearRules, salesIds } from './assignment.fixtures.ts';

let t: TestApp;
let sales: [string, string, string, string];
beforeAll(async () => {
  t = await createTestApp();
  sales = await salesIds(t);
});
afterAll(() => t.close());
beforeEach(() => clearRules(t));

const ruleCount = async () => (await t.as(ADMIN, 'GET', '/api/v1/assignment-rules')).json().data.length as number;

describe('assignment rules', () => {
  it('creates, lists in order, edits and deletes rules, auditing each change', async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules', {
      name: 'Maharashtra',
      strategy: 'weighted',
      userIds: [sales[0], sales[1]],
      weights: [2, 1],
      conditions: [{ op: 'territory', values: ['Maharashtra', 'Pune'] }],
      slaMinutes: 60,
    });
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({
      name: 'Maharashtra',
      active: true,
      isDefault: false,
      strategy: 'weighted',
      weights: [2, 1],
      slaMinutes: 60,
      users: [
        { id: sales[0], name: 'Rohan Gupta', active: true },
        { id: sales[1], name: 'Sneha Patil', active: true },
      ],
    });
    const fallback = await addRule(t, { name: 'Default', isDefault: true, strategy: 'least_loaded', userIds: sales });
    const second = await addRule(t, { name: 'Web forms', strategy: 'round_robin', userIds: [sales[2]] });
    const list = (await t.as(ADMIN, 'GET', '/api/v1/assignment-rules')).json().data;
    expect(list.map((r: { id: string }) => r.id)).toEqual([rule.id, second.id, fallback.id]);

    const patched = await t.as(ADMIN, 'PATCH', `/api/v1/assignment-rules/${rule.id}`, {
      strategy: 'round_robin',
      active: false,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ strategy: 'round_robin', weights: [], active: false });
    expect((await t.as(ADMIN, 'GET', `/api/v1/assignment-rules/${rule.id}`)).json().active).toBe(false);

    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=assignment_rule&entityId=${rule.id}`);
    expect(audit.json().data.map((a: { action: string }) => a.action)).toEqual([
      'assignment_rule.updated',
      'assignment_rule.created',
    ]);
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/assignment-rules/${rule.id}`)).statusCode).toBe(204);
    expectProblem(await t.as(ADMIN, 'GET', `/api/v1/assignment-rules/${rule.id}`), 404, 'not_found');
  });

  it('refuses bad rules with the field named, and stores nothing', async () => {
    const manager = await userId(t, 'manager1@demo.test');
    const otherCo = await userId(t, 'admin@other.test');
    const base = { name: 'Bad', strategy: 'round_robin', userIds: [sales[0]] };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, name: '' }, 400, 'name'],
      [{ ...base, strategy: 'random' }, 400, 'strategy'],
      [{ ...base, userIds: [] }, 400, 'userIds'],
      [{ ...base, extra: 1 }, 400, 'extra'],
      [{ ...base, strategy: 'user', userIds: [sales[0], sales[1]] }, 400, 'userIds'],
      [{ ...base, userIds: [sales[0], sales[0]] }, 400, 'userIds.1'],
      [{ ...base, strategy: 'weighted', userIds: [sales[0], sales[1]], weights: [1] }, 400, 'weights'],
      [{ ...base, weights: [1] }, 400, 'weights'],
      [{ ...base, slaMinutes: 0 }, 400, 'slaMinutes'],
      [{ ...base, conditions: [{ field: 'shoeSize', op: 'equals', value: 'x' }] }, 400, 'conditions.0.field'],
      [{ ...base, conditions: [{ field: 'city', op: 'range', min: 1 }] }, 400, 'conditions.0.op'],
      [{ ...base, conditions: [{ field: 'city', op: 'equals' }] }, 400, 'conditions.0.value'],
      [{ ...base, conditions: [{ field: 'city', op: 'in', value: 'Pune' }] }, 400, 'conditions.0.value'],
      [{ ...base, conditions: [{ field: 'expectedValue', op: 'range', min: 10, max: 5 }] }, 400, 'conditions.0.max'],
      [{ ...base, conditions: [{ field: 'expectedCloseDate', op: 'range', min: 5 }] }, 400, 'conditions.0.min'],
      [{ ...base, conditions: [{ field: 'city', op: 'like', value: 'P' }] }, 400, 'conditions.0.op'],
      [{ ...base, conditions: [{ op: 'territory' }] }, 400, 'conditions.0.values'],
      [{ ...base, isDefault: true, conditions: [{ field: 'city', op: 'is_empty' }] }, 400, 'conditions'],
      [{ ...base, conditions: [{ field: 'customFields.nope', op: 'is_empty' }] }, 422, 'conditions.0.field'],
      [{ ...base, userIds: [manager] }, 422, 'userIds.0'],
      [{ ...base, userIds: [otherCo] }, 422, 'userIds.0'],
    ];
    for (const [body, status, path] of cases) {
      const response = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules', body);
      expectProblem(response, status, status === 400 ? 'validation_failed' : 'unprocessable', path);
    }
    expect(await ruleCount()).toBe(0);

    await addRule(t, { name: 'First default', isDefault: true, strategy: 'user', userIds: [sales[0]] });
    const second = await t.as(ADMIN, 'POST', '/api/v1/assignment-rules', { ...base, isDefault: true });
    expectProblem(second, 422, 'unprocessable', 'isDefault');
    const rule = await addRule(t, base);
    const bad = await t.as(ADMIN, 'PATCH', `/api/v1/assignment-rules/${rule.id}`, { strategy: 'weighted' });
    expectProblem(bad, 400, 'validation_failed', 'weights');
    expect((await t.as(ADMIN, 'GET', `/api/v1/assignment-rules/${rule.id}`)).json().strategy).toBe('round_robin');
    expect(await ruleCount()).toBe(2);
  });

  it('reorders only with every rule named once', async () => {
    const a = await addRule(t, { name: 'A', strategy: 'user', userIds: [sales[0]] });
    const b = await addRule(t, { name: 'B', strategy: 'user', userIds: [sales[1]] });
    const d = await addRule(t, { name: 'D', isDefault: true, strategy: 'user', userIds: [sales[2]] });
    const reorder = (ids: string[]) => t.as(ADMIN, 'POST', '/api/v1/assignment-rules/reorder', { ids });
    expectProblem(await reorder([b.id]), 422, 'unprocessable', 'ids');
    expectProblem(await reorder([b.id, b.id, a.id]), 422, 'unprocessable', 'ids.1');
    expectProblem(await reorder([d.id, b.id, a.id]), 422, 'unprocessable', 'ids.0');
    expectProblem(await reorder(['not-a-uuid']), 400, 'validation_failed', 'ids.0');
    const ok = await reorder([b.id, a.id, d.id]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data.map((r: { name: string }) => r.name)).toEqual(['B', 'A', 'D']);
  });

  it('is for admins only, and another company sees none of it', async () => {
    const rule = await addRule(t, { name: 'Private', strategy: 'user', userIds: [sales[0]] });
    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'integration@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/assignment-rules'), 403, 'forbidden');
      expectProblem(await t.as(who, 'PATCH', `/api/v1/assignment-rules/${rule.id}`, { name: 'x' }), 403, 'forbidden');
    }
    const other = 'admin@other.test';
    expect((await t.as(other, 'GET', '/api/v1/assignment-rules')).json().data).toEqual([]);
    expectProblem(await t.as(other, 'GET', `/api/v1/assignment-rules/${rule.id}`), 404, 'not_found');
    expectProblem(
      await t.as(other, 'PATCH', `/api/v1/assignment-rules/${rule.id}`, { name: 'Mine' }),
      404,
      'not_found',
    );
    expectProblem(await t.as(other, 'DELETE', `/api/v1/assignment-rules/${rule.id}`), 404, 'not_found');
    const test = await t.as(other, 'POST', '/api/v1/assignment-rules/test', { ruleId: rule.id, lead: {} });
    expectProblem(test, 404, 'not_found');
    expect((await t.as(ADMIN, 'GET', `/api/v1/assignment-rules/${rule.id}`)).json().name).toBe('Private');
  });
});
