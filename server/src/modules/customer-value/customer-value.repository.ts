import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { leadIsLive } from '../leads/scope.ts';

/** One customer's row of customer_values, as the module computes it. */
export interface CustomerValueRow {
  leadId: string;
  currency: string;
  revenueToDate: number;
  paymentsReceived: number;
  purchases: number;
  averageOrderValue: number | null;
  expected12m: number;
  churnRisk: number | null;
  status: string;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
}

/** The ids of the company's live leads matching `isCustomer` (a predicate on the lead `l`). */
export async function liveLeadIds(trx: Tx, isCustomer: Expression<SqlBool>): Promise<string[]> {
  const rows = await trx.selectFrom('leads as l').select('l.id').where(leadIsLive).where(isCustomer).execute();
  return rows.map((r) => r.id);
}

/** One refresh of a company at a time: a second one (the morning's and one asked for) waits for the first. */
export async function lockRefresh(trx: Tx, companyId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('customer_value.refresh'), hashtext(${companyId}))`.execute(trx);
}

/** Rows per statement: a company's customers are written in a few statements, each of bounded size. */
const CHUNK = 5000;

/**
 * Brings the company's customer_values to exactly `rows`, set-based: rows are inserted or, where the figures
 * differ from the stored ones, updated (a row whose figures did not change is left as it is, `computed_at`
 * included), and the rows of leads not in `rows` are deleted. Returns the rows written and deleted.
 */
export async function writeCustomerValues(
  trx: Tx,
  rows: CustomerValueRow[],
  now: Date,
): Promise<{ written: number; removed: number }> {
  let written = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((r) => ({
      lead_id: r.leadId,
      currency: r.currency,
      revenue_to_date: r.revenueToDate,
      payments_received: r.paymentsReceived,
      purchases: r.purchases,
      average_order_value: r.averageOrderValue,
      expected_12m: r.expected12m,
      churn_risk: r.churnRisk,
      status: r.status,
      first_purchase_at: r.firstPurchaseAt,
      last_purchase_at: r.lastPurchaseAt,
    }));
    const result = await sql`
      INSERT INTO customer_values AS cv (company_id, lead_id, currency, revenue_to_date, payments_received, purchases,
        average_order_value, expected_12m, churn_risk, status, first_purchase_at, last_purchase_at, computed_at)
      SELECT l.company_id, r.lead_id, r.currency, r.revenue_to_date, r.payments_received, r.purchases,
        r.average_order_value, r.expected_12m, r.churn_risk, r.status, r.first_purchase_at, r.last_purchase_at, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS r (lead_id uuid, currency text,
        revenue_to_date numeric, payments_received numeric, purchases integer, average_order_value numeric,
        expected_12m numeric, churn_risk numeric, status text, first_purchase_at date, last_purchase_at date)
      JOIN leads l ON l.company_id = app_current_company() AND l.id = r.lead_id
      ON CONFLICT (company_id, lead_id) DO UPDATE SET
        currency = excluded.currency,
        revenue_to_date = excluded.revenue_to_date,
        payments_received = excluded.payments_received,
        purchases = excluded.purchases,
        average_order_value = excluded.average_order_value,
        expected_12m = excluded.expected_12m,
        churn_risk = excluded.churn_risk,
        status = excluded.status,
        first_purchase_at = excluded.first_purchase_at,
        last_purchase_at = excluded.last_purchase_at,
        computed_at = excluded.computed_at
      WHERE (cv.currency, cv.revenue_to_date, cv.payments_received, cv.purchases, cv.average_order_value,
          cv.expected_12m, cv.churn_risk, cv.status, cv.first_purchase_at, cv.last_purchase_at)
        IS DISTINCT FROM (excluded.currency, excluded.revenue_to_date, excluded.payments_received, excluded.purchases,
          excluded.average_order_value, excluded.expected_12m, excluded.churn_risk, excluded.status,
          excluded.first_purchase_at, excluded.last_purchase_at)`.execute(trx);
    written += Number(result.numAffectedRows ?? 0);
  }
  const removed = await sql`DELETE FROM customer_values cv
    WHERE cv.company_id = app_current_company() AND cv.lead_id <> ALL (${rows.map((r) => r.leadId)}::uuid[])`.execute(
    trx,
  );
  return { written, removed: Number(removed.numAffectedRows ?? 0) };
}
