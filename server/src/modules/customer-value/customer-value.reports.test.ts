import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Customer value in reports: the `customers` subject over customer_values, which the refresh job fills from the
 * module's own figures. With invoices and payments written as an ERP sync writes them, the pre-built reports by
 * source and owner equal the API's per-customer figures summed per group (money only in the company's currency),
 * for an admin, a manager and a salesperson; a role that may not see values gets no money; roles without
 * insights:read and another company see nothing; a second run rewrites no unchanged row; trashed and merged
 * leads drop out.
 */
const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const SALES = 'sales1@demo.test';
const SALES3 = 'sales3@demo.test';
const OTHER = 'admin@other.test';

let t: TestApp;
let companyId: string;
let connectionId: string;
let today: string;
const ids: Record<string, string> = {};

function dayAgo(n: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

async function ok(who: string, method: string, url: string, body?: unknown, status = 200) {
  const res = await t.as(who, method, url, body);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

async function newLead(who: string, fields: Record<string, unknown>, won = true) {
  const id = (await ok(who, 'POST', '/api/v1/leads', { expectedValue: 500, ...fields }, 201)).id as string;
  if (won) await ok(who, 'POST', `/api/v1/leads/${id}/stage`, { stage: 'won' });
  return id;
}

interface Doc {
  lead: string;
  kind: 'invoice' | 'payment';
  ago: number;
  total: number;
  currency?: string;
}

async function insertDocs(docs: Doc[]) {
  await withTenant(t.dbs.app, companyId, (trx) =>
    trx
      .insertInto('erp_documents')
      .values(
        docs.map((d) => ({
          company_id: companyId,
          id: randomUUID(),
          connection_id: connectionId,
          kind: d.kind,
          external_id: randomUUID(),
          customer_external_id: d.lead,
          lead_id: d.lead,
          number: null,
          doc_date: dayAgo(d.ago),
          currency: d.currency ?? 'INR',
          total: d.total.toFixed(2),
          balance: d.kind === 'invoice' ? '0.00' : null,
          status: null,
          deleted: false,
          synced_at: new Date(),
        })),
      )
      .execute(),
  );
}

/** `count` invoices every `every` days, the last `lastAgo` days ago. */
const series = (lead: string, count: number, every: number, lastAgo: number, amount: number): Doc[] =>
  Array.from({ length: count }, (_, i) => ({
    lead,
    kind: 'invoice' as const,
    ago: lastAgo + i * every,
    total: amount + i * 15,
  }));

/** Runs every job due by the test clock, the refresh among them. */
async function drainJobs() {
  for (let i = 0; i < 20; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs keep coming');
}

async function refresh(who = ADMIN) {
  expect(await ok(who, 'POST', '/api/v1/insights/customers/refresh', undefined, 202)).toEqual({ queued: true });
  await drainJobs();
}

interface Customer {
  leadId: string;
  ownerId: string | null;
  source: string | null;
  currency: string;
  revenueToDate: number;
  expected12m: number;
  status: string;
}

async function list(who: string, currency: string): Promise<Customer[]> {
  const out: Customer[] = [];
  let cursor: string | null = null;
  do {
    const page = await ok(
      who,
      'GET',
      `/api/v1/insights/customers?limit=200&currency=${currency}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Each customer the caller sees, with its figures as the API gives them in its main currency: the company's
 * list holds those with documents in the company's currency or none; any other is read from the lead's own value.
 */
async function apiCustomers(who: string): Promise<Map<string, Customer>> {
  const first = await ok(who, 'GET', '/api/v1/insights/customers?limit=1');
  const out = new Map<string, Customer>();
  for (const c of await list(who, first.currency)) out.set(c.leadId, c);
  for (const currency of first.currencies as string[]) {
    if (currency === first.currency) continue;
    for (const c of await list(who, currency)) {
      if (!out.has(c.leadId)) out.set(c.leadId, await ok(who, 'GET', `/api/v1/leads/${c.leadId}/value`));
    }
  }
  return out;
}

interface Group {
  customers: number;
  inCurrency: number;
  revenue: number;
  expected: number;
  atRisk: number;
}

function groupBy(customers: Iterable<Customer>, key: (c: Customer) => string | null, currency = 'INR') {
  const groups = new Map<string | null, Group>();
  for (const c of customers) {
    const g = groups.get(key(c)) ?? { customers: 0, inCurrency: 0, revenue: 0, expected: 0, atRisk: 0 };
    g.customers++;
    if (c.status === 'at_risk') g.atRisk++;
    if (c.currency === currency) {
      g.inCurrency++;
      g.revenue += c.revenueToDate;
      g.expected += c.expected12m;
    }
    groups.set(key(c), g);
  }
  return groups;
}

interface Run {
  columns: { key: string }[];
  rows: { values: Record<string, string | number | null> }[];
  totals: Record<string, number | null>;
  currency: string;
}

const run = async (who: string, report: unknown): Promise<Run> =>
  ok(who, 'POST', '/api/v1/reports/run', { report, limit: 5000 });

/** The report's rows against the API's customers grouped the same way. */
function expectSameFigures(result: Run, dimension: string, groups: Map<string | null, Group>) {
  expect(result.rows).toHaveLength(groups.size);
  for (const row of result.rows) {
    const key = row.values[dimension] as string | null;
    const g = groups.get(key);
    expect(g, `${dimension} ${key}`).toBeDefined();
    if (!g) continue;
    expect(row.values.customers, `${dimension} ${key}`).toBe(g.customers);
    expect(row.values.atChurnRisk, `${dimension} ${key}`).toBe(g.atRisk);
    if (g.inCurrency === 0) {
      expect(row.values.revenueToDate).toBeNull();
      continue;
    }
    expect(row.values.revenueToDate as number).toBeCloseTo(g.revenue, 2);
    expect(row.values.expected12m as number).toBeCloseTo(g.expected, 2);
    expect(row.values.averageLifetimeValue as number).toBeCloseTo((g.revenue + g.expected) / g.inCurrency, 2);
  }
}

async function storedRows() {
  return withTenant(t.dbs.app, companyId, async (trx) => {
    const { rows } = await sql<{ lead_id: string; computed_at: Date; version: string; revenue: string }>`
      SELECT lead_id, computed_at, xmin::text AS version, revenue_to_date::text AS revenue
      FROM customer_values ORDER BY lead_id`.execute(trx);
    return rows;
  });
}

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  const me = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json();
  companyId = me.company.id;
  // Noon in the company's zone (Asia/Kolkata), so that moving the clock a minute never changes the day.
  const zone = me.company.timezone as string;
  t.clock.set(new Date(`${new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date())}T06:30:00Z`));
  today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(t.clock.now());
  connectionId = randomUUID();
  await withTenant(t.dbs.app, companyId, (trx) =>
    trx
      .insertInto('erp_connections')
      .values({
        company_id: companyId,
        id: connectionId,
        connector: 'tally',
        name: 'Books',
        // Pending: nothing is pushed to a real ERP when the fixture's leads are won.
        status: 'pending',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .execute(),
  );

  ids.steady = await newLead(SALES, { name: 'Report Steady', source: 'referral', campaign: 'Diwali' });
  ids.slipping = await newLead(SALES, { name: 'Report Slipping', source: 'referral', campaign: 'Diwali' });
  ids.lapsed = await newLead(SALES, { name: 'Report Lapsed', source: 'web_form' });
  ids.elsewhere = await newLead(SALES3, { name: 'Report Elsewhere', source: 'facebook' });
  ids.noPurchase = await newLead(SALES, { name: 'Report No Purchase', source: 'manual' });
  ids.euro = await newLead(SALES, { name: 'Report Euro', source: 'facebook' }, false);
  ids.trashed = await newLead(SALES, { name: 'Report Trashed', source: 'manual' });
  ids.merged = await newLead(SALES, { name: 'Report Merged', source: 'referral' });
  await insertDocs([
    ...series(ids.steady, 7, 30, 10, 1000),
    ...series(ids.slipping, 7, 30, 60, 1500),
    ...series(ids.lapsed, 4, 30, 250, 3000),
    ...series(ids.elsewhere, 3, 60, 30, 4000),
    // A customer of the company's currency with a purchase in dollars too: its main currency stays rupees.
    { lead: ids.elsewhere, kind: 'invoice', ago: 40, total: 600, currency: 'USD' },
    { lead: ids.steady, kind: 'payment', ago: 9, total: 3000 },
    // A customer with documents in euros only: counted, its amounts never added to rupees.
    ...series(ids.euro, 3, 20, 15, 250).map((d) => ({ ...d, currency: 'EUR' })),
    ...series(ids.trashed, 2, 30, 20, 800),
    ...series(ids.merged, 2, 30, 25, 900),
  ]);
  await drainJobs();
  await refresh();
});

afterAll(async () => {
  await t?.close();
});

describe('value by channel in reports', () => {
  it('equals the API’s figures summed per source and per owner, for an admin, a manager and a salesperson', async () => {
    for (const who of [ADMIN, MANAGER, SALES]) {
      const customers = await apiCustomers(who);
      expect(customers.has(ids.steady as string), who).toBe(true);
      const bySource = await run(who, 'insights.customer-value-by-source');
      expect(bySource.currency).toBe('INR');
      expectSameFigures(
        bySource,
        'source',
        groupBy(customers.values(), (c) => c.source),
      );
      const byOwner = await run(who, 'insights.customer-value-by-owner');
      expectSameFigures(
        byOwner,
        'ownerId',
        groupBy(customers.values(), (c) => c.ownerId),
      );
      expect(byOwner.totals.customers, who).toBe(customers.size);
    }
    // The totals are the API's own totals in rupees.
    const api = await ok(ADMIN, 'GET', '/api/v1/insights/customers/by?dimension=source');
    const totals = (await run(ADMIN, 'insights.customer-value-by-source')).totals;
    expect(totals.revenueToDate as number).toBeCloseTo(api.totals.revenueToDate, 2);
    expect(totals.expected12m as number).toBeCloseTo(api.totals.expected12m, 2);
    expect(totals.atChurnRisk).toBe(api.totals.atRisk);
  });

  it('keeps the salesperson to its own customers and a manager to its team’s', async () => {
    const mine = await apiCustomers(SALES);
    expect(mine.has(ids.elsewhere as string)).toBe(false);
    const sales3 = await userId(t, SALES3);
    const byOwner = await run(MANAGER, 'insights.customer-value-by-owner');
    expect(byOwner.rows.map((r) => r.values.ownerId)).not.toContain(sales3);
    const bySource = await run(SALES, 'insights.customer-value-by-source');
    expect(bySource.totals.customers).toBe(mine.size);
  });

  it('groups by currency and by customer status, amounts only in the company’s currency', async () => {
    const byCurrency = await run(ADMIN, {
      subject: 'customers',
      measures: ['customers', 'revenueToDate', 'lifetimeValue'],
      groupBy: ['currency'],
    });
    const euro = byCurrency.rows.find((r) => r.values.currency === 'EUR');
    expect(euro?.values).toMatchObject({ customers: 1, revenueToDate: null, lifetimeValue: null });
    // The dollar invoice belongs to a rupee customer: no customer's figures are in dollars.
    expect(byCurrency.rows.find((r) => r.values.currency === 'USD')).toBeUndefined();
    const customers = await apiCustomers(ADMIN);
    const byStatus = await run(ADMIN, {
      subject: 'customers',
      measures: ['customers', 'averageChurnRisk'],
      groupBy: ['customerStatus'],
    });
    const statuses = groupBy(customers.values(), (c) => c.status);
    for (const row of byStatus.rows) {
      expect(row.values.customers).toBe(statuses.get(row.values.customerStatus as string)?.customers);
    }
    const noPurchases = byStatus.rows.find((r) => r.values.customerStatus === 'no_purchases');
    expect(noPurchases?.values.averageChurnRisk).toBeNull();
  });
});

describe('access', () => {
  it('gives a role that may not see deal values no money measure', async () => {
    await ok(ADMIN, 'PUT', '/api/v1/field-permissions', {
      role: 'SALESPERSON',
      field: 'expectedValue',
      access: 'hidden',
    });
    try {
      const result = await run(SALES, 'insights.customer-value-by-owner');
      expect(result.columns.map((c) => c.key)).toEqual(['ownerId', 'customers', 'atChurnRisk']);
      expectProblem(
        await t.as(SALES, 'POST', '/api/v1/reports/run', {
          report: { subject: 'customers', measures: ['customers', 'revenueToDate'] },
        }),
        400,
        'validation_failed',
        'report.measures.1',
      );
    } finally {
      await ok(ADMIN, 'PUT', '/api/v1/field-permissions', {
        role: 'SALESPERSON',
        field: 'expectedValue',
        access: null,
      });
    }
  });

  it('refuses roles without insights:read, and the refresh to roles without insights:manage', async () => {
    for (const who of ['warrior1@demo.test', 'guest@demo.test', 'partner@demo.test']) {
      expectProblem(
        await t.as(who, 'POST', '/api/v1/reports/run', { report: 'insights.customer-value-by-source' }),
        403,
        'forbidden',
      );
      expectProblem(
        await t.as(who, 'POST', '/api/v1/reports/run', { report: { subject: 'customers', measures: ['customers'] } }),
        403,
        'forbidden',
      );
    }
    expectProblem(await t.as(SALES, 'POST', '/api/v1/insights/customers/refresh'), 403, 'forbidden');
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/reports/run', {
        report: 'insights.customer-value-by-source',
        groupBy: ['colour'],
      }),
      400,
      'validation_failed',
      'groupBy.0',
    );
  });

  it('shows another company none of these customers', async () => {
    await refresh(OTHER);
    const theirs = await apiCustomers(OTHER);
    const result = await run(OTHER, 'insights.customer-value-by-owner');
    expect(result.totals.customers).toBe(theirs.size);
    const ours = new Set([await userId(t, SALES), await userId(t, SALES3)]);
    expect(result.rows.some((r) => ours.has(r.values.ownerId as string))).toBe(false);
    expect([...theirs.keys()].some((id) => Object.values(ids).includes(id))).toBe(false);
  });
});

describe('the refresh', () => {
  it('rewrites no row whose figures did not change, and only the changed one after a new invoice', async () => {
    const before = await storedRows();
    expect(before.map((r) => r.lead_id)).toEqual(expect.arrayContaining([ids.steady, ids.euro, ids.noPurchase]));
    t.clock.advance(60_000);
    await refresh();
    expect(await storedRows()).toEqual(before);

    await insertDocs([{ lead: ids.lapsed as string, kind: 'invoice', ago: 0, total: 2000 }]);
    t.clock.advance(60_000);
    await refresh();
    const after = await storedRows();
    const lapsed = after.find((r) => r.lead_id === ids.lapsed);
    expect(lapsed?.computed_at).toEqual(t.clock.now());
    const value = await ok(ADMIN, 'GET', `/api/v1/leads/${ids.lapsed}/value`);
    expect(Number(lapsed?.revenue)).toBeCloseTo(value.revenueToDate, 2);
    // The euro customer's population did not change: its row was left alone.
    expect(after.find((r) => r.lead_id === ids.euro)).toEqual(before.find((r) => r.lead_id === ids.euro));
  });

  it('drops trashed and merged-away leads: at once from the reports, from the table at the next refresh', async () => {
    const before = await run(ADMIN, 'insights.customer-value-by-source');
    expect((await t.as(ADMIN, 'DELETE', `/api/v1/leads/${ids.trashed}`)).statusCode).toBe(204);
    await ok(ADMIN, 'POST', '/api/v1/leads/merge', { survivorId: ids.steady, mergedIds: [ids.merged] }, 201);
    const now = await run(ADMIN, 'insights.customer-value-by-source');
    expect(now.totals.customers).toBe((before.totals.customers as number) - 2);
    await refresh();
    const stored = (await storedRows()).map((r) => r.lead_id);
    expect(stored).not.toContain(ids.trashed);
    expect(stored).not.toContain(ids.merged);
    expect(stored).toContain(ids.steady);
    const customers = await apiCustomers(ADMIN);
    expectSameFigures(
      await run(ADMIN, 'insights.customer-value-by-source'),
      'source',
      groupBy(customers.values(), (c) => c.source),
    );
  });
});

describe('the morning run', () => {
  it('is due at 06:15 in the company’s time zone and brings the table up to date', async () => {
    const pending = await withTenant(t.dbs.app, companyId, (trx) =>
      trx
        .selectFrom('jobs')
        .select('run_at')
        .where('company_id', '=', companyId)
        .where('kind', '=', 'customer_value.refresh')
        .where('done_at', 'is', null)
        .execute(),
    );
    expect(pending).toHaveLength(1);
    const runAt = new Date(pending[0]?.run_at as Date);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' });
    expect(local.format(runAt)).toBe('06:15');

    await insertDocs([{ lead: ids.noPurchase as string, kind: 'invoice', ago: 0, total: 1234 }]);
    t.clock.set(runAt);
    await drainJobs();
    const row = (await storedRows()).find((r) => r.lead_id === ids.noPurchase);
    expect(row?.computed_at).toEqual(runAt);
    const value = await ok(ADMIN, 'GET', `/api/v1/leads/${ids.noPurchase}/value`);
    expect(value).toMatchObject({ revenueToDate: 1234, purchases: 1 });
    expect(Number(row?.revenue)).toBe(1234);
  });
});
