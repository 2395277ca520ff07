import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { seedInsights } from '../../../test/insights-seed.ts';
import { withTenant } from '../../db/client.ts';

/**
 * The insight reports (score tiers, at-risk leads) against counts taken straight from the tables over a fixture
 * of known scores and flags: open leads and value per tier, won and lost per tier of the score at close, at-risk
 * leads per reason and per owner; a reason about a field the role may not see is not shown to it.
 */
let t: TestApp;
let companyId: string;
const ALL = { from: '2000-01-01', to: '2100-12-31' };

beforeAll(async () => {
  t = await createTestApp();
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
  await seedInsights(t.dbs, companyId, t.clock.now());
});
afterAll(() => t.close());

type Row = { values: Record<string, string | number | null>; labels: Record<string, string> };

async function run(who: string, report: string) {
  const res = await t.as(who, 'POST', '/api/v1/reports/run', { report, ...ALL, limit: 5000 });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { rows: Row[]; totals: Record<string, number | null> };
}

/** Rows of an independent query over the company's live leads, with their stage kind, tier and risk. */
async function counted<T>(query: string): Promise<T[]> {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<T>`WITH x AS (
        SELECT l.id, l.owner_id, l.expected_value, st.kind, coalesce(s.tier, 'none') AS tier, s.score, r.reason_keys
        FROM leads l JOIN pipeline_stages st ON st.company_id = l.company_id AND st.key = l.stage
        LEFT JOIN lead_scores s ON s.company_id = l.company_id AND s.lead_id = l.id
        LEFT JOIN lead_risks r ON r.company_id = l.company_id AND r.lead_id = l.id
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL)
      ${sql.raw(query)}`.execute(trx);
    return rows;
  });
}

describe('score tiers in reports', () => {
  it('counts open leads and their value per tier, not-scored leads apart', async () => {
    const result = await run('admin@demo.test', 'conversion.open-by-score-tier');
    const want = await counted<{ tier: string; n: number; value: string }>(
      `SELECT tier, count(*)::int AS n, coalesce(sum(expected_value), 0)::text AS value FROM x
       WHERE kind = 'open' GROUP BY tier`,
    );
    expect(want.map((w) => w.tier).sort()).toEqual(['cold', 'hot', 'none', 'warm']);
    for (const w of want) {
      const row = result.rows.find((r) => r.values.scoreTier === w.tier);
      expect(row, w.tier).toBeDefined();
      expect(Number(row?.values.openLeads), w.tier).toBe(w.n);
      expect(Number(row?.values.openValue), w.tier).toBeCloseTo(Number(w.value), 2);
    }
    // Pipeline order, in words.
    const labels = result.rows.map((r) => r.labels.scoreTier);
    expect(labels).toEqual(['Hot', 'Warm', 'Cold', 'Not scored'].filter((l) => labels.includes(l)));
  });

  it('counts won and lost leads by the tier of the score they closed with', async () => {
    const result = await run('admin@demo.test', 'conversion.win-rate-by-score-tier');
    const want = await counted<{ tier: string; won: number; lost: number }>(
      `SELECT tier, count(*) FILTER (WHERE kind = 'won')::int AS won, count(*) FILTER (WHERE kind = 'lost')::int AS lost
       FROM x GROUP BY tier`,
    );
    expect(want.reduce((n, w) => n + w.won + w.lost, 0)).toBeGreaterThan(0);
    for (const w of want.filter((x) => x.won + x.lost > 0)) {
      const row = result.rows.find((r) => r.values.scoreTier === w.tier);
      expect(Number(row?.values.wonLeads), w.tier).toBe(w.won);
      expect(Number(row?.values.lostLeads), w.tier).toBe(w.lost);
      expect(Number(row?.values.winRate), w.tier).toBeCloseTo(w.won / (w.won + w.lost), 9);
    }
  });

  it('counts open leads per band of ten points, 100 in the top band, not-scored leads apart', async () => {
    const result = await run('admin@demo.test', 'conversion.score-distribution');
    const want = await counted<{ band: string; n: number }>(
      `SELECT CASE WHEN score IS NULL THEN 'none' WHEN score = 100 THEN '90' ELSE (score - score % 10)::text END AS band,
         count(*)::int AS n FROM x WHERE kind = 'open' GROUP BY 1`,
    );
    expect(want.length).toBeGreaterThan(5);
    expect(result.rows.map((r) => r.values.scoreBand).sort()).toEqual(want.map((w) => w.band).sort());
    for (const w of want) {
      const row = result.rows.find((r) => r.values.scoreBand === w.band);
      expect(Number(row?.values.openLeads), w.band).toBe(w.n);
    }
    const labels = result.rows.map((r) => r.labels.scoreBand);
    expect(labels).toContain('90–100');
    expect(labels.at(-1)).toBe('Not scored');
    // Bands in score order, low to high.
    const starts = result.rows.map((r) => r.values.scoreBand).filter((b) => b !== 'none');
    expect(starts).toEqual([...starts].sort((a, b) => Number(a) - Number(b)));
  });

  it('gives the average score of a tier from the scores', async () => {
    const res = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', {
      report: { subject: 'leads', measures: ['averageScore', 'scoredLeads'], groupBy: ['scoreTier'] },
      ...ALL,
    });
    expect(res.statusCode, res.body).toBe(200);
    const want = await withTenant(t.dbs.app, companyId, async (trx) => {
      const { rows } = await sql<{ tier: string; avg: number; n: number }>`SELECT s.tier, avg(s.score)::float8 AS avg,
          count(*)::int AS n FROM lead_scores s JOIN leads l ON l.company_id = s.company_id AND l.id = s.lead_id
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL GROUP BY s.tier`.execute(trx);
      return rows;
    });
    for (const w of want) {
      const row = (res.json().rows as Row[]).find((r) => r.values.scoreTier === w.tier);
      expect(Number(row?.values.averageScore), w.tier).toBeCloseTo(w.avg, 6);
      expect(Number(row?.values.scoredLeads), w.tier).toBe(w.n);
    }
  });
});

describe('at-risk leads in reports', () => {
  it('counts at-risk leads for each of their reasons, named in words', async () => {
    const result = await run('admin@demo.test', 'pipeline.at-risk-by-reason');
    const want = await counted<{ reason: string; n: number }>(
      `SELECT k AS reason, count(*)::int AS n FROM x CROSS JOIN LATERAL unnest(reason_keys) AS k GROUP BY k`,
    );
    expect(want.length).toBeGreaterThanOrEqual(5);
    expect(result.rows.map((r) => r.values.riskReason).sort()).toEqual(want.map((w) => w.reason).sort());
    for (const w of want) {
      const row = result.rows.find((r) => r.values.riskReason === w.reason);
      expect(Number(row?.values.atRiskLeads), w.reason).toBe(w.n);
    }
    expect(result.rows.find((r) => r.values.riskReason === 'no_touch')?.labels.riskReason).toBe(
      'Not touched for longer than usual',
    );
    // Each at-risk lead once in the total, however many reasons it has.
    const [leads] = await counted<{ n: number }>('SELECT count(*)::int AS n FROM x WHERE reason_keys IS NOT NULL');
    expect(Number(result.totals.atRiskLeads)).toBe(leads?.n);
  });

  it('counts at-risk leads and their value per owner', async () => {
    const result = await run('admin@demo.test', 'pipeline.at-risk-by-owner');
    const want = await counted<{ owner: string | null; n: number; value: string }>(
      `SELECT owner_id::text AS owner, count(*)::int AS n, coalesce(sum(expected_value), 0)::text AS value FROM x
       WHERE reason_keys IS NOT NULL GROUP BY owner_id`,
    );
    expect(want.length).toBeGreaterThan(1);
    for (const w of want) {
      const row = result.rows.find((r) => r.values.ownerId === w.owner);
      expect(Number(row?.values.atRiskLeads), String(w.owner)).toBe(w.n);
      expect(Number(row?.values.atRiskValue), String(w.owner)).toBeCloseTo(Number(w.value), 2);
    }
  });

  for (const who of ['admin@demo.test', 'manager1@demo.test', 'sales1@demo.test', 'partner@demo.test']) {
    it(`agrees with the at-risk list's summary, for ${who}`, async () => {
      const summary = await t.as(who, 'GET', '/api/v1/insights/at-risk/summary');
      if (summary.statusCode === 403) return;
      expect(summary.statusCode, summary.body).toBe(200);
      const want = summary.json() as { total: number; byReason: { key: string; count: number }[] };
      const res = await t.as(who, 'POST', '/api/v1/reports/run', {
        report: { subject: 'leads', measures: ['atRiskLeads'], groupBy: ['riskReason'] },
        ...ALL,
      });
      expect(res.statusCode, res.body).toBe(200);
      const got = res.json() as { rows: Row[]; totals: Record<string, number> };
      expect(Number(got.totals.atRiskLeads)).toBe(want.total);
      const byReason = Object.fromEntries(got.rows.map((r) => [r.values.riskReason, Number(r.values.atRiskLeads)]));
      expect(byReason).toEqual(
        Object.fromEntries(want.byReason.filter((r) => r.count > 0).map((r) => [r.key, r.count])),
      );
    });
  }

  it('a salesperson counts only its own leads; a reason about a hidden field is not shown', async () => {
    const mine = await run('sales1@demo.test', 'pipeline.at-risk-by-reason');
    const all = await run('admin@demo.test', 'pipeline.at-risk-by-reason');
    expect(Number(mine.totals.atRiskLeads)).toBeLessThan(Number(all.totals.atRiskLeads));
    // A partner may not see owners: "owner on leave" is not a reason it is shown.
    const partner = await t.as('partner@demo.test', 'POST', '/api/v1/reports/run', {
      report: { subject: 'leads', measures: ['atRiskLeads'], groupBy: ['riskReason'] },
      ...ALL,
    });
    expect(partner.statusCode, partner.body).toBe(200);
    const reasons = (partner.json().rows as Row[]).map((r) => r.values.riskReason);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons).not.toContain('owner_on_leave');
    const admin = all.rows.map((r) => r.values.riskReason);
    expect(admin).toContain('owner_on_leave');
  });
});
