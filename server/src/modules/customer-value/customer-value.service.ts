import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, forbidden, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { isUuid } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { fieldAccessFor, findVisibleLead, leadSourceLabels, leadsQuery } from '../leads/index.ts';
import { leadIsLive, leadVisibleTo } from '../leads/scope.ts';
import { type Books, emptyHistory, isCustomer, leadFigures, loadBooks } from './customer-value.books.ts';
import type { Figures, Population } from './customer-value.compute.ts';
import { refreshNowJob } from './customer-value.jobs.ts';
import type { ByInput, CustomersInput } from './customer-value.schemas.ts';

/**
 * Customer lifetime value: who the company's customers are (leads in a won stage, and any lead the books hold
 * invoices or payments for), what they brought so far, what they are expected to bring in the next 12 months,
 * and the risk that they have stopped buying; by source, campaign, owner and partner.
 */

interface LeadInfo {
  id: string;
  name: string;
  owner_id: string | null;
  owner_name: string | null;
  source: string | null;
  campaign: string | null;
  partner_id: string | null;
  partner_name: string | null;
}

interface Visibility {
  money: boolean;
  owner: boolean;
  source: boolean;
  partner: boolean;
}

interface Loaded extends Books {
  visibility: Visibility;
}

async function load(trx: Tx, ctx: RequestContext, now: Date): Promise<Loaded> {
  const books = await loadBooks(trx, ctx.actor.companyId, now);
  const access = await fieldAccessFor(trx, ctx.actor.role);
  return {
    ...books,
    visibility: {
      money: access.fields.expectedValue !== 'hidden',
      owner: access.fields.ownerId !== 'hidden',
      source: access.fields.source !== 'hidden',
      partner: access.fields.partnerId !== 'hidden',
    },
  };
}

/** The visible, live customers: leads in a won stage and leads with documents. */
async function customerLeads(trx: Tx, ctx: RequestContext, loaded: Loaded): Promise<LeadInfo[]> {
  const rows = await leadsQuery(trx)
    .where(leadVisibleTo(ctx.actor))
    .where(leadIsLive)
    .where(await isCustomer(trx, loaded))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    owner_id: r.owner_id,
    owner_name: r.owner_name,
    source: r.source,
    campaign: r.campaign,
    partner_id: r.partner_id,
    partner_name: r.partner_name,
  }));
}

const hideMoney = (v: number | null, visible: boolean) => (visible ? v : null);

function figuresOut(f: Figures, v: Visibility) {
  return {
    currency: f.currency,
    revenueToDate: hideMoney(f.revenueToDate, v.money),
    paymentsReceived: hideMoney(f.paymentsReceived, v.money),
    purchases: f.purchases,
    averageOrderValue: hideMoney(f.averageOrderValue, v.money),
    firstPurchaseAt: f.firstPurchaseAt,
    lastPurchaseAt: f.lastPurchaseAt,
    expected12m: hideMoney(f.expected12m, v.money),
    churnRisk: f.churnRisk,
    status: f.status,
    reason: f.reason,
  };
}

function customerOut(lead: LeadInfo, f: Figures, v: Visibility) {
  return {
    leadId: lead.id,
    name: lead.name,
    ownerId: v.owner ? lead.owner_id : null,
    ownerName: v.owner ? lead.owner_name : null,
    source: v.source ? lead.source : null,
    campaign: lead.campaign,
    ...figuresOut(f, v),
  };
}

function modelOut(p: Population | undefined) {
  const info = p?.info ?? { kind: 'none' as const, customers: 0, repeatCustomers: 0, minRepeatCustomers: 0 };
  return {
    kind: info.kind,
    customers: info.customers,
    repeatCustomers: info.repeatCustomers,
    minRepeatCustomers: info.minRepeatCustomers,
  };
}

/** The scored customers of one currency the caller sees (a won lead without documents counts in the company's). */
function scored(loaded: Loaded, leads: LeadInfo[], currency: string): { lead: LeadInfo; figures: Figures }[] {
  const pop = loaded.populations.get(currency);
  if (!pop) return [];
  const out: { lead: LeadInfo; figures: Figures }[] = [];
  const currenciesOf = new Map<string, string[]>();
  for (const h of loaded.histories.values())
    currenciesOf.set(h.leadId, [...(currenciesOf.get(h.leadId) ?? []), h.currency]);
  for (const lead of leads) {
    const h = loaded.histories.get(`${lead.id}|${currency}`);
    if (h) out.push({ lead, figures: pop.score(h) });
    else if (currency === loaded.companyCurrency && !currenciesOf.has(lead.id))
      out.push({ lead, figures: pop.score(emptyHistory(lead.id, currency)) });
  }
  return out;
}

function visibleCurrencies(loaded: Loaded, leads: LeadInfo[]): string[] {
  const ids = new Set(leads.map((l) => l.id));
  const set = new Set<string>([loaded.companyCurrency]);
  for (const h of loaded.histories.values()) if (ids.has(h.leadId)) set.add(h.currency);
  return [...set].sort((a, b) =>
    a === loaded.companyCurrency ? -1 : b === loaded.companyCurrency ? 1 : a < b ? -1 : 1,
  );
}

// The list -------------------------------------------------------------------------------------------------------

type Sort = NonNullable<CustomersInput['sort']>;

const sortValue = (f: Figures, sort: Sort): number | null =>
  sort === 'revenue' ? f.revenueToDate : sort === 'expected' ? f.expected12m : f.churnRisk;

/** Highest first, nulls last, ties by lead id. */
function compare(a: [number | null, string], b: [number | null, string]): number {
  if (a[0] !== b[0]) {
    if (a[0] === null) return 1;
    if (b[0] === null) return -1;
    return b[0] - a[0];
  }
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

const badCursor = (message: string) =>
  new AppError('validation_failed', `The cursor ${message}`, { errors: [{ path: 'cursor', message }] });

function decodeCursor(cursor: string, sort: Sort, currency: string): [number | null, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('is not a cursor this list gave');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    (parsed[2] !== null && typeof parsed[2] !== 'number') ||
    typeof parsed[3] !== 'string' ||
    !isUuid(parsed[3])
  )
    throw badCursor('is not a cursor this list gave');
  if (parsed[0] !== sort || parsed[1] !== currency) throw badCursor('was issued for another sort or currency');
  return [parsed[2], parsed[3]];
}

const encodeCursor = (sort: Sort, currency: string, key: [number | null, string]) =>
  Buffer.from(JSON.stringify([sort, currency, ...key])).toString('base64url');

export function listCustomers(deps: Deps, ctx: RequestContext, input: CustomersInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const loaded = await load(trx, ctx, deps.clock.now());
    const sort: Sort = input.sort ?? 'revenue';
    if (!loaded.visibility.money && sort !== 'churn') throw forbidden('Your role may not see deal values');
    const currency = input.currency ?? loaded.companyCurrency;
    const after = input.cursor ? decodeCursor(input.cursor, sort, currency) : null;
    const leads = await customerLeads(trx, ctx, loaded);
    const rows = scored(loaded, leads, currency)
      .filter((r) => !input.status || r.figures.status === input.status)
      .map((r) => ({ ...r, key: [sortValue(r.figures, sort), r.lead.id] as [number | null, string] }))
      .sort((a, b) => compare(a.key, b.key));
    const limit = input.limit ?? 50;
    const rest = after ? rows.filter((r) => compare(r.key, after) > 0) : rows;
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => customerOut(r.lead, r.figures, loaded.visibility)),
      nextCursor: rest.length > limit && last ? encodeCursor(sort, currency, last.key) : null,
      total: rows.length,
      currency,
      currencies: visibleCurrencies(loaded, leads),
      model: modelOut(loaded.populations.get(currency)),
    };
  });
}

// By dimension ---------------------------------------------------------------------------------------------------

const round2 = (v: number) => Math.round(v * 100) / 100;

export function valueBy(deps: Deps, ctx: RequestContext, input: ByInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const loaded = await load(trx, ctx, deps.clock.now());
    const v = loaded.visibility;
    const hidden = { source: !v.source, campaign: false, owner: !v.owner, partner: !v.partner }[input.dimension];
    if (hidden) throw forbidden(`Your role may not see the lead’s ${input.dimension}`);
    const currency = input.currency ?? loaded.companyCurrency;
    const leads = await customerLeads(trx, ctx, loaded);
    const rows = scored(loaded, leads, currency);
    const groups = new Map<
      string,
      { key: string | null; label: string; customers: number; revenue: number; expected: number }
    >();
    for (const { lead, figures } of rows) {
      const [key, label] = keyOf(lead, input.dimension);
      const g = groups.get(key ?? '') ?? { key, label, customers: 0, revenue: 0, expected: 0 };
      g.customers++;
      g.revenue += figures.revenueToDate;
      g.expected += figures.expected12m;
      groups.set(key ?? '', g);
    }
    const money = (n: number) => hideMoney(round2(n), v.money);
    const revenue = rows.reduce((s, r) => s + r.figures.revenueToDate, 0);
    const expected = rows.reduce((s, r) => s + r.figures.expected12m, 0);
    return {
      dimension: input.dimension,
      rows: [...groups.values()]
        .sort((a, b) => b.revenue - a.revenue || b.customers - a.customers || a.label.localeCompare(b.label))
        .map((g) => ({
          key: g.key,
          label: g.label,
          customers: g.customers,
          revenueToDate: money(g.revenue),
          expected12m: money(g.expected),
          averageValue: money(g.revenue / g.customers),
        })),
      totals: {
        customers: rows.length,
        revenueToDate: money(revenue),
        expected12m: money(expected),
        averageValue: rows.length > 0 ? money(revenue / rows.length) : null,
        atRisk: rows.filter((r) => r.figures.status === 'at_risk').length,
        lapsed: rows.filter((r) => r.figures.status === 'lapsed').length,
      },
      currency,
      currencies: visibleCurrencies(loaded, leads),
      model: modelOut(loaded.populations.get(currency)),
    };
  });
}

function keyOf(lead: LeadInfo, dimension: ByInput['dimension']): [string | null, string] {
  switch (dimension) {
    case 'source':
      return lead.source
        ? [lead.source, leadSourceLabels[lead.source as keyof typeof leadSourceLabels] ?? lead.source]
        : [null, 'No source'];
    case 'campaign':
      return lead.campaign ? [lead.campaign, lead.campaign] : [null, 'No campaign'];
    case 'owner':
      return lead.owner_id ? [lead.owner_id, lead.owner_name ?? lead.owner_id] : [null, 'Unassigned'];
    case 'partner':
      return lead.partner_id ? [lead.partner_id, lead.partner_name ?? lead.partner_id] : [null, 'No partner'];
  }
}

// One lead -------------------------------------------------------------------------------------------------------

export function leadValue(deps: Deps, ctx: RequestContext, leadId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = isUuid(leadId) ? await findVisibleLead(trx, ctx.actor, leadId) : undefined;
    if (!row) throw notFound('lead');
    const loaded = await load(trx, ctx, deps.clock.now());
    const lead: LeadInfo = {
      id: row.id,
      name: row.name,
      owner_id: row.owner_id,
      owner_name: row.owner_name,
      source: row.source,
      campaign: row.campaign,
      partner_id: row.partner_id,
      partner_name: row.partner_name,
    };
    const own = [...loaded.histories.values()].filter((h) => h.leadId === leadId);
    const [main, ...others] = leadFigures(loaded, leadId, own) as [Figures, ...Figures[]];
    return {
      ...customerOut(lead, main, loaded.visibility),
      otherCurrencies: others.map((f) => figuresOut(f, loaded.visibility)),
      model: modelOut(loaded.populations.get(main.currency)),
    };
  });
}

// The table for reports --------------------------------------------------------------------------------------------

/** Recomputes the customer_values table now, in the background (it is also recomputed every morning). */
export function requestRefresh(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await enqueue(trx, refreshNowJob, {}, { runAt: now, now });
    await recordAudit(trx, ctx, {
      action: 'customer_value.refresh_requested',
      entityType: 'customer_values',
      entityId: null,
      after: { trigger: 'manual' },
      at: now,
    });
    return { queued: true };
  });
}
