import { Type } from 'typebox';
import type { TimelineSource } from '../timeline/index.ts';
import { referenceOf } from './tickets.dto.ts';
import { leadTickets } from './tickets.repository.ts';

/** A ticket raised for the lead, as it stands now (its reference, subject, status and priority). */
export const ticketTimelineSource: TimelineSource = {
  kind: 'ticket',
  schema: Type.Object({
    ticketId: Type.String({ format: 'uuid' }),
    reference: Type.String({ description: 'T-1001' }),
    subject: Type.String(),
    status: Type.String({ description: 'new, open, pending, on_hold, solved or closed' }),
    priority: Type.String({ description: 'low, normal, high or urgent' }),
  }),
  async load(trx, q) {
    const rows = await leadTickets(trx, q.lead.id, q.before, q.limit);
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'ticket',
      actor: { id: r.created_by, name: r.creator_name },
      data: {
        ticketId: r.id,
        reference: referenceOf(r.number),
        subject: r.subject,
        status: r.status,
        priority: r.priority,
      },
    }));
  },
};
