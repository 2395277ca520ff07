import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { seedInsights } from '../../../test/insights-seed.ts';
import { prebuiltReports } from './catalog.ts';

/**
 * Every figure of every pre-built report that names the records behind it equals the list those records are
 * in: the lead list's count (and value) for the drill query, or the activity list's rows. Over all time, and
 * over each report's own window, for roles that see different parts of the company.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  // Scores and at-risk flags, so that the reports by score tier have figures to drill into.
  const companyId = (await t.as('admin@demo.test', 'GET', '/api/v1/auth/me')).json().company.id;
  await seedInsights(t.dbs, companyId, t.clock.now());
});
afterAll(() => t.close());

interface Result {
  columns: { key: string; role: string; format: string }[];
  rows: {
    values: Record<string, string | number | null>;
    labels: Record<string, string>;
    drill: Record<string, { list: 'leads' | 'activities'; query: Record<string, string> }>;
  }[];
}

async function listed(who: string, list: 'leads' | 'activities', query: Record<string, string>) {
  if (list === 'leads') {
    const res = await t.as(who, 'GET', `/api/v1/leads/counts?${new URLSearchParams(query)}`);
    expect(res.statusCode, res.body).toBe(200);
    const counts = res.json().data as { count: number; value?: number }[];
    return {
      count: counts.reduce((n, c) => n + c.count, 0),
      value: counts.reduce((n, c) => n + (c.value ?? 0), 0),
    };
  }
  let count = 0;
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: '200', ...(cursor ? { cursor } : {}) });
    const res = await t.as(who, 'GET', `/api/v1/activities?${params}`);
    expect(res.statusCode, res.body).toBe(200);
    count += res.json().data.length;
    cursor = res.json().nextCursor;
  } while (cursor);
  return { count, value: 0 };
}

describe('drill-down equals the figure', () => {
  const people = ['admin@demo.test', 'manager1@demo.test', 'sales1@demo.test', 'partner@demo.test'];
  for (const who of people) {
    // Every report, both windows, every figure's list: a few hundred requests, so more time than one test's default.
    it(`for ${who}, every pre-built report`, { timeout: 180_000 }, async () => {
      const mismatches: string[] = [];
      let checked = 0;
      for (const report of prebuiltReports) {
        for (const window of [{ from: '2000-01-01', to: '2100-12-31' }, {}]) {
          const res = await t.as(who, 'POST', '/api/v1/reports/run', { report: report.key, ...window });
          if (res.statusCode === 403) continue;
          expect(res.statusCode, `${report.key}: ${res.body}`).toBe(200);
          const result = res.json() as Result;
          for (const row of result.rows.slice(0, 12)) {
            for (const column of result.columns.filter((c) => c.role === 'measure')) {
              const drill = row.drill[column.key];
              const figure = row.values[column.key];
              if (!drill || (column.format !== 'count' && column.format !== 'money')) continue;
              const list = await listed(who, drill.list, drill.query);
              const got = column.format === 'count' ? list.count : list.value;
              checked++;
              if (Math.abs(got - Number(figure)) > 0.005) {
                mismatches.push(
                  `${report.key} ${JSON.stringify(row.labels)} ${column.key}=${figure}, list ${got} (${new URLSearchParams(drill.query)})`,
                );
              }
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThan(20);
    });
  }
});
