import type { LeadRevenueDay } from '../erp/index.ts';
import {
  fitGammaGamma,
  fitMbg,
  type GammaGammaParams,
  gammaGammaMean,
  type MbgParams,
  mbgExpected,
  mbgPAlive,
  type Rfm,
  simpleValue,
} from './clv.model.ts';

/**
 * From the books' day-by-day figures to each customer's value: revenue and payments to date, purchases, the
 * expected value of the next 12 months and the risk that the customer has stopped buying, per currency (amounts
 * in different currencies are never added up: the project keeps no exchange rates).
 */

/** Customers with at least one repeat purchase (in one currency) before the models are fitted. */
export const MODEL_MIN_REPEAT_CUSTOMERS = 30;
/** The horizon of the expected value: 12 months, in weeks. */
export const HORIZON_WEEKS = 365.25 / 7;

export type Status = 'active' | 'cooling' | 'at_risk' | 'lapsed' | 'no_purchases';

export interface History {
  leadId: string;
  currency: string;
  revenueToDate: number;
  paymentsReceived: number;
  purchases: number;
  /** Distinct days with a purchase, in order (day numbers since the epoch). */
  purchaseDays: number[];
  /** What was bought on those days, in all. */
  purchased: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
}

export interface Figures extends History {
  averageOrderValue: number | null;
  expected12m: number;
  churnRisk: number | null;
  status: Status;
  reason: string;
}

export interface ModelInfo {
  kind: 'mbg_nbd' | 'simple' | 'none';
  customers: number;
  repeatCustomers: number;
  minRepeatCustomers: number;
  mbg: MbgParams | null;
  gammaGamma: GammaGammaParams | null;
}

export const dayNumber = (iso: string) =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** Each lead's history per currency (a document without a currency is in the company's). */
export function histories(days: LeadRevenueDay[], companyCurrency: string): Map<string, History> {
  const out = new Map<string, History>();
  for (const d of days) {
    const currency = d.currency ?? companyCurrency;
    const key = `${d.leadId}|${currency}`;
    let h = out.get(key);
    if (!h) {
      h = {
        leadId: d.leadId,
        currency,
        revenueToDate: 0,
        paymentsReceived: 0,
        purchases: 0,
        purchaseDays: [],
        purchased: 0,
        firstPurchaseAt: null,
        lastPurchaseAt: null,
      };
      out.set(key, h);
    }
    h.revenueToDate += d.invoiced;
    h.paymentsReceived += d.paid;
    h.purchases += d.invoices;
    if (d.purchased > 0) {
      const n = dayNumber(d.day);
      // Two rows of one day differ only by a null and a named company currency: one purchase day.
      if (!h.purchaseDays.includes(n)) h.purchaseDays.push(n);
      h.purchased += d.purchased;
      if (h.firstPurchaseAt === null || d.day < h.firstPurchaseAt) h.firstPurchaseAt = d.day;
      if (h.lastPurchaseAt === null || d.day > h.lastPurchaseAt) h.lastPurchaseAt = d.day;
    }
  }
  for (const h of out.values()) {
    h.purchaseDays.sort((a, b) => a - b);
    h.revenueToDate = round2(h.revenueToDate);
    h.paymentsReceived = round2(h.paymentsReceived);
  }
  return out;
}

function rfmOf(h: History, today: number): Rfm {
  const first = h.purchaseDays[0] as number;
  const last = h.purchaseDays[h.purchaseDays.length - 1] as number;
  const tx = (last - first) / 7;
  return { x: h.purchaseDays.length - 1, tx, T: Math.max(tx, (today - first) / 7) };
}

/** A fitted population of one currency: what scores each of its customers. */
export interface Population {
  info: ModelInfo;
  score(h: History): Figures;
}

const fits = new Map<string, { mbg: MbgParams; gg: GammaGammaParams | null }>();

/** The models of one currency's customers (fitted once per company, currency, day and data; kept in memory). */
export function population(companyId: string, currency: string, all: History[], todayIso: string): Population {
  const today = dayNumber(todayIso);
  const buyers = all.filter((h) => h.currency === currency && h.purchaseDays.length > 0);
  const rfms = buyers.map((h) => rfmOf(h, today));
  const repeat = rfms.filter((r) => r.x > 0).length;
  const spends = buyers.map((h) => ({ n: h.purchaseDays.length, mean: h.purchased / h.purchaseDays.length }));
  const info: ModelInfo = {
    kind: buyers.length === 0 ? 'none' : repeat >= MODEL_MIN_REPEAT_CUSTOMERS ? 'mbg_nbd' : 'simple',
    customers: buyers.length,
    repeatCustomers: repeat,
    minRepeatCustomers: MODEL_MIN_REPEAT_CUSTOMERS,
    mbg: null,
    gammaGamma: null,
  };

  let mbg: MbgParams | null = null;
  let gg: GammaGammaParams | null = null;
  if (info.kind === 'mbg_nbd') {
    const fingerprint = [
      companyId,
      currency,
      todayIso,
      buyers.length,
      rfms.reduce((s, r) => s + r.x * 7919 + r.tx * 31 + r.T, 0).toFixed(6),
      spends.reduce((s, c) => s + c.mean * c.n, 0).toFixed(2),
    ].join('|');
    let fit = fits.get(fingerprint);
    if (!fit) {
      const m = fitMbg(rfms);
      const g = fitGammaGamma(spends.filter((c) => c.mean > 0));
      const usable = [m.r, m.alpha, m.a, m.b].every(Number.isFinite);
      fit = usable
        ? { mbg: { r: m.r, alpha: m.alpha, a: m.a, b: m.b }, gg: [g.p, g.q, g.gamma].every(Number.isFinite) ? g : null }
        : { mbg: { r: Number.NaN, alpha: 0, a: 0, b: 0 }, gg: null };
      if (fits.size >= 500) fits.delete(fits.keys().next().value as string);
      fits.set(fingerprint, fit);
    }
    if (Number.isFinite(fit.mbg.r)) {
      mbg = fit.mbg;
      gg = fit.gg ? { p: fit.gg.p, q: fit.gg.q, gamma: fit.gg.gamma } : null;
      info.mbg = mbg;
      info.gammaGamma = gg;
    } else info.kind = 'simple';
  }

  // The simple model's pooled pace (repeat purchases per customer-week) and purchases per customer.
  const pooled =
    rfms.reduce((s, r) => s + r.x, 0) /
    Math.max(
      1e-9,
      rfms.reduce((s, r) => s + r.T, 0),
    );
  const meanPurchases = rfms.reduce((s, r) => s + r.x + 1, 0) / Math.max(1, rfms.length);
  // The usual interval between purchases of a customer with no repeat of its own: at the population's pace.
  const typicalWeeks = mbg ? mbg.alpha / mbg.r : pooled > 0 ? 1 / pooled : null;

  return {
    info,
    score(h) {
      const aov = h.purchases > 0 ? round2(h.revenueToDate / h.purchases) : null;
      if (h.purchaseDays.length === 0) {
        return {
          ...h,
          averageOrderValue: aov,
          expected12m: 0,
          churnRisk: null,
          status: 'no_purchases',
          reason: 'no invoice in the books yet',
        };
      }
      const rfm = rfmOf(h, today);
      const spend = gg
        ? gammaGammaMean(gg, { n: h.purchaseDays.length, mean: h.purchased / h.purchaseDays.length })
        : h.purchased / h.purchaseDays.length;
      let pAlive: number;
      let purchases: number;
      if (mbg) {
        pAlive = mbgPAlive(mbg, rfm);
        purchases = mbgExpected(mbg, rfm, HORIZON_WEEKS);
      } else {
        const own = rfm.x > 0 && rfm.tx > 0 ? rfm.x / rfm.tx : pooled;
        // Nobody has bought twice yet: the risk is read at a yearly pace, and no repeat purchase is expected.
        const pace = own > 0 ? own : 1 / 52;
        const simple = simpleValue(pace, meanPurchases, rfm.T - rfm.tx, HORIZON_WEEKS);
        pAlive = simple.pAlive;
        purchases = own > 0 ? simple.purchases : 0;
      }
      const churnRisk = Math.min(1, Math.max(0, 1 - pAlive));
      const gapDays = Math.max(0, today - (h.purchaseDays[h.purchaseDays.length - 1] as number));
      const intervalWeeks = rfm.x > 0 ? rfm.tx / rfm.x : typicalWeeks;
      return {
        ...h,
        averageOrderValue: aov,
        expected12m: round2(Math.max(0, purchases * spend)),
        churnRisk: Math.round(churnRisk * 1000) / 1000,
        status: statusOf(churnRisk),
        reason: reasonOf(rfm.x, gapDays, intervalWeeks),
      };
    },
  };
}

/** The plain-words label of a churn risk (the probability the customer has stopped buying). */
export function statusOf(churnRisk: number): Exclude<Status, 'no_purchases'> {
  if (churnRisk < 0.3) return 'active';
  if (churnRisk < 0.5) return 'cooling';
  if (churnRisk < 0.8) return 'at_risk';
  return 'lapsed';
}

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

function reasonOf(repeats: number, gapDays: number, intervalWeeks: number | null): string {
  const interval = intervalWeeks === null ? null : Math.max(1, Math.round(intervalWeeks * 7));
  const silence = gapDays === 0 ? 'bought today' : `no purchase for ${days(gapDays)}`;
  if (repeats > 0) return `${silence}; usually every ${days(interval as number)}`;
  const once = gapDays === 0 ? 'one purchase, today' : `one purchase, ${days(gapDays)} ago`;
  return interval === null
    ? `${once}; no customer has bought twice yet`
    : `${once}; repeat customers here buy about every ${days(interval)}`;
}
