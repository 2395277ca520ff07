import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Report figures against the same figures counted here, in plain code, from the raw rows of the demo company
 * (plus a few leads with a known history): deals by stage, won and lost by month in the company's zone, the
 * funnel of a cohort, time in stage, the team roll-up, warriors, follow-ups per person, conversion by source.
 */
let t: TestApp;
let companyId: string;
let zone: string;
const ALL = { from: '2000-01-01', to: '2100-12-31' };

interface Lead {
  id: string;
  stage: string;
  kind: 'open' | 'won' | 'lost';
  owner_id: string | null;
  source: string;
  value: string | null;
  created_at: Date;
  stage_changed_at: Date;
  warrior_ids: string[];
}

async function raw<T>(query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return withTenant(t.dbs.app, companyId, async (trx) => (await query.execute(trx)).rows);
}
const leads = () =>
  raw<Lead>(sql`SELECT l.id, l.stage, s.kind, l.owner_id, l.source, l.expected_value::text AS value, l.created_at,
      l.stage_changed_at, l.warrior_ids
    FROM leads l JOIN pipeline_stages s ON s.key = l.stage WHERE l.deleted_at IS NULL AND l.merged_into IS NULL`);

async function report(body: Record<string, unknown>, who = 'admin@demo.test') {
  const res = await t.as(who, 'POST', '/api/v1/reports/run', { ...ALL, limit: 5000, ...body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { rows: { values: Record<string, string | number | null> }[]; totals: Record<string, number> };
}

/** Report rows as `dimension values joined by |` -> the measure. */
function byKey(result: Awaited<ReturnType<typeof report>>, dims: string[], measure: string) {
  return new Map(result.rows.map((r) => [dims.map((d) => String(r.values[d])).join('|'), r.values[measure]]));
}

function tally<T>(items: T[], key: (item: T) => string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** YYYY-MM-01 of an instant in a zone. */
const monthIn = (at: Date, timeZone: string) =>
  `${new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(at)}-01`;

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
  zone = (await raw<{ timezone: string }>(sql`SELECT timezone FROM companies`))[0]?.timezone as string;
  // A few leads that win and lose, so the history has moves out of several stages.
  for (const [i, path] of [
    ['demo', 'proposal', 'won'],
    ['demo', 'lost'],
    ['proposal'],
    ['demo', 'proposal', 'won'],
  ].entries()) {
    const created = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
      name: `Figures lead ${i}`,
      source: i % 2 === 0 ? 'web_form' : 'referral',
      expectedValue: 1000 * (i + 1),
    });
    expect(created.statusCode, created.body).toBe(201);
    let lead = created.json();
    for (const stage of path) {
      t.clock.advance(3_600_000 * (i + 1));
      const extra = stage === 'lost' ? { fields: { lostReason: 'Budget' } } : {};
      const moved = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, {
        stage,
        version: lead.version,
        ...extra,
      });
      expect(moved.statusCode, moved.body).toBe(200);
      lead = moved.json();
    }
  }
});
afterAll(() => t.close());

describe('figures equal a count of the raw rows', () => {
  it('deals by stage: leads and value per stage', async () => {
    const rows = await leads();
    const result = await report({ report: 'pipeline.deals-by-stage' });
    expect(byKey(result, ['stage'], 'leads')).toEqual(tally(rows, (l) => l.stage));
    const value = new Map<string, number>();
    for (const l of rows) value.set(l.stage, (value.get(l.stage) ?? 0) + Number(l.value ?? 0));
    for (const [stage, v] of byKey(result, ['stage'], 'value')) expect(Number(v)).toBeCloseTo(value.get(stage) ?? 0, 2);
    expect(result.totals.leads).toBe(rows.length);
  });

  it('won and lost by month, in the company’s time zone', async () => {
    const rows = await leads();
    const result = await report({ report: 'pipeline.won-lost-by-month' });
    const closed = rows.filter((l) => l.kind !== 'open');
    expect(byKey(result, ['stageChangedAt.month'], 'wonLeads')).toEqual(
      new Map(
        [...tally(closed, (l) => monthIn(l.stage_changed_at, zone))].map(([m]) => [
          m,
          closed.filter((l) => l.kind === 'won' && monthIn(l.stage_changed_at, zone) === m).length,
        ]),
      ),
    );
    for (const row of result.rows) {
      const month = String(row.values['stageChangedAt.month']);
      const inMonth = closed.filter((l) => monthIn(l.stage_changed_at, zone) === month);
      const won = inMonth.filter((l) => l.kind === 'won').length;
      expect(row.values.winRate).toBeCloseTo(won / inMonth.length, 10);
    }
  });

  it('the funnel: of a cohort, the leads that entered each stage', async () => {
    const history = await raw<{ lead_id: string; to_stage: string }>(
      sql`SELECT h.lead_id, h.to_stage FROM lead_stage_history h JOIN leads l ON l.id = h.lead_id
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL`,
    );
    const entered = new Map<string, Set<string>>();
    for (const h of history) entered.set(h.to_stage, (entered.get(h.to_stage) ?? new Set()).add(h.lead_id));
    const result = await report({ report: 'pipeline.funnel' });
    expect(byKey(result, ['toStage'], 'leads')).toEqual(new Map([...entered].map(([s, ids]) => [s, ids.size])));
  });

  it('time in stage: the median of the time spent before each move out', async () => {
    const moves = await raw<{ from_stage: string; seconds: string }>(
      sql`SELECT h.from_stage, h.seconds_in_previous::text AS seconds FROM lead_stage_history h
        JOIN leads l ON l.id = h.lead_id
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL AND h.from_stage IS NOT NULL AND h.seconds_in_previous IS NOT NULL`,
    );
    const result = await report({ report: 'pipeline.time-in-stage' });
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const mid = (s.length - 1) / 2;
      return ((s[Math.floor(mid)] ?? 0) + (s[Math.ceil(mid)] ?? 0)) / 2;
    };
    const stages = [...new Set(moves.map((m) => m.from_stage))];
    expect(stages.length).toBeGreaterThan(1);
    const got = byKey(result, ['fromStage'], 'medianTimeInStage');
    for (const stage of stages) {
      expect(Number(got.get(stage))).toBeCloseTo(
        median(moves.filter((m) => m.from_stage === stage).map((m) => Number(m.seconds))),
        3,
      );
    }
  });

  it('per team: every manager counts the leads of its whole subtree', async () => {
    const rows = await leads();
    const users = await raw<{ id: string; manager_id: string | null; role: string }>(
      sql`SELECT id, manager_id, role::text FROM users`,
    );
    const managerOf = new Map(users.map((u) => [u.id, u.manager_id]));
    const heads = new Set(users.filter((u) => u.role === 'MANAGER' || u.role === 'ADMIN').map((u) => u.id));
    const expected = new Map<string, number>();
    for (const l of rows) {
      for (let u = l.owner_id; u; u = managerOf.get(u) ?? null) {
        if (heads.has(u)) expected.set(u, (expected.get(u) ?? 0) + 1);
      }
    }
    const result = await report({ report: 'team.per-team' });
    expect(byKey(result, ['team'], 'leads')).toEqual(expected);
  });

  it('per warrior: a lead counts for each of its warriors', async () => {
    const rows = await leads();
    const expected = tally(
      rows.flatMap((l) => l.warrior_ids),
      (w) => w,
    );
    const result = await report({ report: 'team.per-warrior' });
    expect(byKey(result, ['warriorIds'], 'leads')).toEqual(expected);
  });

  it('conversion by source: leads, won and win rate', async () => {
    const rows = await leads();
    const result = await report({ report: 'conversion.by-source' });
    for (const row of result.rows) {
      const mine = rows.filter((l) => l.source === row.values.source);
      const won = mine.filter((l) => l.kind === 'won').length;
      const lost = mine.filter((l) => l.kind === 'lost').length;
      expect(row.values.leads).toBe(mine.length);
      expect(row.values.wonLeads).toBe(won);
      expect(row.values.winRate).toBe(won + lost === 0 ? null : won / (won + lost));
    }
  });

  it('speed to lead: the median time to the first touch of the leads reached, and those never reached', async () => {
    const firsts = await raw<{ id: string; owner_id: string | null; created_at: Date; first: Date | null }>(
      sql`SELECT l.id, l.owner_id, l.created_at, least(
          (SELECT min(a.completed_at) FROM activities a WHERE a.lead_id = l.id AND a.status = 'done'),
          (SELECT min(n.created_at) FROM lead_notes n WHERE n.lead_id = l.id),
          (SELECT min(m.sent_at) FROM email_messages m WHERE m.lead_id = l.id),
          (SELECT min(w.at) FROM whatsapp_messages w WHERE w.lead_id = l.id AND w.direction = 'outbound')) AS first
        FROM leads l WHERE l.deleted_at IS NULL AND l.merged_into IS NULL`,
    );
    const result = await report({
      report: { subject: 'leads', measures: ['medianResponse', 'neverReached'], groupBy: ['ownerId'] },
    });
    const median = (xs: number[]) => {
      if (xs.length === 0) return null;
      const s = [...xs].sort((a, b) => a - b);
      const mid = (s.length - 1) / 2;
      return ((s[Math.floor(mid)] ?? 0) + (s[Math.ceil(mid)] ?? 0)) / 2;
    };
    expect(firsts.some((f) => f.first === null)).toBe(true);
    expect(firsts.some((f) => f.first !== null)).toBe(true);
    for (const row of result.rows) {
      const mine = firsts.filter((f) => String(f.owner_id) === String(row.values.ownerId));
      const reached = mine.filter((f) => f.first !== null);
      const seconds = reached.map((f) => Math.max(0, ((f.first as Date).getTime() - f.created_at.getTime()) / 1000));
      expect(row.values.neverReached).toBe(mine.length - reached.length);
      const want = median(seconds);
      if (want === null) expect(row.values.medianResponse).toBeNull();
      else expect(Number(row.values.medianResponse)).toBeCloseTo(want, 0);
    }
  });

  it('follow-ups per person: due, done, open and missed', async () => {
    const activities = await raw<{ assignee_id: string; status: string }>(
      sql`SELECT a.assignee_id, a.status FROM activities a JOIN leads l ON l.id = a.lead_id
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL`,
    );
    const result = await report({ report: 'activities.follow-ups-by-user' });
    expect(byKey(result, ['assigneeId'], 'activities')).toEqual(tally(activities, (a) => a.assignee_id));
    expect(byKey(result, ['assigneeId'], 'done')).toEqual(
      new Map(
        [...tally(activities, (a) => a.assignee_id)].map(([id]) => [
          id,
          activities.filter((a) => a.assignee_id === id && a.status === 'done').length,
        ]),
      ),
    );
  });
});

describe('the company’s settings in the figures', () => {
  it('groups by the fiscal year that starts in the company’s month', async () => {
    const rows = (await leads()).filter((l) => l.kind === 'won');
    expect(
      (await t.as('admin@demo.test', 'PATCH', '/api/v1/company', { fiscalYearStartMonth: 4 })).json(),
    ).toMatchObject({ fiscalYearStartMonth: 4 });
    const result = await report({ report: 'pipeline.won-by-fiscal-year' });
    const fiscal = (at: Date) => {
      const [y, m] = monthIn(at, zone).split('-').map(Number) as [number, number];
      return `${m < 4 ? y - 1 : y}-04-01`;
    };
    expect(byKey(result, ['stageChangedAt.fiscalYear'], 'wonLeads')).toEqual(
      tally(rows, (l) => fiscal(l.stage_changed_at)),
    );
    expectProblemLike(await t.as('admin@demo.test', 'PATCH', '/api/v1/company', { fiscalYearStartMonth: 13 }));
  });

  it('weights the open pipeline by each stage’s probability, the admin’s where set', async () => {
    expect(
      (await t.as('admin@demo.test', 'PATCH', '/api/v1/pipeline/stages/proposal', { probability: 0.5 })).json(),
    ).toMatchObject({ probability: 0.5 });
    const rows = (await leads()).filter((l) => l.kind === 'open');
    const result = await report({ report: { subject: 'leads', measures: ['weightedValue'], groupBy: ['stage'] } });
    const proposal = rows.filter((l) => l.stage === 'proposal').reduce((n, l) => n + Number(l.value ?? 0), 0);
    expect(Number(byKey(result, ['stage'], 'weightedValue').get('proposal'))).toBeCloseTo(proposal * 0.5, 2);
    expectProblemLike(
      await t.as('admin@demo.test', 'PATCH', '/api/v1/pipeline/stages/proposal', { probability: 1.5 }),
      'probability',
    );
    expect(
      (await t.as('sales1@demo.test', 'PATCH', '/api/v1/pipeline/stages/proposal', { probability: 0.9 })).statusCode,
    ).toBe(403);
  });
});

function expectProblemLike(res: { statusCode: number; json(): { errors?: { path: string }[] } }, path?: string) {
  expect(res.statusCode).toBe(400);
  if (path) expect(res.json().errors?.map((e) => e.path)).toContain(path);
}
