import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoInsights } from '../src/composition/demo-insights.ts';
import { withTenant } from '../src/db/client.ts';
import { drain } from '../src/modules/scoring/scoring.fixtures.ts';
import { createTestApp, type TestApp } from './harness.ts';

/**
 * A freshly added demo company gets its insights at once (scores, the at-risk scan, customer value, the
 * forecast's months, recommendations), not at the next night's runs: its dashboards have figures at first sign-in.
 */
let t: TestApp;
let companyId: string;
beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

const count = (table: string) =>
  withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(trx);
    return rows[0]?.n ?? 0;
  });

describe('the demo company’s first insights', () => {
  it('adds score rules, scores the leads, scans them for risk, values the customers and keeps the forecast’s months', async () => {
    expect(await count('lead_scores')).toBe(0);
    expect(await count('lead_risk_scans')).toBe(0);
    expect(await count('forecast_months')).toBe(0);

    await startDemoInsights(t.dbs.app, companyId, t.clock.now());
    await drain(t);

    expect(await count('lead_scores')).toBeGreaterThan(100);
    expect(await count('lead_risk_scans')).toBe(1);
    expect(await count('forecast_months')).toBeGreaterThan(0);
    expect(await count('customer_values')).toBeGreaterThan(0);
    const dashboard = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', {
      report: 'conversion.open-by-score-tier',
      from: '2000-01-01',
      to: '2100-12-31',
    });
    expect(dashboard.statusCode, dashboard.body).toBe(200);
    const tiers = (dashboard.json().rows as { values: { scoreTier: string } }[]).map((r) => r.values.scoreTier);
    // The demo's rules give hot, warm and cold leads.
    expect(tiers).toEqual(expect.arrayContaining(['hot', 'warm', 'cold']));
    const rules = await t.as('admin@demo.test', 'GET', '/api/v1/scoring/rules');
    expect(rules.json().data.length).toBeGreaterThan(3);
  });
});
