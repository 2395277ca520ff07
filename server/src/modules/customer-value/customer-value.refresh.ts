import { performance } from 'node:perf_hooks';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { historiesByLead, isCustomer, leadFigures, loadBooks } from './customer-value.books.ts';
import { type CustomerValueRow, liveLeadIds, lockRefresh, writeCustomerValues } from './customer-value.repository.ts';

export interface RefreshResult {
  customers: number;
  written: number;
  removed: number;
  durationMs: number;
}

/**
 * One company's customer_values brought up to date, in the caller's tenant transaction: every live customer
 * valued as the API values it (the same books, models and day in the company's time zone), in its main currency,
 * and the table made to match it, rewriting only what changed.
 */
export async function refreshCustomerValues(trx: Tx, deps: Deps, companyId: string): Promise<RefreshResult> {
  const started = performance.now();
  await lockRefresh(trx, companyId);
  const now = deps.clock.now();
  const books = await loadBooks(trx, companyId, now);
  const customers = await liveLeadIds(trx, await isCustomer(trx, books));
  const own = historiesByLead(books);
  const rows = customers.map((id): CustomerValueRow => {
    const [f] = leadFigures(books, id, own.get(id) ?? []);
    if (!f) throw new Error(`No figures for the customer ${id}`);
    return {
      leadId: id,
      currency: f.currency,
      revenueToDate: f.revenueToDate,
      paymentsReceived: f.paymentsReceived,
      purchases: f.purchases,
      averageOrderValue: f.averageOrderValue,
      expected12m: f.expected12m,
      churnRisk: f.churnRisk,
      status: f.status,
      firstPurchaseAt: f.firstPurchaseAt,
      lastPurchaseAt: f.lastPurchaseAt,
    };
  });
  const { written, removed } = await writeCustomerValues(trx, rows, now);
  return { customers: rows.length, written, removed, durationMs: performance.now() - started };
}

/** The daily run and the one asked for through the API. */
export async function runRefreshJob(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await refreshCustomerValues(trx, deps, job.companyId);
}
