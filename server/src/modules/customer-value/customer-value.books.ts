import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { notFound } from '../../http/errors.ts';
import { findCompany } from '../companies/index.ts';
import { leadRevenueDays } from '../erp/index.ts';
import { listStages } from '../pipeline/index.ts';
import { todayIn } from '../reports/index.ts';
import { type Figures, type History, histories, type Population, population } from './customer-value.compute.ts';

/**
 * What the books say of a company's customers, scored: each lead's history per currency and the fitted model of
 * each currency, as of today in the company's time zone. The API and the customer_values table both read their
 * figures from here, so the two always agree.
 */
export interface Books {
  companyCurrency: string;
  today: string;
  histories: Map<string, History>;
  populations: Map<string, Population>;
}

export async function loadBooks(trx: Tx, companyId: string, now: Date): Promise<Books> {
  const company = await findCompany(trx, companyId);
  if (!company) throw notFound('company');
  const today = todayIn(company.timezone, now);
  const all = histories(await leadRevenueDays(trx), company.currency);
  const populations = new Map<string, Population>();
  const list = [...all.values()];
  for (const currency of new Set([company.currency, ...list.map((h) => h.currency)])) {
    populations.set(currency, population(companyId, currency, list, today));
  }
  return { companyCurrency: company.currency, today, histories: all, populations };
}

export const emptyHistory = (leadId: string, currency: string): History => ({
  leadId,
  currency,
  revenueToDate: 0,
  paymentsReceived: 0,
  purchases: 0,
  purchaseDays: [],
  purchased: 0,
  firstPurchaseAt: null,
  lastPurchaseAt: null,
});

export const leadIdsWithDocuments = (books: Books) => [...new Set([...books.histories.values()].map((h) => h.leadId))];

/** On the lead `l`: a customer (in a won stage, or with documents in the books). */
export async function isCustomer(trx: Tx, books: Books): Promise<Expression<SqlBool>> {
  const won = (await listStages(trx)).filter((s) => s.kind === 'won').map((s) => s.key);
  return sql<SqlBool>`(l.stage = ANY(${won}::text[]) OR l.id = ANY(${leadIdsWithDocuments(books)}::uuid[]))`;
}

/**
 * A customer's figures in each currency it has documents in, its main currency first: the company's when it has
 * documents in it (or none at all: a won lead with nothing in the books yet), else the one of its largest revenue.
 */
export function leadFigures(books: Books, leadId: string, own: History[]): Figures[] {
  const scored = own.map((h) => (books.populations.get(h.currency) as Population).score(h));
  scored.sort(
    (a, b) =>
      Number(b.currency === books.companyCurrency) - Number(a.currency === books.companyCurrency) ||
      b.revenueToDate - a.revenueToDate,
  );
  if (scored.length > 0) return scored;
  const company = books.populations.get(books.companyCurrency) as Population;
  return [company.score(emptyHistory(leadId, books.companyCurrency))];
}

/** Each lead's histories (every currency), by lead. */
export function historiesByLead(books: Books): Map<string, History[]> {
  const out = new Map<string, History[]>();
  for (const h of books.histories.values()) {
    const list = out.get(h.leadId);
    if (list) list.push(h);
    else out.set(h.leadId, [h]);
  }
  return out;
}
