import { sql } from 'kysely';
import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import type { TimelineSource } from '../timeline/index.ts';

/**
 * Invoices and payments the books recorded for the lead's customer, at their document date (noon UTC of that
 * day, so the day reads the same in every zone): the sales team sees billing beside the conversation.
 */
export const erpTimelineSource: TimelineSource = {
  kind: 'erp_document',
  schema: Type.Object({
    documentKind: Type.Union([Type.Literal('invoice'), Type.Literal('payment')]),
    connectionName: Type.String(),
    number: Nullable(Type.String()),
    date: Type.String({ format: 'date' }),
    currency: Nullable(Type.String()),
    total: Type.String(),
    balance: Nullable(Type.String()),
  }),
  async load(trx, q) {
    const at = sql<Date>`(d.doc_date + time '12:00') AT TIME ZONE 'UTC'`;
    const rows = await trx
      .selectFrom('erp_documents as d')
      .innerJoin('erp_connections as c', (j) =>
        j.onRef('c.company_id', '=', 'd.company_id').onRef('c.id', '=', 'd.connection_id'),
      )
      .select([
        'd.id',
        'd.kind',
        'c.name',
        'd.number',
        sql<string>`to_char(d.doc_date, 'YYYY-MM-DD')`.as('date'),
        'd.currency',
        'd.total',
        'd.balance',
        sql<string>`(extract(epoch FROM ${at}) * 1000000)::bigint`.as('at_us'),
      ])
      .where('d.lead_id', '=', q.lead.id)
      .where('d.deleted', '=', false)
      .$if(q.before !== null, (qb) =>
        qb.where(
          sql<boolean>`(${at}, d.id) < (timestamptz 'epoch' + ${q.before?.atUs ?? 0}::bigint * interval '1 microsecond', ${q.before?.id ?? null}::uuid)`,
        ),
      )
      .orderBy(at, 'desc')
      .orderBy('d.id', 'desc')
      .limit(q.limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'erp_document',
      actor: null,
      data: {
        documentKind: r.kind as 'invoice' | 'payment',
        connectionName: r.name,
        number: r.number,
        date: r.date,
        currency: r.currency,
        total: Number(r.total).toFixed(2),
        balance: r.kind === 'invoice' ? Number(r.balance ?? 0).toFixed(2) : null,
      },
    }));
  },
};
