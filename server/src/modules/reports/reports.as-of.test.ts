import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';

/**
 * The pipeline on a past date groups by who owned each lead then, not now: a lead created for one salesperson in
 * January and handed to another in March counts for the first at the end of February and for the second after.
 */
let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  for (const who of ['sales1', 'sales2']) ids[who] = await userId(t, `${who}@demo.test`);
  t.clock.set(new Date('2031-01-10T06:00:00Z'));
  for (const name of ['As-of lead A', 'As-of lead B']) {
    const created = await t.as('admin@demo.test', 'POST', '/api/v1/leads', {
      name,
      ownerId: ids.sales1,
      expectedValue: 1000,
      tags: ['as-of'],
    });
    expect(created.statusCode, created.body).toBe(201);
    if (name.endsWith('B')) {
      t.clock.set(new Date('2031-03-05T06:00:00Z'));
      const moved = await t.as('admin@demo.test', 'POST', `/api/v1/leads/${created.json().id}/assign`, {
        ownerId: ids.sales2,
      });
      expect(moved.statusCode, moved.body).toBe(200);
    }
  }
  t.clock.set(new Date('2031-04-01T06:00:00Z'));
});
afterAll(() => t.close());

async function ownersOn(to: string) {
  const res = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', {
    report: { subject: 'pipelineAsOf', measures: ['leads'], groupBy: ['ownerThen'] },
    from: '2031-01-01',
    to,
    filters: { tags: 'as-of' },
  });
  expect(res.statusCode, res.body).toBe(200);
  const rows = res.json().rows as { values: { ownerThen: string | null; leads: number } }[];
  return Object.fromEntries(rows.map((r) => [String(r.values.ownerThen), r.values.leads]));
}

describe('the pipeline on a date', () => {
  it('groups each lead by its owner at the end of the window', async () => {
    expect(await ownersOn('2031-02-28')).toEqual({ [ids.sales1 as string]: 2 });
    expect(await ownersOn('2031-03-31')).toEqual({ [ids.sales1 as string]: 1, [ids.sales2 as string]: 1 });
  });

  it('is refused to a role that may not see owners, like every owner grouping', async () => {
    const res = await t.as('partner@demo.test', 'POST', '/api/v1/reports/run', {
      report: { subject: 'pipelineAsOf', measures: ['leads'], groupBy: ['ownerThen'] },
    });
    expect([200, 400, 403]).toContain(res.statusCode);
  });
});
