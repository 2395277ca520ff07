import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Targets set by admins and managers, and what each scope achieved, checked against SQL of the test's own over
 * the fixture. The fixture lives in March 2030 (the test clock), clear of the demo data, with two leads won
 * either side of midnight on 1 March in the company's zone (Asia/Kolkata).
 */
let t: TestApp;
let companyId: string;
const ids: Record<string, string> = {};
let partnerId: string;
const ADMIN = 'admin@demo.test';

interface Target {
  id: string;
  scope: { kind: string; key: string; name: string };
  period: { kind: string; key: string; start: string; end: string; label: string };
  target: { wonValue: number; wonCount: number; newLeads: number | null; calls: number | null };
  achieved: { wonValue: number | null; wonCount: number | null; newLeads: number | null; calls: number | null };
  progress: { wonValue: number | null; wonCount: number | null; newLeads: number | null; calls: number | null };
}

async function win(id: string) {
  const won = await t.as(ADMIN, 'POST', `/api/v1/leads/${id}/stage`, { stage: 'won' });
  expect(won.statusCode, won.body).toBe(200);
}

async function lead(body: Record<string, unknown>, won: boolean) {
  const created = await t.as(ADMIN, 'POST', '/api/v1/leads', body);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  if (won) await win(id);
  return id;
}

async function call(who: string, leadId: string) {
  const res = await t.as(who, 'POST', '/api/v1/activities', { leadId, type: 'call' });
  expect(res.statusCode, res.body).toBe(201);
}

const put = (who: string, items: unknown[]) => t.as(who, 'PUT', '/api/v1/targets', { items });
const list = async (who: string, period = '2030-03') => {
  const res = await t.as(who, 'GET', `/api/v1/targets?period=${period}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Target[];
};
const item = (kind: string, key: string, extra: Record<string, unknown> = {}) => ({
  scope: { kind, key },
  period: '2030-03',
  wonValue: 200000,
  wonCount: 4,
  ...extra,
});
const find = (targets: Target[], kind: string, key: string) =>
  targets.find((x) => x.scope.kind === kind && x.scope.key === key);

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  for (const key of ['manager1', 'manager2', 'sales1', 'sales2', 'sales3', 'sales4', 'partner']) {
    ids[key] = await userId(t, `${key}@demo.test`);
  }
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  partnerId = (await t.as(ADMIN, 'GET', '/api/v1/partners')).json().data[0].id;

  // Created in February, won in March: March's win, February's new lead.
  t.clock.set(new Date('2030-02-20T06:00:00Z'));
  const late = await lead({ name: 'Late Win', ownerId: ids.sales1, expectedValue: 3000 }, false);
  // 23:30 on 28 February in Kolkata: won in February.
  t.clock.set(new Date('2030-02-28T18:00:00Z'));
  await lead({ name: 'February Win', ownerId: ids.sales1, expectedValue: 9000 }, true);
  // 01:30 on 1 March in Kolkata (still 28 February in UTC): won in March.
  t.clock.set(new Date('2030-02-28T20:00:00Z'));
  await lead({ name: 'Midnight Win', ownerId: ids.sales1, expectedValue: 5000 }, true);
  t.clock.set(new Date('2030-03-15T06:00:00Z'));
  await win(late);
  const a = await lead({ name: 'Target Lead A', ownerId: ids.sales1, expectedValue: 100000 }, true);
  await lead({ name: 'Target Lead B', ownerId: ids.sales1, expectedValue: 50000 }, true);
  await lead({ name: 'Target Lead C', ownerId: ids.sales1, expectedValue: 7000 }, false);
  const pune = await lead(
    { name: 'Target Lead D', ownerId: ids.sales3, expectedValue: 30000, territory: 'Pune' },
    true,
  );
  const e = await lead({ name: 'Target Lead E', ownerId: ids.sales2, expectedValue: 20000, territory: 'PUNE' }, true);
  await lead({ name: 'Target Lead F', ownerId: ids.sales4, partnerId, expectedValue: 10000 }, true);
  await call('sales1@demo.test', a);
  await call('sales1@demo.test', a);
  await call('sales2@demo.test', e);
  await call('sales3@demo.test', pune);
});
afterAll(() => t.close());

/** The test's own count of what a scope won, created and called in March 2030 (Kolkata), over every record. */
async function counted(scope: 'owner' | 'team' | 'partner' | 'territory', key: string) {
  const from = '2030-03-01T00:00:00+05:30';
  const to = '2030-04-01T00:00:00+05:30';
  const leadIn =
    scope === 'owner'
      ? sql`l.owner_id = ${key}::uuid`
      : scope === 'team'
        ? sql`l.owner_id IN (WITH RECURSIVE tree AS (SELECT id FROM users WHERE id = ${key}::uuid
            UNION SELECT u.id FROM users u JOIN tree ON u.manager_id = tree.id) SELECT id FROM tree)`
        : scope === 'partner'
          ? sql`l.partner_id = ${key}::uuid`
          : sql`lower(l.territory) = ${key}`;
  const callBy =
    scope === 'owner'
      ? sql`a.assignee_id = ${key}::uuid`
      : scope === 'team'
        ? sql`a.assignee_id IN (WITH RECURSIVE tree AS (SELECT id FROM users WHERE id = ${key}::uuid
            UNION SELECT u.id FROM users u JOIN tree ON u.manager_id = tree.id) SELECT id FROM tree)`
        : leadIn;
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const live = sql`l.deleted_at IS NULL AND l.merged_into IS NULL`;
    const won = await sql<{ n: number; v: string }>`SELECT count(*)::int AS n, coalesce(sum(l.expected_value), 0) AS v
      FROM leads l JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
      WHERE s.kind = 'won' AND ${live} AND ${leadIn}
        AND l.stage_changed_at >= ${from}::timestamptz AND l.stage_changed_at < ${to}::timestamptz`.execute(trx);
    const created = await sql<{ n: number }>`SELECT count(*)::int AS n FROM leads l
      WHERE ${live} AND ${leadIn} AND l.created_at >= ${from}::timestamptz AND l.created_at < ${to}::timestamptz`.execute(
      trx,
    );
    const calls = await sql<{ n: number }>`SELECT count(*)::int AS n FROM activities a
      JOIN leads l ON l.company_id = a.company_id AND l.id = a.lead_id
      WHERE a.type = 'call' AND ${live} AND ${callBy}
        AND a.due_at >= ${from}::timestamptz AND a.due_at < ${to}::timestamptz`.execute(trx);
    return {
      wonValue: Number(won.rows[0]?.v),
      wonCount: won.rows[0]?.n,
      newLeads: created.rows[0]?.n,
      calls: calls.rows[0]?.n,
    };
  });
}

describe('targets', () => {
  it('are set by an admin for any scope, and achieved figures equal an independent count', async () => {
    const res = await put(ADMIN, [
      item('user', ids.sales1 as string, { newLeads: 8, calls: 4 }),
      item('user', ids.sales2 as string),
      item('user', ids.sales3 as string),
      item('team', ids.manager1 as string, { wonValue: 500000, wonCount: 10, calls: 10 }),
      item('team', ids.manager2 as string),
      item('partner', partnerId),
      item('territory', '  Pune ', { wonValue: 100000, wonCount: 0 }),
      item('user', ids.sales3 as string, { period: '2030-Q1', wonValue: 90000, wonCount: 3 }),
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const set = res.json().data as Target[];
    expect(set).toHaveLength(8);
    expect(set[6]?.scope).toEqual({ kind: 'territory', key: 'pune', name: 'pune' });
    expect(set[7]?.period).toEqual({
      kind: 'quarter',
      key: '2030-Q1',
      start: '2030-01-01',
      end: '2030-03-31',
      label: 'Q1 2030',
    });

    const targets = await list(ADMIN);
    expect(targets).toHaveLength(7);
    const sales1 = find(targets, 'user', ids.sales1 as string) as Target;
    expect(sales1.scope.name).toBe('Rohan Gupta');
    expect(sales1.period).toEqual({
      kind: 'month',
      key: '2030-03',
      start: '2030-03-01',
      end: '2030-03-31',
      label: 'Mar 2030',
    });
    expect(sales1.target).toEqual({ wonValue: 200000, wonCount: 4, newLeads: 8, calls: 4 });
    // The fixture, by hand: Late Win, Midnight Win, A and B won in March (February Win is February's); four
    // created in March (Late Win in February); two calls.
    expect(sales1.achieved).toEqual({ wonValue: 158000, wonCount: 4, newLeads: 4, calls: 2 });
    expect(sales1.achieved).toEqual(await counted('owner', ids.sales1 as string));
    expect(sales1.progress).toEqual({ wonValue: 158000 / 200000, wonCount: 1, newLeads: 4 / 8, calls: 2 / 4 });

    const team = find(targets, 'team', ids.manager1 as string) as Target;
    expect(team.scope.name).toBe('Vikram Mehta’s team');
    expect(team.achieved).toEqual({ wonValue: 178000, wonCount: 5, newLeads: 5, calls: 3 });
    expect(team.achieved).toEqual(await counted('team', ids.manager1 as string));
    expect(team.progress.newLeads).toBeNull();
    expect(team.progress.calls).toBeCloseTo(0.3);

    const team2 = find(targets, 'team', ids.manager2 as string) as Target;
    expect(team2.achieved).toEqual(await counted('team', ids.manager2 as string));

    const territory = find(targets, 'territory', 'pune') as Target;
    expect(territory.achieved).toEqual({ wonValue: 50000, wonCount: 2, newLeads: 2, calls: 2 });
    expect(territory.achieved).toEqual(await counted('territory', 'pune'));
    expect(territory.progress.wonCount).toBeNull();

    const partner = find(targets, 'partner', partnerId) as Target;
    expect(partner.scope.name).toBe('Sunrise Channel Partners');
    expect(partner.achieved).toEqual(await counted('partner', partnerId));
    expect(partner.achieved.wonCount).toBe(1);

    const quarter = await list(ADMIN, '2030-Q1');
    expect(quarter).toHaveLength(1);
    expect(quarter[0]?.achieved).toMatchObject({ wonValue: 30000, wonCount: 1 });

    // The default period is this month in the company's zone.
    const now = await t.as(ADMIN, 'GET', '/api/v1/targets');
    expect(now.json().period).toMatchObject({ key: '2030-03', kind: 'month' });
    expect(now.json().data).toHaveLength(7);

    // Setting again replaces the target; the audit log has both.
    const again = await put(ADMIN, [item('user', ids.sales2 as string, { wonValue: 1000, wonCount: 1 })]);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data[0].target).toEqual({ wonValue: 1000, wonCount: 1, newLeads: null, calls: null });
    expect(again.json().data[0].id).toBe(find(targets, 'user', ids.sales2 as string)?.id);
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=target&entityId=${again.json().data[0].id}`);
    expect((audit.json().data as { action: string }[]).map((e) => e.action).sort()).toEqual([
      'target.set',
      'target.updated',
    ]);
  });

  it('shows each person its own target, a partner its partner’s, a manager its subtree', async () => {
    const own = await list('sales1@demo.test');
    expect(own.map((x) => [x.scope.kind, x.scope.key])).toEqual([['user', ids.sales1]]);
    expect(own[0]?.achieved).toEqual({ wonValue: 158000, wonCount: 4, newLeads: 4, calls: 2 });
    expect(await list('warrior1@demo.test')).toEqual([]);

    const partner = await list('partner@demo.test');
    expect(partner.map((x) => [x.scope.kind, x.scope.key])).toEqual([['partner', partnerId]]);
    // A partner does not see values.
    expect(partner[0]?.achieved).toMatchObject({ wonValue: null, wonCount: 1 });
    expect(partner[0]?.progress.wonValue).toBeNull();

    const manager = await list('manager1@demo.test');
    const seen = manager.map((x) => `${x.scope.kind}:${x.scope.key}`).sort();
    expect(seen).toEqual(
      [
        `user:${ids.sales1}`,
        `user:${ids.sales2}`,
        `team:${ids.manager1}`,
        `partner:${partnerId}`,
        'territory:pune',
      ].sort(),
    );
    // Counted over what the manager sees: its team's part of the territory.
    expect(find(manager, 'territory', 'pune')?.achieved).toMatchObject({ wonValue: 20000, wonCount: 1 });
    expect(find(manager, 'team', ids.manager1 as string)?.achieved).toEqual(
      await counted('team', ids.manager1 as string),
    );

    expectProblem(await t.as('guest@demo.test', 'GET', '/api/v1/targets'), 403, 'forbidden');
    expect(await list('admin@other.test')).toEqual([]);
  });

  it('lets a manager set the users and teams of its subtree only', async () => {
    const mine = await put('manager1@demo.test', [
      item('user', ids.sales1 as string, { wonValue: 250000, wonCount: 5 }),
      item('team', ids.manager1 as string, { wonValue: 600000, wonCount: 12 }),
      item('user', ids.manager1 as string, { wonValue: 1, wonCount: 1 }),
    ]);
    expect(mine.statusCode, mine.body).toBe(200);
    expect((mine.json().data as Target[]).map((x) => x.target.wonValue)).toEqual([250000, 600000, 1]);

    const before = await list(ADMIN);
    expectProblem(
      await put('manager1@demo.test', [item('user', ids.sales3 as string)]),
      404,
      'not_found',
      'items.0.scope.key',
    );
    expectProblem(
      await put('manager1@demo.test', [item('user', ids.sales1 as string), item('team', ids.manager2 as string)]),
      404,
      'not_found',
      'items.1.scope.key',
    );
    expectProblem(
      await put('manager1@demo.test', [item('partner', partnerId)]),
      403,
      'forbidden',
      'items.0.scope.kind',
    );
    expectProblem(await put('manager1@demo.test', [item('territory', 'Goa')]), 403, 'forbidden', 'items.0.scope.kind');
    expectProblem(
      await put('manager1@demo.test', [item('team', ids.sales1 as string)]),
      400,
      'validation_failed',
      'items.0.scope.key',
    );
    for (const who of ['sales1@demo.test', 'partner@demo.test', 'dev@demo.test', 'guest@demo.test']) {
      expectProblem(await put(who, [item('user', ids.sales1 as string)]), 403, 'forbidden');
    }
    expect(await list(ADMIN)).toEqual(before);
  });

  it('answers bad input with 400 naming the field and changes nothing', async () => {
    const before = await list(ADMIN);
    const valid = [
      item('user', ids.sales1 as string, { wonValue: 1 }),
      item('user', ids.sales2 as string, { wonValue: 2 }),
      item('team', ids.manager1 as string, { wonValue: 3 }),
    ];
    const cases: [unknown[], string][] = [
      [[...valid, item('user', ids.sales3 as string, { period: '2030-13' })], 'items.3.period'],
      [[...valid, item('user', ids.sales3 as string, { period: '2030-Q5' })], 'items.3.period'],
      [[...valid, item('user', ids.sales3 as string, { period: 'March' })], 'items.3.period'],
      [[item('user', ids.sales1 as string, { wonValue: -1 })], 'items.0.wonValue'],
      [[item('user', ids.sales1 as string, { wonValue: 10.555 })], 'items.0.wonValue'],
      [[item('user', ids.sales1 as string, { wonCount: -2 })], 'items.0.wonCount'],
      [[item('user', ids.sales1 as string, { wonCount: 1.5 })], 'items.0.wonCount'],
      [[item('user', ids.sales1 as string, { newLeads: -1 })], 'items.0.newLeads'],
      [[item('user', ids.sales1 as string, { calls: 'many' })], 'items.0.calls'],
      [[item('planet', ids.sales1 as string)], 'items.0.scope.kind'],
      [[item('user', 'not-a-user')], 'items.0.scope.key'],
      [[item('partner', 'not-a-partner')], 'items.0.scope.key'],
      [[item('territory', '   ')], 'items.0.scope.key'],
      [[...valid, valid[0]], 'items.3'],
      [[{ ...item('user', ids.sales1 as string), extra: 1 }], 'items.0.extra'],
      [[], 'items'],
    ];
    for (const [items, path] of cases) {
      expectProblem(await put(ADMIN, items), 400, 'validation_failed', path);
    }
    const unknown = '01900000-0000-7000-8000-000000000000';
    expectProblem(await put(ADMIN, [...valid, item('user', unknown)]), 404, 'not_found', 'items.3.scope.key');
    expectProblem(await put(ADMIN, [item('partner', unknown)]), 404, 'not_found', 'items.0.scope.key');
    expectProblem(
      await put('admin@other.test', [item('user', ids.sales1 as string)]),
      404,
      'not_found',
      'items.0.scope.key',
    );
    expectProblem(await t.as(ADMIN, 'GET', '/api/v1/targets?period=2030-13'), 400, 'validation_failed', 'period');
    expect(await list(ADMIN)).toEqual(before);
  });

  it('are removed by whoever may set them, and by nobody else', async () => {
    const set = await put(ADMIN, [
      item('user', ids.sales4 as string, { period: '2030-04' }),
      item('user', ids.sales1 as string, { period: '2030-04' }),
      item('partner', partnerId, { period: '2030-04' }),
    ]);
    expect(set.statusCode, set.body).toBe(200);
    const [outside, inside, partner] = (set.json().data as Target[]).map((x) => x.id);
    const remove = (who: string, id: string | undefined) => t.as(who, 'DELETE', `/api/v1/targets/${id}`);

    // Another company's admin, and a manager for a user outside its subtree: no such target.
    expectProblem(await remove('admin@other.test', outside), 404, 'not_found');
    expectProblem(await remove('manager1@demo.test', outside), 404, 'not_found');
    // A manager sees partner targets but does not set them; people without targets:manage remove none.
    expectProblem(await remove('manager1@demo.test', partner), 403, 'forbidden');
    for (const who of ['sales1@demo.test', 'partner@demo.test', 'guest@demo.test']) {
      expectProblem(await remove(who, inside), 403, 'forbidden');
    }
    expectProblem(await t.as(ADMIN, 'DELETE', '/api/v1/targets/not-an-id'), 400, 'validation_failed', 'id');
    expect(await list(ADMIN, '2030-04')).toHaveLength(3);

    expect((await remove('manager1@demo.test', inside)).statusCode).toBe(204);
    expect((await remove(ADMIN, partner)).statusCode).toBe(204);
    expectProblem(await remove(ADMIN, partner), 404, 'not_found');
    expect((await list(ADMIN, '2030-04')).map((x) => x.id)).toEqual([outside]);
    const audit = await t.as(ADMIN, 'GET', `/api/v1/audit?entityType=target&entityId=${inside}`);
    expect((audit.json().data as { action: string }[]).map((e) => e.action).sort()).toEqual([
      'target.deleted',
      'target.set',
    ]);
  });
});
