import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * The kept forecast (`forecast_months`, the daily job `forecasts.record`) in the reports: after the job runs, each
 * past month's forecast in the report is the backtest's figure of GET /insights/forecast and its actual the
 * backtest's actual, this month's is the API's forecast at the moment the job ran, the owners' rows add up to the
 * company's, a month once kept does not change, and each caller sees only the people it may see. The fixture is a
 * year of leads written for Demo Co (its demo leads go to the trash first), some of them with no owner; the clock
 * stands at noon on 15 July 2030 in the company's zone (Asia/Kolkata, UTC+05:30).
 */
let t: TestApp;
const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
const ids: Record<string, string> = {};
let demoId: string;
let otherId: string;

const IST = 5.5 * 3600_000;
const DAY = 86_400_000;
const at = (y: number, m: number, d: number, h = 10) => new Date(Date.UTC(y, m - 1, d, h) - IST);
const NOW = at(2030, 7, 15, 12);
const PAST = ['2030-01', '2030-02', '2030-03', '2030-04', '2030-05', '2030-06'];

type Owner = 'sales1' | 'sales2' | 'sales3' | 'sales4' | null;
interface Lead {
  name: string;
  owner: Owner;
  value: number;
  created: Date;
  move: { stage: 'won' | 'lost' | 'demo' | 'proposal' | 'trial'; at: Date } | null;
}
const leads: Lead[] = [];
const lead = (owner: Owner, value: number, created: Date, stage: NonNullable<Lead['move']>['stage'], days: number) => {
  const moved = new Date(created.getTime() + days * DAY);
  leads.push({
    name: `Kept forecast ${leads.length + 1}`,
    owner,
    value,
    created,
    move: moved <= NOW ? { stage, at: moved } : null,
  });
};
// July 2029 to June 2030: each month a quick win, a deal won or lost three to four weeks on, a bigger one won or lost
// six weeks on, and every other month a lead of sales4's created and won within days. A quarter have no owner.
const rota: Owner[] = ['sales1', 'sales2', 'sales3', null];
for (let m = 0; m < 12; m++) {
  const y = m < 6 ? 2029 : 2030;
  const mo = ((6 + m) % 12) + 1;
  lead(rota[m % 4] ?? null, 1500 + 500 * (m % 3), at(y, mo, 2), 'won', 9);
  lead(rota[(m + 1) % 4] ?? null, 6000 + 250 * m, at(y, mo, 12), m % 2 === 0 ? 'won' : 'lost', 24);
  lead(rota[(m + 2) % 4] ?? null, 9000, at(y, mo, 21), m % 3 === 0 ? 'won' : 'lost', 42);
  if (m % 2 === 1) lead('sales4', 2500, at(y, mo, 6), 'won', 4);
}
// This month so far, and the open pipeline.
lead('sales1', 5000, at(2030, 7, 1), 'won', 6);
lead(null, 3000, at(2030, 7, 2), 'won', 5);
lead('sales2', 30000, at(2030, 5, 10), 'proposal', 40);
lead('sales3', 45000, at(2030, 6, 18), 'trial', 20);
lead(null, 20000, at(2030, 6, 25), 'demo', 10);
lead('sales1', 15000, at(2030, 7, 12), 'demo', 1);

interface Row {
  values: Record<string, string | number | null>;
  labels: Record<string, string>;
}
const RANGE = { from: '2030-01-01', to: '2030-07-31' };

async function run(who: string, report: unknown, range: Record<string, string> = RANGE) {
  const res = await t.as(who, 'POST', '/api/v1/reports/run', { report, ...range, limit: 5000 });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { rows: Row[]; totals: Record<string, number | null> };
}
const month = (r: Row) => String(r.values['month.month']).slice(0, 7);
const num = (v: unknown) => Number(v ?? 0);

/** Runs every job due by the test clock, until none is left. */
async function drainJobs() {
  for (let i = 0; i < 50; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

/** The kept rows, straight from the table. */
async function kept(companyId: string) {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{
      id: string;
      month: string;
      owner_id: string | null;
      basis: string;
      expected_value: string;
      expected_count: string;
      made_at: Date;
    }>`SELECT id, to_char(month, 'YYYY-MM') AS month, owner_id, basis, expected_value::text, expected_count::text,
        made_at FROM forecast_months ORDER BY month, owner_id NULLS FIRST`.execute(trx);
    return rows;
  });
}

/** Won value and count per (month, owner) of the company's live leads, straight from the tables. */
async function wonByOwner(companyId: string) {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ month: string; owner_id: string | null; value: string; n: number }>`SELECT
        to_char(l.stage_changed_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM') AS month, l.owner_id,
        sum(l.expected_value)::text AS value, count(*)::int AS n
      FROM leads l JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
      WHERE s.kind = 'won' AND l.deleted_at IS NULL AND l.merged_into IS NULL
      GROUP BY 1, 2`.execute(trx);
    return rows;
  });
}

interface Forecast {
  months: { month: string; expected: number; expectedCount: number }[];
  backtest: { month: string; forecast: number; actual: number }[];
}
async function apiForecast(who: string): Promise<Forecast> {
  const res = await t.as(who, 'GET', '/api/v1/insights/forecast?months=1');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Forecast;
}

let atRun: Forecast;

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  for (const key of ['manager1', 'sales1', 'sales2', 'sales3', 'sales4'])
    ids[key] = await userId(t, `${key}@demo.test`);
  demoId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id as string;
  otherId = (await t.as(OTHER, 'GET', '/api/v1/auth/me')).json().company.id as string;
  await withTenant(t.dbs.app, demoId, (trx) =>
    sql`UPDATE leads SET deleted_at = now() WHERE deleted_at IS NULL`.execute(trx),
  );
  t.clock.set(NOW);
  for (const f of leads) {
    const body: Record<string, unknown> = {
      name: f.name,
      ownerId: ids[f.owner ?? 'sales1'],
      expectedValue: f.value,
      createdAt: f.created.toISOString(),
    };
    if (f.move) {
      body.stage = f.move.stage;
      body.stageChangedAt = f.move.at.toISOString();
      if (f.move.stage === 'lost') body.lostReason = 'Went elsewhere';
    }
    const res = await t.as(ADMIN, 'POST', '/api/v1/leads', body);
    expect(res.statusCode, res.body).toBe(201);
  }
  // Leads nobody owns.
  const unowned = leads.filter((f) => f.owner === null).map((f) => f.name);
  await withTenant(t.dbs.app, demoId, (trx) =>
    sql`UPDATE leads SET owner_id = NULL WHERE name = ANY(${unowned}::text[])`.execute(trx),
  );
  await drainJobs();
  atRun = await apiForecast(ADMIN);
}, 180_000);
afterAll(() => t.close());

describe('the daily job forecasts.record', () => {
  it('ran, and kept this month as recorded and the past six months as reconstructed', async () => {
    const job = await withTenant(t.dbs.app, demoId, async (trx) => {
      const { rows } = await sql<{ n: number; failed: number }>`SELECT count(*)::int AS n,
          count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failed
        FROM jobs WHERE company_id = ${demoId} AND kind = 'forecasts.record' AND done_at IS NOT NULL`.execute(trx);
      return rows[0];
    });
    expect(job).toEqual({ n: 1, failed: 0 });
    const rows = await kept(demoId);
    const byMonth = new Map<string, Set<string>>();
    for (const r of rows) byMonth.set(r.month, (byMonth.get(r.month) ?? new Set()).add(r.basis));
    expect([...byMonth.keys()]).toEqual([...PAST, '2030-07']);
    for (const m of PAST) expect([...(byMonth.get(m) ?? [])], m).toEqual(['reconstructed']);
    expect([...(byMonth.get('2030-07') ?? [])]).toEqual(['recorded']);
    // Made when the job ran; each month has its row of leads with no owner and the owners' rows.
    for (const r of rows) expect(new Date(r.made_at).toISOString()).toBe(NOW.toISOString());
    for (const m of [...PAST, '2030-07']) {
      const mine = rows.filter((r) => r.month === m);
      expect(
        mine.filter((r) => r.owner_id === null),
        m,
      ).toHaveLength(1);
      expect(mine.length, m).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('the report insights.forecast-vs-actual', () => {
  it('gives each past month the backtest’s forecast and actual, and this month the forecast when the job ran', async () => {
    const result = await run(ADMIN, 'insights.forecast-vs-actual');
    expect(result.rows.map(month)).toEqual([...PAST, '2030-07']);
    expect(atRun.backtest.map((b) => b.month)).toEqual(PAST);
    for (const b of atRun.backtest) {
      const row = result.rows.find((r) => month(r) === b.month) as Row;
      expect(num(row.values.forecast), `${b.month} forecast`).toBeCloseTo(b.forecast, 1);
      expect(num(row.values.actual), `${b.month} actual`).toBeCloseTo(b.actual, 2);
      const error = b.actual > 0 ? (num(row.values.forecast) - b.actual) / b.actual : null;
      if (error === null) expect(row.values.errorPct).toBeNull();
      else expect(num(row.values.errorPct), `${b.month} error`).toBeCloseTo(error, 6);
      expect(num(row.values.absoluteError)).toBeCloseTo(Math.abs(num(row.values.forecast) - b.actual), 6);
    }
    const july = result.rows.find((r) => month(r) === '2030-07') as Row;
    expect(num(july.values.forecast)).toBeCloseTo(atRun.months[0]?.expected as number, 1);
    // The fixture is not trivial: something was forecast and won in most months.
    expect(atRun.backtest.filter((b) => b.forecast > 0 && b.actual > 0).length).toBeGreaterThanOrEqual(4);
    expect(num(july.values.actual)).toBe(8000);
  });

  it('keeps this month’s expected count as the API gave it', async () => {
    const result = await run(ADMIN, {
      subject: 'forecastMonths',
      measures: ['forecastCount', 'actualCount'],
      groupBy: ['month.month', 'basis'],
    });
    const july = result.rows.find((r) => month(r) === '2030-07') as Row;
    expect(july.values.basis).toBe('recorded');
    expect(july.labels.basis).toBe('Recorded');
    expect(num(july.values.forecastCount)).toBeCloseTo(atRun.months[0]?.expectedCount as number, 1);
    expect(num(july.values.actualCount)).toBe(2);
    for (const r of result.rows.filter((x) => month(x) !== '2030-07')) expect(r.values.basis).toBe('reconstructed');
  });

  it('gives the owners’ rows that add up to the company’s, and each owner’s actual from its leads', async () => {
    const total = await run(ADMIN, 'insights.forecast-vs-actual');
    const byOwner = await run(ADMIN, 'insights.forecast-vs-actual-by-owner');
    const won = await wonByOwner(demoId);
    for (const m of [...PAST, '2030-07']) {
      const rows = byOwner.rows.filter((r) => month(r) === m);
      const company = total.rows.find((r) => month(r) === m) as Row;
      const add = (key: string) => rows.reduce((s, r) => s + num(r.values[key]), 0);
      expect(add('forecast'), m).toBeCloseTo(num(company.values.forecast), 6);
      expect(add('actual'), m).toBeCloseTo(num(company.values.actual), 6);
      for (const r of rows) {
        const w = won.find((x) => x.month === m && x.owner_id === r.values.ownerId);
        expect(num(r.values.actual), `${m} ${r.values.ownerId}`).toBeCloseTo(Number(w?.value ?? 0), 2);
        expect(num(r.values.actualCount), `${m} ${r.values.ownerId}`).toBe(w?.n ?? 0);
      }
      // Every owner who won that month has a row.
      for (const w of won.filter((x) => x.month === m)) {
        expect(rows.map((r) => r.values.ownerId)).toContain(w.owner_id);
      }
    }
    // The run rate of leads not yet created is shared out: sales4, who only wins leads made within the month,
    // has a forecast; and the leads with no owner have theirs.
    const june = byOwner.rows.filter((r) => month(r) === '2030-06');
    expect(num(june.find((r) => r.values.ownerId === ids.sales4)?.values.forecast)).toBeGreaterThan(0);
    expect(num(june.find((r) => r.values.ownerId === null)?.values.forecast)).toBeGreaterThan(0);
  });
});

describe('who sees what', () => {
  it('shows a salesperson only its own rows, and a manager its team’s without the leads nobody owns', async () => {
    const all = await run(ADMIN, 'insights.forecast-vs-actual-by-owner');
    const mine = await run('sales1@demo.test', 'insights.forecast-vs-actual-by-owner');
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(new Set(mine.rows.map((r) => r.values.ownerId))).toEqual(new Set([ids.sales1]));
    for (const r of mine.rows) {
      const same = all.rows.find((x) => month(x) === month(r) && x.values.ownerId === ids.sales1) as Row;
      expect(r.values).toEqual(same.values);
    }
    const team = await run('manager1@demo.test', 'insights.forecast-vs-actual-by-owner');
    const owners = new Set(team.rows.map((r) => r.values.ownerId));
    expect(owners.has(ids.sales1 as string) && owners.has(ids.sales2 as string)).toBe(true);
    expect(owners.has(ids.sales3 as string)).toBe(false);
    expect(owners.has(null)).toBe(false);
  });

  it('is 403 to a role without insights:read', async () => {
    for (const who of ['guest@demo.test', 'warrior1@demo.test']) {
      for (const report of ['insights.forecast-vs-actual', 'insights.forecast-vs-actual-by-owner']) {
        expectProblem(await t.as(who, 'POST', '/api/v1/reports/run', { report, ...RANGE }), 403, 'forbidden');
      }
      expectProblem(
        await t.as(who, 'POST', '/api/v1/reports/run', {
          report: { subject: 'forecastMonths', measures: ['forecastCount'] },
        }),
        403,
        'forbidden',
      );
    }
  });

  it('names a bad measure or a filter it does not take', async () => {
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/reports/run', {
        report: { subject: 'forecastMonths', measures: ['wonValue'] },
      }),
      400,
      'validation_failed',
      'report.measures.0',
    );
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/reports/run', {
        report: 'insights.forecast-vs-actual',
        filters: { stage: 'won' },
      }),
      400,
      'validation_failed',
      'filters',
    );
  });

  it('gives another company its own forecast, with none of Demo Co’s rows', async () => {
    const demoRows = await kept(demoId);
    const theirs = await kept(otherId);
    expect(demoRows.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.some((r) => demoRows.some((d) => d.id === r.id))).toBe(false);
    const result = await run(OTHER, 'insights.forecast-vs-actual-by-owner');
    const demoPeople = new Set(Object.values(ids));
    expect(result.rows.length).toBeGreaterThan(0);
    for (const r of result.rows) expect(demoPeople.has(String(r.values.ownerId))).toBe(false);
    // Its months are its own backtest's figures, over its own leads (none won or open in 2030), not Demo Co's.
    const own = await apiForecast(OTHER);
    const months = await run(OTHER, 'insights.forecast-vs-actual');
    expect(months.rows.map(month)).toEqual([...PAST, '2030-07']);
    for (const b of own.backtest) {
      const row = months.rows.find((r) => month(r) === b.month) as Row;
      expect(num(row.values.forecast), b.month).toBeCloseTo(b.forecast, 1);
      expect(num(row.values.actual), b.month).toBeCloseTo(b.actual, 2);
    }
    const demo = await run(ADMIN, 'insights.forecast-vs-actual');
    expect(num(months.totals.forecast)).not.toBeCloseTo(num(demo.totals.forecast), 1);
    expect(num(months.totals.actual)).not.toBeCloseTo(num(demo.totals.actual), 1);
  });
});

describe('a month once kept', () => {
  it('is not changed by later runs of the job, while its actual follows the leads', async () => {
    const before = await kept(demoId);
    const julyBefore = (await run(ADMIN, 'insights.forecast-vs-actual')).rows.find((r) => month(r) === '2030-07');

    t.clock.set(new Date(NOW.getTime() + 3 * DAY));
    // Win the biggest open deal, and add a lead to the pipeline.
    const trial = await withTenant(t.dbs.app, demoId, async (trx) => {
      const { rows } = await sql<{ id: string }>`SELECT id FROM leads
        WHERE name = ${leads.find((f) => f.value === 45000)?.name} AND deleted_at IS NULL`.execute(trx);
      return rows[0]?.id as string;
    });
    const won = await t.as(ADMIN, 'POST', `/api/v1/leads/${trial}/stage`, { stage: 'won' });
    expect(won.statusCode, won.body).toBe(200);
    const added = await t.as(ADMIN, 'POST', '/api/v1/leads', {
      name: 'Kept forecast late arrival',
      ownerId: ids.sales2,
      expectedValue: 70000,
      stage: 'proposal',
    });
    expect(added.statusCode, added.body).toBe(201);
    await drainJobs();
    const runs = await withTenant(t.dbs.app, demoId, async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs
        WHERE company_id = ${demoId} AND kind = 'forecasts.record' AND done_at IS NOT NULL
          AND last_error IS NULL`.execute(trx);
      return rows[0]?.n;
    });
    expect(runs).toBe(2);

    const after = await kept(demoId);
    expect(after).toEqual(before);
    const julyAfter = (await run(ADMIN, 'insights.forecast-vs-actual')).rows.find((r) => month(r) === '2030-07');
    expect(julyAfter?.values.forecast).toEqual(julyBefore?.values.forecast);
    expect(num(julyAfter?.values.actual)).toBe(num(julyBefore?.values.actual) + 45000);
    // The forecast made now differs from the one kept: the kept one is what was said then.
    expect((await apiForecast(ADMIN)).months[0]?.expected).not.toBeCloseTo(num(julyBefore?.values.forecast), 1);
  });
});
