import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import type { TimelineSource } from '../timeline/index.ts';
import { toMessage } from './whatsapp.dto.ts';
import { leadMessages } from './whatsapp.repository.ts';
import { MessageError } from './whatsapp.schemas.ts';

const Time = Type.String({ format: 'date-time' });

/** Every WhatsApp message on the lead, both ways, with how far it got (sent, delivered, read, failed and when). */
export const whatsappTimelineSource: TimelineSource = {
  kind: 'whatsapp',
  schema: Type.Object({
    direction: Type.String({ description: 'outbound or inbound' }),
    type: Type.String({ description: 'text, template, image, document, ...' }),
    phone: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    text: Nullable(Type.String()),
    template: Nullable(
      Type.Object({ name: Type.String(), language: Type.String(), params: Type.Array(Type.String()) }),
    ),
    status: Type.String({ description: 'queued, sent, delivered, read, failed (outbound); received (inbound)' }),
    sentAt: Nullable(Time),
    deliveredAt: Nullable(Time),
    readAt: Nullable(Time),
    failedAt: Nullable(Time),
    error: Nullable(MessageError),
  }),
  async load(trx, q) {
    const rows = await leadMessages(trx, q.lead.id, q.before, q.limit);
    return rows.map((row) => {
      const m = toMessage(row, q.access);
      return {
        id: row.id,
        atUs: Number(row.at_us),
        kind: 'whatsapp',
        actor: m.sentBy,
        data: {
          direction: m.direction,
          type: m.type,
          phone: m.phone,
          contactName: m.contactName,
          text: m.text,
          template: m.template,
          status: m.status,
          sentAt: m.sentAt,
          deliveredAt: m.deliveredAt,
          readAt: m.readAt,
          failedAt: m.failedAt,
          error: m.error,
        },
      };
    });
  },
};
