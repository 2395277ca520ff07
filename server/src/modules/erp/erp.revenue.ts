import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

/**
 * Read-only: what the books say each lead's customer bought and paid, day by day, for customer lifetime value.
 * Deleted documents are left out, and so are invoices the ERP reports cancelled, void or draft; an ERP that
 * sends a credit note as a negative invoice has it netted in `invoiced`. `currency` is the document's own (null
 * when the ERP gave none: the company's currency).
 */
export interface LeadRevenueDay {
  leadId: string;
  currency: string | null;
  /** YYYY-MM-DD, the document date in the books. */
  day: string;
  /** Invoices of the day, net (negative invoices included). */
  invoiced: number;
  /** The positive invoices of the day: what was bought. */
  purchased: number;
  /** How many positive invoices the day has. */
  invoices: number;
  /** Payments received that day. */
  paid: number;
}

const NOT_SALES = ['cancelled', 'canceled', 'void', 'voided', 'deleted', 'draft'];

export async function leadRevenueDays(trx: Tx): Promise<LeadRevenueDay[]> {
  const rows = await trx
    .selectFrom('erp_documents as d')
    .select([
      'd.lead_id',
      'd.currency',
      sql<string>`to_char(d.doc_date, 'YYYY-MM-DD')`.as('day'),
      sql<string>`coalesce(sum(d.total) FILTER (WHERE d.kind = 'invoice'), 0)`.as('invoiced'),
      sql<string>`coalesce(sum(d.total) FILTER (WHERE d.kind = 'invoice' AND d.total > 0), 0)`.as('purchased'),
      sql<number>`(count(*) FILTER (WHERE d.kind = 'invoice' AND d.total > 0))::int`.as('invoices'),
      sql<string>`coalesce(sum(d.total) FILTER (WHERE d.kind = 'payment'), 0)`.as('paid'),
    ])
    .where('d.lead_id', 'is not', null)
    .where('d.deleted', '=', false)
    .where((eb) =>
      eb.or([eb('d.kind', '=', 'payment'), eb(sql<string>`lower(coalesce(d.status, ''))`, 'not in', NOT_SALES)]),
    )
    .groupBy(['d.lead_id', 'd.currency', 'd.doc_date'])
    .orderBy('d.doc_date')
    .execute();
  return rows.map((r) => ({
    leadId: r.lead_id as string,
    currency: r.currency,
    day: r.day,
    invoiced: Number(r.invoiced),
    purchased: Number(r.purchased),
    invoices: r.invoices,
    paid: Number(r.paid),
  }));
}
