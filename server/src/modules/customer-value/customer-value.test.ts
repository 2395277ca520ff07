import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/**
 * Customer lifetime value through the API, on invoices and payments written as an ERP sync writes them (rows of
 * erp_documents for linked leads): revenue to date against the fixture's own sums, churn labels on known
 * customers, value by source against a grouping of the list, the fitted model once enough customers repeat,
 * visibility, permissions and bad input.
 */
const ADMIN = 'admin@demo.test';
const SALES = 'sales1@demo.test';
const SALES3 = 'sales3@demo.test';
const OTHER = 'admin@other.test';

let t: TestApp;
let companyId: string;
let connectionId: string;
let today: string;

interface Doc {
  lead: string;
  kind: 'invoice' | 'payment';
  /** Days before today. */
  ago: number;
  total: number;
  currency?: string | null;
  status?: string | null;
  deleted?: boolean;
}
const fixture: Doc[] = [];

function dayAgo(n: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

async function newLead(who: string, fields: Record<string, unknown>) {
  const res = await t.as(who, 'POST', '/api/v1/leads', { expectedValue: 1000, ...fields });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function win(who: string, id: string) {
  const res = await t.as(who, 'POST', `/api/v1/leads/${id}/stage`, { stage: 'won' });
  expect(res.statusCode, res.body).toBe(200);
}

async function insertDocs(docs: Doc[]) {
  fixture.push(...docs);
  await withTenant(t.dbs.app, companyId, async (trx) => {
    for (let i = 0; i < docs.length; i += 500) {
      await trx
        .insertInto('erp_documents')
        .values(
          docs.slice(i, i + 500).map((d) => ({
            company_id: companyId,
            id: randomUUID(),
            connection_id: connectionId,
            kind: d.kind,
            external_id: randomUUID(),
            customer_external_id: d.lead,
            lead_id: d.lead,
            number: null,
            doc_date: dayAgo(d.ago),
            currency: d.currency === undefined ? 'INR' : d.currency,
            total: d.total.toFixed(2),
            balance: d.kind === 'invoice' ? '0.00' : null,
            status: d.status ?? null,
            deleted: d.deleted ?? false,
            synced_at: new Date(),
          })),
        )
        .execute();
    }
  });
}

/** Purchases every `every` days, the last `lastAgo` days ago, `count` of them, each `amount`. */
function series(lead: string, count: number, every: number, lastAgo: number, amount: number): Doc[] {
  return Array.from({ length: count }, (_, i) => ({
    lead,
    kind: 'invoice' as const,
    ago: lastAgo + (count - 1 - i) * every,
    total: amount + i * 10,
  }));
}

interface Customer {
  leadId: string;
  name: string;
  ownerId: string | null;
  source: string | null;
  revenueToDate: number;
  paymentsReceived: number;
  currency: string;
  purchases: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  expected12m: number;
  churnRisk: number | null;
  status: string;
  reason: string;
}

async function allCustomers(who: string, query = ''): Promise<Customer[]> {
  const out: Customer[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.as(
      who,
      'GET',
      `/api/v1/insights/customers?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    out.push(...res.json().data);
    cursor = res.json().nextCursor;
  } while (cursor);
  return out;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ rateLimitPerMinute: 100_000 });
  const me = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json();
  companyId = me.company.id;
  today = new Intl.DateTimeFormat('en-CA', { timeZone: me.company.timezone }).format(t.clock.now());
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

  // Known customers, all in rupees unless said: purchases every 30 days, seen at different silences.
  ids.steady = await newLead(SALES, { name: 'CLV Steady', source: 'referral', campaign: 'Diwali' });
  ids.cooling = await newLead(SALES, { name: 'CLV Cooling', source: 'referral', campaign: 'Diwali' });
  ids.slipping = await newLead(SALES, { name: 'CLV Slipping', source: 'web_form' });
  ids.lapsed = await newLead(SALES, { name: 'CLV Lapsed', source: 'web_form' });
  ids.once = await newLead(SALES, { name: 'CLV Once', source: 'manual' });
  ids.elsewhere = await newLead(SALES3, { name: 'CLV Elsewhere', source: 'facebook' });
  ids.wonOnly = await newLead(SALES, { name: 'CLV Won Only', source: 'referral' });
  ids.openWithDocs = await newLead(SALES, { name: 'CLV Open With Invoices', source: 'manual' });
  for (const key of ['steady', 'cooling', 'slipping', 'lapsed', 'once', 'wonOnly'])
    await win(SALES, ids[key] as string);
  await win(SALES3, ids.elsewhere as string);

  await insertDocs([
    ...series(ids.steady as string, 7, 30, 10, 1000),
    ...series(ids.cooling as string, 7, 30, 35, 2000),
    ...series(ids.slipping as string, 7, 30, 60, 1500),
    ...series(ids.lapsed as string, 7, 30, 250, 3000),
    { lead: ids.once as string, kind: 'invoice', ago: 20, total: 5000 },
    ...series(ids.elsewhere as string, 3, 60, 30, 4000),
    { lead: ids.openWithDocs as string, kind: 'invoice', ago: 15, total: 700, currency: null },
    // Not sales: a cancelled and a void invoice, a deleted one; a credit note sent as a negative invoice.
    { lead: ids.steady as string, kind: 'invoice', ago: 12, total: 9999, status: 'cancelled' },
    { lead: ids.steady as string, kind: 'invoice', ago: 13, total: 8888, status: 'Void' },
    { lead: ids.steady as string, kind: 'invoice', ago: 14, total: 7777, deleted: true },
    { lead: ids.steady as string, kind: 'invoice', ago: 11, total: -250 },
    // Payments.
    { lead: ids.steady as string, kind: 'payment', ago: 9, total: 3000 },
    { lead: ids.steady as string, kind: 'payment', ago: 40, total: 1200 },
    { lead: ids.elsewhere as string, kind: 'payment', ago: 25, total: 4000 },
    // Another currency: never added to rupees.
    { lead: ids.elsewhere as string, kind: 'invoice', ago: 40, total: 600, currency: 'USD' },
  ]);
});

afterAll(async () => {
  await t?.close();
});

/** The fixture's own sums: invoices (not cancelled, void or deleted) and payments, per lead, in one currency. */
function expectedFigures(lead: string, currency = 'INR') {
  const docs = fixture.filter(
    (d) =>
      d.lead === lead &&
      (d.currency === undefined || d.currency === null ? 'INR' : d.currency) === currency &&
      !d.deleted &&
      !['cancelled', 'void'].includes((d.status ?? '').toLowerCase()),
  );
  const invoices = docs.filter((d) => d.kind === 'invoice');
  const positive = invoices.filter((d) => d.total > 0);
  const sum = (list: Doc[]) => Math.round(list.reduce((s, d) => s + d.total, 0) * 100) / 100;
  return {
    revenueToDate: sum(invoices),
    paymentsReceived: sum(docs.filter((d) => d.kind === 'payment')),
    purchases: positive.length,
    firstPurchaseAt: positive.length ? dayAgo(Math.max(...positive.map((d) => d.ago))) : null,
    lastPurchaseAt: positive.length ? dayAgo(Math.min(...positive.map((d) => d.ago))) : null,
  };
}

describe('revenue to date', () => {
  it('equals the fixture’s own sums, per customer, in the company’s currency', async () => {
    const customers = await allCustomers(ADMIN);
    const byId = new Map(customers.map((c) => [c.leadId, c]));
    for (const key of ['steady', 'cooling', 'slipping', 'lapsed', 'once', 'elsewhere', 'wonOnly', 'openWithDocs']) {
      const c = byId.get(ids[key] as string);
      expect(c, key).toBeDefined();
      expect(c, key).toMatchObject({ currency: 'INR', ...expectedFigures(ids[key] as string) });
    }
    // The credit note is netted; cancelled, void and deleted invoices are not revenue.
    expect(byId.get(ids.steady as string)?.revenueToDate).toBe(1000 * 7 + 10 * 21 - 250);
    // A won lead with no invoice is a customer without purchases; a lead with invoices is one whatever its stage.
    expect(byId.get(ids.wonOnly as string)).toMatchObject({ purchases: 0, status: 'no_purchases', churnRisk: null });
    expect(byId.get(ids.openWithDocs as string)?.purchases).toBe(1);
    // The whole: every rupee of the fixture's sales, and nothing from the dollar invoice.
    const total = customers.reduce((s, c) => s + c.revenueToDate, 0);
    const fixtureLeads = new Set(fixture.map((d) => d.lead));
    const expected = [...fixtureLeads].reduce((s, lead) => s + expectedFigures(lead).revenueToDate, 0);
    expect(Math.round(total * 100) / 100).toBe(Math.round(expected * 100) / 100);
  });

  it('keeps other currencies apart, never adding them up', async () => {
    const usd = await t.as(ADMIN, 'GET', '/api/v1/insights/customers?currency=USD');
    expect(usd.json().currency).toBe('USD');
    expect(usd.json().data).toEqual([
      expect.objectContaining({ leadId: ids.elsewhere, currency: 'USD', revenueToDate: 600, purchases: 1 }),
    ]);
    const inr = await t.as(ADMIN, 'GET', '/api/v1/insights/customers');
    expect(inr.json().currencies).toEqual(['INR', 'USD']);
    const value = (await t.as(ADMIN, 'GET', `/api/v1/leads/${ids.elsewhere}/value`)).json();
    expect(value).toMatchObject({ currency: 'INR', ...expectedFigures(ids.elsewhere as string) });
    expect(value.otherCurrencies).toEqual([
      expect.objectContaining({ currency: 'USD', revenueToDate: 600, purchases: 1 }),
    ]);
  });
});

describe('churn risk', () => {
  it('labels known customers by their silence against their usual pace, with the reason', async () => {
    const byId = new Map((await allCustomers(ADMIN)).map((c) => [c.leadId, c]));
    const get = (key: string) => byId.get(ids[key] as string) as Customer;
    expect(get('steady')).toMatchObject({
      status: 'active',
      reason: 'no purchase for 10 days; usually every 30 days',
    });
    expect(get('cooling')).toMatchObject({
      status: 'cooling',
      reason: 'no purchase for 35 days; usually every 30 days',
    });
    expect(get('slipping')).toMatchObject({
      status: 'at_risk',
      reason: 'no purchase for 60 days; usually every 30 days',
    });
    expect(get('lapsed')).toMatchObject({
      status: 'lapsed',
      reason: 'no purchase for 250 days; usually every 30 days',
    });
    expect(get('once').reason).toMatch(/^one purchase, 20 days ago; repeat customers here buy about every \d+ days$/);
    // Risk grows with the silence; the expected value falls with it.
    const risk = ['steady', 'cooling', 'slipping', 'lapsed'].map((k) => get(k).churnRisk as number);
    expect([...risk].sort((a, b) => a - b)).toEqual(risk);
    expect(get('steady').expected12m).toBeGreaterThan(get('slipping').expected12m);
    expect(get('slipping').expected12m).toBeGreaterThan(get('lapsed').expected12m);
    expect(get('lapsed').expected12m).toBeGreaterThanOrEqual(0);
  });

  it('says which model it used: too few repeat customers for the fitted one', async () => {
    const res = (await t.as(ADMIN, 'GET', '/api/v1/insights/customers?limit=1')).json();
    expect(res.model).toMatchObject({ kind: 'simple', repeatCustomers: 5, minRepeatCustomers: 30 });
  });

  it('filters by status and sorts by churn risk, paging without gaps or repeats', async () => {
    const atRisk = (await t.as(ADMIN, 'GET', '/api/v1/insights/customers?status=lapsed')).json();
    expect(atRisk.data.map((c: Customer) => c.leadId)).toContain(ids.lapsed);
    expect(atRisk.data.every((c: Customer) => c.status === 'lapsed')).toBe(true);
    const all = await allCustomers(ADMIN, '&sort=churn');
    const seen: string[] = [];
    let cursor: string | null = null;
    let previous = Number.POSITIVE_INFINITY;
    do {
      const res = await t.as(
        ADMIN,
        'GET',
        `/api/v1/insights/customers?sort=churn&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = res.json();
      expect(page.total).toBe(all.length);
      for (const c of page.data as Customer[]) {
        const risk = c.churnRisk ?? Number.NEGATIVE_INFINITY;
        expect(risk).toBeLessThanOrEqual(previous);
        previous = risk;
        seen.push(c.leadId);
      }
      cursor = page.nextCursor;
    } while (cursor && seen.length <= all.length);
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen).size).toBe(all.length);
  });
});

describe('value by channel', () => {
  it('equals a grouping of the customer list by source, campaign and owner', async () => {
    const customers = await allCustomers(ADMIN);
    for (const dimension of ['source', 'owner'] as const) {
      const res = await t.as(ADMIN, 'GET', `/api/v1/insights/customers/by?dimension=${dimension}`);
      expect(res.statusCode, res.body).toBe(200);
      const groups = new Map<string | null, { customers: number; revenue: number; expected: number }>();
      for (const c of customers) {
        const key = dimension === 'source' ? c.source : c.ownerId;
        const g = groups.get(key) ?? { customers: 0, revenue: 0, expected: 0 };
        g.customers++;
        g.revenue += c.revenueToDate;
        g.expected += c.expected12m;
        groups.set(key, g);
      }
      const rows = res.json().rows as {
        key: string | null;
        customers: number;
        revenueToDate: number;
        expected12m: number;
        averageValue: number;
      }[];
      expect(rows).toHaveLength(groups.size);
      for (const row of rows) {
        const g = groups.get(row.key);
        expect(g, `${dimension} ${row.key}`).toBeDefined();
        expect(row.customers).toBe(g?.customers);
        expect(row.revenueToDate).toBeCloseTo(g?.revenue as number, 2);
        expect(row.expected12m).toBeCloseTo(g?.expected as number, 1);
        expect(row.averageValue).toBeCloseTo((g?.revenue as number) / (g?.customers as number), 2);
      }
      expect(res.json().totals.customers).toBe(customers.length);
    }
    // The fixture's referral customers, from the fixture alone.
    const bySource = (await t.as(ADMIN, 'GET', '/api/v1/insights/customers/by?dimension=source')).json();
    const referral = bySource.rows.find((r: { key: string }) => r.key === 'referral');
    const fixtureReferral = ['steady', 'cooling', 'wonOnly'].reduce(
      (s, k) => s + expectedFigures(ids[k] as string).revenueToDate,
      0,
    );
    expect(referral.revenueToDate).toBeCloseTo(fixtureReferral, 2);
    const byCampaign = (await t.as(ADMIN, 'GET', '/api/v1/insights/customers/by?dimension=campaign')).json();
    expect(byCampaign.rows.find((r: { key: string }) => r.key === 'Diwali')).toMatchObject({ customers: 2 });
    const byPartner = await t.as(ADMIN, 'GET', '/api/v1/insights/customers/by?dimension=partner');
    expect(byPartner.statusCode, byPartner.body).toBe(200);
  });
});

describe('visibility and access', () => {
  it('shows a salesperson only its own customers', async () => {
    const mine = await allCustomers(SALES);
    const names = mine.map((c) => c.name);
    expect(names).toContain('CLV Steady');
    expect(names).not.toContain('CLV Elsewhere');
    // Every customer it is shown is a lead it may open.
    for (const c of mine) expect((await t.as(SALES, 'GET', `/api/v1/leads/${c.leadId}`)).statusCode).toBe(200);
    const by = (await t.as(SALES, 'GET', '/api/v1/insights/customers/by?dimension=source')).json();
    expect(by.totals.customers).toBe(mine.length);
    // Its channel figures add up its own customers only (the other team's Facebook customer is not in them).
    expect(by.totals.revenueToDate).toBeCloseTo(
      mine.reduce((sum, c) => sum + c.revenueToDate, 0),
      2,
    );
    expect(mine.map((c) => c.leadId)).not.toContain(ids.elsewhere);
    expectProblem(await t.as(SALES, 'GET', `/api/v1/leads/${ids.elsewhere}/value`), 404, 'not_found');
    expect((await t.as(SALES3, 'GET', `/api/v1/leads/${ids.elsewhere}/value`)).statusCode).toBe(200);
  });

  it('answers 404 to another company and for an unknown lead', async () => {
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/leads/${ids.steady}/value`), 404, 'not_found');
    expectProblem(await t.as(ADMIN, 'GET', `/api/v1/leads/${randomUUID()}/value`), 404, 'not_found');
    const theirs = (await t.as(OTHER, 'GET', '/api/v1/insights/customers')).json();
    expect(theirs.data.map((c: Customer) => c.leadId)).not.toContain(ids.steady);
    expect(theirs.currency).toBe('USD');
  });

  it('refuses roles without insights:read', async () => {
    for (const who of ['warrior1@demo.test', 'partner@demo.test', 'guest@demo.test']) {
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/customers'), 403, 'forbidden');
      expectProblem(await t.as(who, 'GET', '/api/v1/insights/customers/by?dimension=source'), 403, 'forbidden');
    }
  });

  it('hides money from a role that may not see deal values', async () => {
    // The partner reads leads but not their values: the lead's figures come without amounts.
    const partnerLead = (await t.as('partner@demo.test', 'GET', '/api/v1/leads?limit=1')).json().data[0];
    expect(partnerLead).toBeDefined();
    const value = await t.as('partner@demo.test', 'GET', `/api/v1/leads/${partnerLead.id}/value`);
    expect(value.statusCode, value.body).toBe(200);
    expect(value.json()).toMatchObject({
      revenueToDate: null,
      expected12m: null,
      paymentsReceived: null,
      ownerId: null,
    });
  });

  it('refuses bad input naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/v1/insights/customers/by?dimension=colour', 'dimension'],
      ['/api/v1/insights/customers/by', 'dimension'],
      ['/api/v1/insights/customers?sort=x', 'sort'],
      ['/api/v1/insights/customers?status=sleepy', 'status'],
      ['/api/v1/insights/customers?currency=rupees', 'currency'],
      ['/api/v1/insights/customers?limit=0', 'limit'],
      ['/api/v1/insights/customers?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['/api/v1/leads/not-an-id/value', 'id'],
    ];
    for (const [url, path] of cases) expectProblem(await t.as(ADMIN, 'GET', url), 400, 'validation_failed', path);
    // A cursor of one sort is refused by another.
    const page = (await t.as(ADMIN, 'GET', '/api/v1/insights/customers?limit=1&sort=revenue')).json();
    expectProblem(
      await t.as(ADMIN, 'GET', `/api/v1/insights/customers?sort=churn&cursor=${page.nextCursor}`),
      400,
      'validation_failed',
      'cursor',
    );
  });
});

describe('the fitted model', () => {
  it('is used once 30 customers of a currency have bought again, and ranks them by what they will bring', async () => {
    // 40 customers in euros: half buy every 14 days and bought last week, half bought twice and went quiet.
    const created = await t.as(ADMIN, 'POST', '/api/v1/leads/bulk', {
      leads: Array.from({ length: 40 }, (_, i) => ({
        name: `CLV Euro ${String(i).padStart(2, '0')}`,
        emails: [`clv-euro-${i}@example.com`],
        source: i % 2 === 0 ? 'referral' : 'facebook',
      })),
    });
    expect(created.statusCode, created.body).toBe(200);
    const euroIds = (created.json().results as { id: string }[]).map((r) => r.id);
    expect(euroIds.every(Boolean)).toBe(true);
    const docs: Doc[] = [];
    euroIds.forEach((lead, i) => {
      const frequent = i % 2 === 0;
      const count = frequent ? 10 + (i % 5) : 2;
      for (let k = 0; k < count; k++)
        docs.push({
          lead,
          kind: 'invoice',
          ago: frequent ? 7 + k * 14 : 200 + k * 30 + i,
          total: 100,
          currency: 'EUR',
        });
    });
    await insertDocs(docs);
    const res = await t.as(ADMIN, 'GET', '/api/v1/insights/customers?currency=EUR&sort=expected&limit=200');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.model).toMatchObject({ kind: 'mbg_nbd', customers: 40, repeatCustomers: 40 });
    const rows = body.data as Customer[];
    expect(rows).toHaveLength(40);
    // Every frequent, recent buyer is expected to bring more than every quiet one, and is more likely active.
    const frequent = rows.filter((c) => c.source === 'referral');
    const quiet = rows.filter((c) => c.source === 'facebook');
    expect(Math.min(...frequent.map((c) => c.expected12m))).toBeGreaterThan(
      Math.max(...quiet.map((c) => c.expected12m)),
    );
    expect(Math.max(...frequent.map((c) => c.churnRisk as number))).toBeLessThan(
      Math.min(...quiet.map((c) => c.churnRisk as number)),
    );
    // A frequent buyer at 100 a purchase every 14 days, still active, brings on the order of 26 purchases a year.
    for (const c of frequent) {
      expect(c.expected12m).toBeGreaterThan(100 * 26 * 0.4);
      expect(c.expected12m).toBeLessThan(100 * 26 * 1.5);
      expect(c.status).toBe('active');
    }
    for (const c of quiet) expect(['at_risk', 'lapsed']).toContain(c.status);
    // Euros stay out of the rupee figures.
    const inr = await allCustomers(ADMIN);
    expect(inr.some((c) => euroIds.includes(c.leadId))).toBe(false);
  });
});
